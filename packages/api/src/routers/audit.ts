/**
 * The console's audit feed: this member's recent audit records (logins, failed authentications,
 * user and token changes, force-releases, session expiries, ACL changes), replayed then live.
 * Operators and admins only: it names users and addresses.
 */
import { keelError } from "@keel/core";
import { requireRole } from "../caller.js";
import { auditEventsInputSchema } from "../schemas.js";
import { procedure, router } from "../trpc.js";

export const auditRouter = router({
  events: procedure.input(auditEventsInputSchema).subscription(async function* ({ ctx, input, signal }) {
    requireRole(ctx.caller, "operator", "the audit feed");
    if (ctx.auditFeed === undefined) throw keelError("UNIMPLEMENTED", "this server keeps no audit feed");
    yield* ctx.auditFeed.events(input?.backlog ?? 100, signal ?? new AbortController().signal);
  }),
});

/**
 * Sessions. Over HTTP a session is kept alive by calling `keepAlive` (like a Consul session or an
 * etcd lease); over WebSocket the `attach` subscription binds it to the connection, which keeps it
 * alive until the connection drops, and reconnecting to any server within the timeout resumes it.
 */
import { keelError, parseZxid } from "@keel/core";
import { expireSessionSubject } from "../audit.js";
import { requireRole } from "../caller.js";
import { API_SESSION_LIST_LIMIT_DEFAULT } from "../limits.js";
import {
  attachSessionInputSchema,
  expireSessionInputSchema,
  openSessionInputSchema,
  sessionEphemeralsInputSchema,
  sessionListInputSchema,
  sessionRefSchema,
} from "../schemas.js";
import { audited, procedure, router } from "../trpc.js";

export const sessionRouter = router({
  open: procedure
    .input(openSessionInputSchema)
    .mutation(({ ctx, input }) => ctx.coordinator.openSession(input, ctx.clientAddress)),
  keepAlive: procedure.input(sessionRefSchema).mutation(({ ctx, input }) => ctx.coordinator.keepAlive(input)),
  close: procedure.input(sessionRefSchema).mutation(({ ctx, input }) => ctx.coordinator.closeSession(input)),
  /** Admin listing (CLI `keel sessions`, the console): bounded by `limit`, `truncated` when more exist. */
  list: procedure
    .input(sessionListInputSchema)
    .query(({ ctx, input }) => ctx.coordinator.listSessions({ limit: input?.limit ?? API_SESSION_LIST_LIMIT_DEFAULT })),
  /** An operator ends a session as its expiry would (console, CLI): its ephemerals go, cause sessionExpired. */
  expire: procedure
    .input(expireSessionInputSchema)
    .use(audited(expireSessionSubject))
    .mutation(({ ctx, input }) => {
      requireRole(ctx.caller, "operator", "expiring a session");
      return ctx.coordinator.expireSession(input);
    }),
  /** An operator's view of a session's ephemerals (console, CLI): by id, without its secret. */
  ephemerals: procedure.input(sessionEphemeralsInputSchema).query(({ ctx, input }) => {
    requireRole(ctx.caller, "operator", "listing another session's ephemerals");
    return ctx.coordinator.sessionEphemerals(input, ctx.caller);
  }),
  attach: procedure.input(attachSessionInputSchema).subscription(async function* ({ ctx, input, signal }) {
    const lastZxidSeen = parseZxid(input.lastZxidSeen);
    if (lastZxidSeen === undefined)
      throw keelError(
        "BADARGUMENTS",
        `lastZxidSeen must be a zxid this ensemble could have made, got ${input.lastZxidSeen}`,
      );
    const events = ctx.coordinator.attachSession({
      session: { sessionId: input.sessionId, secret: input.secret },
      lastZxidSeen,
      signal: signal ?? new AbortController().signal,
      ...(ctx.clientAddress === undefined ? {} : { clientAddress: ctx.clientAddress }),
      ...(ctx.connection === undefined ? {} : { connection: ctx.connection }),
    });
    yield* events;
  }),
});

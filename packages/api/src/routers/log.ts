/**
 * The audit feed: committed txns (zxid, op, paths, session, client address) from the applied
 * history, replayed then live. Entries are `tracked` with their zxid, so a reconnecting wsLink
 * resumes after the last one received, as watch streams do.
 */
import { keelError, parseZxid } from "@keel/core";
import { tracked } from "@trpc/server";
import { logEventsInputSchema } from "../schemas.js";
import { procedure, router } from "../trpc.js";

export const logRouter = router({
  events: procedure.input(logEventsInputSchema).subscription(async function* ({ ctx, input, signal }) {
    const resumeFrom = input?.lastEventId ?? input?.afterZxid;
    const afterZxid = resumeFrom === undefined || resumeFrom === null ? undefined : parseZxid(resumeFrom);
    if (resumeFrom != null && afterZxid === undefined) {
      throw keelError(
        "BADARGUMENTS",
        `the resume zxid must be a zxid this ensemble could have made, got ${resumeFrom}`,
      );
    }
    const entries = ctx.coordinator.logEvents({
      afterZxid,
      backlog: input?.backlog ?? 100,
      pathPrefix: input?.pathPrefix,
      signal: signal ?? new AbortController().signal,
      caller: ctx.caller,
    });
    for await (const entry of entries) yield tracked(entry.zxid, entry);
  }),
});

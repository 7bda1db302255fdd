/**
 * Watch streams. Each event is `tracked` with its zxid, so tRPC's wsLink resends the last id on
 * reconnect and the stream resumes after it; a client can also pass `afterZxid` explicitly. If that
 * zxid has left the server's history the stream fails with a typed error instead of skipping events.
 */
import { parseZxid } from "@keel/core";
import { TRPCError, tracked } from "@trpc/server";
import { watchInputSchema } from "../schemas.js";
import { procedure, router } from "../trpc.js";

export const watchRouter = router({
  events: procedure.input(watchInputSchema).subscription(async function* ({ ctx, input, signal }) {
    const resumeFrom = input.lastEventId ?? input.afterZxid;
    const afterZxid = resumeFrom === undefined || resumeFrom === null ? undefined : parseZxid(resumeFrom);
    if (resumeFrom != null && afterZxid === undefined) {
      throw new TRPCError({ code: "BAD_REQUEST", message: `bad resume zxid ${resumeFrom}` });
    }
    const events = ctx.coordinator.watch({
      path: input.path,
      mode: input.mode,
      afterZxid,
      signal: signal ?? new AbortController().signal,
    });
    for await (const event of events) yield tracked(event.zxid, event);
  }),
});

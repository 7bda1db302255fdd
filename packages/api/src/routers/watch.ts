/**
 * Watch streams. Each event is `tracked` with its zxid, so tRPC's wsLink resends the last id on
 * reconnect and the stream resumes after it; a client can also pass `afterZxid` explicitly. If that
 * zxid has left the server's history the stream fails with a typed error instead of skipping events.
 * One connection holds at most `watchStreamsMax` streams (the server's watchesPerSessionMax): a
 * stream over the limit fails with QUOTAEXCEEDED until the client closes one.
 */
import { keelError, PERMS, parseZxid } from "@keel/core";
import { tracked } from "@trpc/server";
import { requirePathAccess } from "../caller.js";
import { watchInputSchema } from "../schemas.js";
import { procedure, router } from "../trpc.js";

export const watchRouter = router({
  events: procedure.input(watchInputSchema).subscription(async function* ({ ctx, input, signal }) {
    const resumeFrom = input.lastEventId ?? input.afterZxid;
    const afterZxid = resumeFrom === undefined || resumeFrom === null ? undefined : parseZxid(resumeFrom);
    if (resumeFrom != null && afterZxid === undefined) {
      throw keelError(
        "BADARGUMENTS",
        `the resume zxid must be a zxid this ensemble could have made, got ${resumeFrom}`,
      );
    }
    requirePathAccess(ctx.caller, input.path, PERMS.READ);
    const { connection, watchStreamsMax } = ctx;
    if (connection !== undefined && watchStreamsMax !== undefined && connection.watchStreams >= watchStreamsMax) {
      throw keelError(
        "QUOTAEXCEEDED",
        `this connection already holds ${connection.watchStreams} watch streams (watchesPerSessionMax is ${watchStreamsMax}); close one first`,
        input.path,
      );
    }
    if (connection !== undefined) connection.watchStreams += 1;
    try {
      const events = ctx.coordinator.watch({
        path: input.path,
        mode: input.mode,
        afterZxid,
        signal: signal ?? new AbortController().signal,
        caller: ctx.caller,
      });
      for await (const event of events) yield tracked(event.zxid, event);
    } finally {
      if (connection !== undefined) connection.watchStreams -= 1;
    }
  }),
});

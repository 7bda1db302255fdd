/**
 * Cluster information: this server's role, epochs, zxids, the members and the leader; and the
 * console's live streams of the same status and of metrics samples.
 */
import { metricsInputSchema } from "../schemas.js";
import { procedure, router } from "../trpc.js";

export const clusterRouter = router({
  status: procedure.query(({ ctx }) => ctx.coordinator.status()),
  /** This member's status at once, then on every change and at least every API_STATUS_PUSH_MS. */
  events: procedure.subscription(async function* ({ ctx, signal }) {
    yield* ctx.coordinator.statusEvents(signal ?? new AbortController().signal);
  }),
  /** One metrics sample from this member every `intervalMs` (default 1 s). */
  metrics: procedure.input(metricsInputSchema).subscription(async function* ({ ctx, input, signal }) {
    yield* ctx.coordinator.metricsSamples({
      intervalMs: input?.intervalMs ?? 1000,
      signal: signal ?? new AbortController().signal,
    });
  }),
});

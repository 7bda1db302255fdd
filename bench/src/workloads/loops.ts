/**
 * The two load shapes: one client doing one operation at a time (latency), and C connections
 * each keeping N operations outstanding for a fixed time (throughput). Both are bounded by time
 * and by an operation count.
 */
import { type LatencySummary, summarizeLatencies } from "../stats.js";

export async function sequential(count: number, op: (i: number) => Promise<unknown>): Promise<LatencySummary> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await op(i);
    samples.push(performance.now() - start);
  }
  return summarizeLatencies(samples);
}

export interface ThroughputResult {
  opsPerSecond: number;
  latency: LatencySummary;
  errors: number;
  firstError: string | undefined;
}

/** Operations per load, so a runaway fast system still stops: 2M ops is ~1 min at 30k/s. */
const opsMax = 2_000_000;
const errorBackoffMs = 10;

/**
 * `connections.length × outstanding` loops, each issuing `op` back to back. The first `warmupMs`
 * are not counted; then operations completing within `durationMs` are.
 */
export async function closedLoop<C>(
  connections: readonly C[],
  outstanding: number,
  warmupMs: number,
  durationMs: number,
  op: (connection: C, slot: number, i: number) => Promise<unknown>,
): Promise<ThroughputResult> {
  const startedAt = performance.now();
  const measureFrom = startedAt + warmupMs;
  const measureUntil = measureFrom + durationMs;
  const samples: number[] = [];
  let errors = 0;
  let issued = 0;
  let firstError: string | undefined;
  const loop = async (connection: C, slot: number): Promise<void> => {
    for (let i = 0; performance.now() < measureUntil && issued < opsMax; i++) {
      issued++;
      const start = performance.now();
      try {
        await op(connection, slot, i);
        const end = performance.now();
        if (end >= measureFrom && end <= measureUntil) samples.push(end - start);
      } catch (error) {
        errors++;
        firstError ??= (error as Error).message;
        // A failing system answers fast: back off a little, as a real client would, instead of
        // turning the loop into a retry storm that measures the storm.
        await new Promise((resolve) => setTimeout(resolve, errorBackoffMs));
      }
    }
  };
  await Promise.all(
    connections.flatMap((connection, c) =>
      Array.from({ length: outstanding }, (_, s) => loop(connection, c * outstanding + s)),
    ),
  );
  return {
    opsPerSecond: samples.length / (durationMs / 1000),
    latency: summarizeLatencies(samples),
    errors,
    firstError,
  };
}

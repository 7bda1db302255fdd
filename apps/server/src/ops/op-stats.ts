/**
 * Per-op request counters and recent latencies for the console's `cluster.metrics` stream, kept
 * in memory and read synchronously (prom-client's registry is read asynchronously and holds
 * histograms, not percentiles). Ops are a closed set named by the coordinator, so the map stays small.
 */
import { type LatencyPercentiles, LatencyWindow } from "./latency-window.js";

/** Distinct op names tracked; a name past it is counted under "other" (a bug guard, not a real limit). */
export const OP_STATS_OPS_MAX = 64;

export interface OpCounters {
  readonly op: string;
  readonly count: number;
  readonly errors: number;
  readonly latency: LatencyWindow;
}

interface MutableOpCounters {
  count: number;
  errors: number;
  readonly latency: LatencyWindow;
}

export class OpStats {
  private readonly byOp = new Map<string, MutableOpCounters>();

  /** One finished request: its latency and whether it failed. */
  record(op: string, latencyMs: number, failed: boolean, finishedAtMs: number): void {
    const counters = this.countersOf(op);
    counters.count += 1;
    if (failed) counters.errors += 1;
    counters.latency.record(latencyMs, finishedAtMs);
  }

  /** Every op seen so far, sorted by name, with cumulative counts and percentiles since `sinceMs`. */
  snapshot(sinceMs: number): { op: string; count: number; errors: number; latency: LatencyPercentiles }[] {
    return [...this.byOp.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([op, counters]) => ({
        op,
        count: counters.count,
        errors: counters.errors,
        latency: counters.latency.percentilesSince(sinceMs),
      }));
  }

  private countersOf(op: string): MutableOpCounters {
    const known = this.byOp.get(op);
    if (known !== undefined) return known;
    const name = this.byOp.size < OP_STATS_OPS_MAX ? op : "other";
    const counters = this.byOp.get(name) ?? { count: 0, errors: 0, latency: new LatencyWindow() };
    this.byOp.set(name, counters);
    return counters;
  }
}

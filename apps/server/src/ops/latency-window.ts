/**
 * The most recent latencies of one kind of work (an API op, an fsync), each with the time it
 * finished, in a fixed ring: the console's p50/p99 "over the last interval" are read from it for
 * any interval a subscriber asks for, with no per-subscriber state and no async metric reads.
 * Bounded: past `capacity` samples in one interval the oldest fall out, so a very busy interval is
 * summarized by its last `capacity` samples (docs/api.md, "cluster.metrics").
 */
import { assert } from "@keel/core";

/** Samples one window keeps (per op, and for fsyncs). */
export const LATENCY_WINDOW_SAMPLES_MAX = 4096;

export interface LatencyPercentiles {
  readonly p50: number;
  readonly p99: number;
}

export class LatencyWindow {
  private readonly latenciesMs: Float64Array;
  private readonly finishedAtMs: Float64Array;
  /** Next slot to write; `size` slots before it (wrapping) hold samples, oldest first. */
  private next = 0;
  private size = 0;

  constructor(readonly capacity = LATENCY_WINDOW_SAMPLES_MAX) {
    assert(Number.isInteger(capacity) && capacity > 0, "latency window capacity must be positive");
    this.latenciesMs = new Float64Array(capacity);
    this.finishedAtMs = new Float64Array(capacity);
  }

  record(latencyMs: number, finishedAtMs: number): void {
    this.latenciesMs[this.next] = latencyMs;
    this.finishedAtMs[this.next] = finishedAtMs;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
  }

  /** p50 and p99 (nearest rank) of the samples that finished after `sinceMs`; zeros when none did. */
  percentilesSince(sinceMs: number): LatencyPercentiles {
    const recent: number[] = [];
    // Newest first: stop at the first sample from before the interval (the ring is in time order).
    for (let i = 1; i <= this.size; i++) {
      const slot = (this.next - i + this.capacity) % this.capacity;
      if ((this.finishedAtMs[slot] as number) <= sinceMs) break;
      recent.push(this.latenciesMs[slot] as number);
    }
    if (recent.length === 0) return { p50: 0, p99: 0 };
    recent.sort((a, b) => a - b);
    return { p50: nearestRank(recent, 0.5), p99: nearestRank(recent, 0.99) };
  }
}

function nearestRank(sorted: readonly number[], quantile: number): number {
  const rank = Math.max(1, Math.ceil(quantile * sorted.length));
  return sorted[rank - 1] as number;
}

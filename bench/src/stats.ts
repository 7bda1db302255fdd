/**
 * Pure statistics for the bench: latency percentiles within one run, and the min/median/max of a
 * figure over repeats. Percentiles use the nearest-rank definition (no interpolation), so a p99
 * is always a latency that some operation really had.
 */

/** Nearest-rank percentile of `sorted` (ascending); `p` in [0, 100]. NaN for no samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  if (p <= 0) return sorted[0] as number;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1] as number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] as number),
  };
}

export interface Spread {
  min: number;
  median: number;
  max: number;
  /** Every repeat's value, in run order. */
  values: number[];
}

/** min/median/max over repeats; the median of an even count is the mean of the middle two. */
export function spread(values: readonly number[]): Spread {
  const finite = values.filter((v) => Number.isFinite(v));
  const sorted = [...finite].sort((a, b) => a - b);
  if (sorted.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN, values: [...values] };
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { min: sorted[0] as number, median, max: sorted[sorted.length - 1] as number, values: [...values] };
}

export type Better = "higher" | "lower" | "info";

/**
 * Keel's figure over the best of the others, oriented so the table can say "better"/"worse":
 * for "higher" metrics a ratio > 1 means Keel is better, for "lower" a ratio < 1 does.
 * undefined when there is nothing to compare.
 */
export function ratioToBest(keel: number, others: readonly number[], better: Better): number | undefined {
  const usable = others.filter((v) => Number.isFinite(v));
  if (better === "info" || !Number.isFinite(keel) || usable.length === 0) return undefined;
  const best = better === "higher" ? Math.max(...usable) : Math.min(...usable);
  if (best === 0) return keel === 0 ? 1 : undefined;
  return keel / best;
}

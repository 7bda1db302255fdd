/**
 * The metrics page's memory and math: a bounded rolling window of each member's samples, and the
 * rates and chart rows derived from it. `cluster.metrics` sends cumulative counters (requests per
 * op, fsyncs, commits), so rates are differences of consecutive samples of one member.
 */
import type { MetricsSampleView } from "@keel/api";

/** How much history the charts show. */
export const METRICS_WINDOW_MS = 120_000;
/** Samples kept per member whatever their timing: bounds memory if a member samples faster. */
export const METRICS_SAMPLES_MAX = 300;

/**
 * `window` plus `sample`, oldest first, trimmed to `windowMs` before the newest sample and to at
 * most `max` samples. A sample not newer than the last one (a replay after a reconnect) is dropped.
 */
export function appendSample(
  window: readonly MetricsSampleView[],
  sample: MetricsSampleView,
  windowMs = METRICS_WINDOW_MS,
  max = METRICS_SAMPLES_MAX,
): readonly MetricsSampleView[] {
  const last = window[window.length - 1];
  if (last !== undefined && sample.atMs <= last.atMs) return window;
  const oldestMs = sample.atMs - windowMs;
  let start = 0;
  while (start < window.length && (window[start] as MetricsSampleView).atMs < oldestMs) start += 1;
  const kept = window.slice(Math.max(start, window.length + 1 - max));
  kept.push(sample);
  return kept;
}

/**
 * Per-second rate of a cumulative counter between two samples; null when it cannot be known (no
 * time passed, or the counter went backwards because the server restarted).
 */
export function ratePerSecond(before: number, after: number, elapsedMs: number): number | null {
  if (elapsedMs <= 0 || after < before) return null;
  return ((after - before) * 1000) / elapsedMs;
}

export interface RatePoint {
  readonly atMs: number;
  /** Requests per second, all ops. */
  readonly requests: number;
  readonly byOp: ReadonlyMap<string, number>;
  readonly commits: number | null;
  readonly fsyncs: number | null;
}

/** The rates between each pair of consecutive samples (one fewer point than samples, or fewer after a restart). */
export function ratePoints(samples: readonly MetricsSampleView[]): RatePoint[] {
  const points: RatePoint[] = [];
  for (let index = 1; index < samples.length; index += 1) {
    const before = samples[index - 1] as MetricsSampleView;
    const after = samples[index] as MetricsSampleView;
    const elapsedMs = after.atMs - before.atMs;
    const countsBefore = new Map(before.ops.map((op) => [op.op, op.count]));
    const byOp = new Map<string, number>();
    let requests = 0;
    let restarted = false;
    for (const op of after.ops) {
      // An op first seen in `after` had a count of 0 before: counters appear on first use.
      const rate = ratePerSecond(countsBefore.get(op.op) ?? 0, op.count, elapsedMs);
      if (rate === null) {
        restarted = true;
        break;
      }
      byOp.set(op.op, rate);
      requests += rate;
    }
    if (restarted || elapsedMs <= 0) continue;
    points.push({
      atMs: after.atMs,
      requests,
      byOp,
      commits: ratePerSecond(before.commits, after.commits, elapsedMs),
      fsyncs: ratePerSecond(before.fsyncs, after.fsyncs, elapsedMs),
    });
  }
  return points;
}

export interface SeriesPoint {
  readonly atMs: number;
  readonly value: number | null;
}

export type ChartRow = { readonly t: number } & Record<string, number | null>;

/**
 * Chart rows from several series: the samples of different members arrive at different moments,
 * so points are aligned to `bucketMs` (each row holds at most one point of each series).
 */
export function alignSeries(series: ReadonlyMap<string, readonly SeriesPoint[]>, bucketMs = 1000): ChartRow[] {
  const rows = new Map<number, Record<string, number | null>>();
  for (const [key, points] of series) {
    for (const point of points) {
      const t = Math.round(point.atMs / bucketMs) * bucketMs;
      let row = rows.get(t);
      if (row === undefined) {
        row = { t };
        rows.set(t, row);
      }
      row[key] = point.value;
    }
  }
  return [...rows.values()].sort((a, b) => (a.t as number) - (b.t as number)) as ChartRow[];
}

/**
 * One value per op per point in time, combined across members (`combine` is a sum for rates, a
 * max for latencies: the worst member is what an operator chases).
 */
export function combineByOp(
  perMember: readonly (readonly { atMs: number; byOp: ReadonlyMap<string, number> }[])[],
  combine: (a: number, b: number) => number,
  bucketMs = 1000,
): Map<string, SeriesPoint[]> {
  const byOpAndTime = new Map<string, Map<number, number>>();
  for (const points of perMember) {
    for (const point of points) {
      const t = Math.round(point.atMs / bucketMs) * bucketMs;
      for (const [op, value] of point.byOp) {
        let times = byOpAndTime.get(op);
        if (times === undefined) {
          times = new Map();
          byOpAndTime.set(op, times);
        }
        const known = times.get(t);
        times.set(t, known === undefined ? value : combine(known, value));
      }
    }
  }
  const series = new Map<string, SeriesPoint[]>();
  for (const op of [...byOpAndTime.keys()].sort()) {
    const times = byOpAndTime.get(op) as Map<number, number>;
    series.set(
      op,
      [...times.entries()].sort(([a], [b]) => a - b).map(([atMs, value]) => ({ atMs, value })),
    );
  }
  return series;
}

/**
 * Each sample's latency percentile for the ops that finished requests in its interval: an idle op
 * reports 0, which is "no data", not "instant". Activity is read from the counts (a first sample,
 * with nothing to compare against, counts a non-zero latency as activity).
 */
export function latencyPoints(
  samples: readonly MetricsSampleView[],
  percentile: "latencyMsP50" | "latencyMsP99",
): { atMs: number; byOp: Map<string, number> }[] {
  return samples.map((sample, index) => {
    const before = index === 0 ? undefined : new Map(samples[index - 1]?.ops.map((op) => [op.op, op.count]));
    const active = sample.ops.filter((op) =>
      before === undefined ? op[percentile] > 0 : op.count !== (before.get(op.op) ?? 0),
    );
    return { atMs: sample.atMs, byOp: new Map(active.map((op) => [op.op, op[percentile]])) };
  });
}

/** A key safe for recharts' dataKey (which reads dots as nested paths). */
export function seriesKey(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}

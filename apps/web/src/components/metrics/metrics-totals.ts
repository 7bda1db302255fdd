/** The metrics page's headline numbers: the latest sample (and rate) of each selected member, combined. */
import type { MetricsSampleView } from "@keel/api";
import { ratePoints } from "./metrics-window";

export interface MetricsTotalsView {
  /** Requests per second over all selected members. */
  readonly requestsPerSecond: number | null;
  /** Every member applies the same txns: the fastest member's commit rate is the cluster's. */
  readonly commitsPerSecond: number | null;
  /** The worst op p99 in any member's latest interval. */
  readonly latencyMsP99: number | null;
  readonly outstandingRequests: number | null;
  readonly sessions: number | null;
  readonly znodes: number | null;
  /** Watches live on connections, so they add up across members. */
  readonly watches: number | null;
}

export function metricsTotals(windows: readonly (readonly MetricsSampleView[])[]): MetricsTotalsView {
  const latest = windows.flatMap((samples) =>
    samples.length === 0 ? [] : [samples[samples.length - 1] as MetricsSampleView],
  );
  const rates = windows.flatMap((samples) => ratePoints(samples.slice(-2)));
  const none = latest.length === 0;
  const sumOf = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const maxOf = (values: number[]) => (values.length === 0 ? null : Math.max(...values));
  return {
    requestsPerSecond: rates.length === 0 ? null : sumOf(rates.map((rate) => rate.requests)),
    commitsPerSecond: maxOf(rates.flatMap((rate) => (rate.commits === null ? [] : [rate.commits]))),
    latencyMsP99: none ? null : (maxOf(latest.flatMap((sample) => sample.ops.map((op) => op.latencyMsP99))) ?? 0),
    outstandingRequests: none ? null : sumOf(latest.map((sample) => sample.outstandingRequests)),
    sessions: maxOf(latest.map((sample) => sample.sessions)),
    znodes: maxOf(latest.map((sample) => sample.znodes)),
    watches: none ? null : sumOf(latest.map((sample) => sample.watches)),
  };
}

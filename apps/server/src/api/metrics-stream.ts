/**
 * `cluster.metrics`: one MetricsSampleView at once and then every `intervalMs`. Counters are
 * cumulative since the server started (the console takes differences); latency percentiles cover
 * the requests and fsyncs that finished in the last interval (ops/latency-window.ts). Everything
 * is read synchronously from memory, never from prom-client's asynchronous registry.
 */
import type { MetricsSampleView } from "@keel/api";
import type { OpStats } from "../ops/op-stats.js";
import type { ReplicaHost } from "../replica-host.js";
import { sleep } from "./stream-wait.js";

export interface MetricsSources {
  readonly serverId: number;
  readonly host: Pick<
    ReplicaHost,
    "state" | "watchStreamCount" | "outstandingWrites" | "fsyncCount" | "fsyncLatency" | "appliedCount"
  >;
  readonly opStats: OpStats;
  readonly connections: { readonly connectionCount: number };
  readonly clock: () => number;
}

export function metricsSample(sources: MetricsSources, intervalMs: number): MetricsSampleView {
  const { host, clock } = sources;
  const atMs = clock();
  const sinceMs = atMs - intervalMs;
  const fsync = host.fsyncLatency.percentilesSince(sinceMs);
  return {
    serverId: sources.serverId,
    atMs,
    ops: sources.opStats.snapshot(sinceMs).map(({ op, count, errors, latency }) => ({
      op,
      count,
      errors,
      latencyMsP50: latency.p50,
      latencyMsP99: latency.p99,
    })),
    outstandingRequests: host.outstandingWrites,
    fsyncs: host.fsyncCount,
    fsyncMsP50: fsync.p50,
    fsyncMsP99: fsync.p99,
    commits: host.appliedCount,
    sessions: host.state.sessionCount,
    znodes: host.state.nodeCount,
    watches: host.watchStreamCount,
    clientConnections: sources.connections.connectionCount,
  };
}

export async function* metricsStream(
  sources: MetricsSources,
  intervalMs: number,
  signal: AbortSignal,
): AsyncGenerator<MetricsSampleView> {
  while (!signal.aborted) {
    yield metricsSample(sources, intervalMs);
    await sleep(intervalMs, signal);
  }
}

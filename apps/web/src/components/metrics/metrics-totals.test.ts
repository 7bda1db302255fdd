/** The metrics page's headline numbers: latest samples and rates combined across members. */
import type { MetricsSampleView } from "@keel/api";
import { describe, expect, it } from "vitest";
import { metricsTotals } from "./metrics-totals";

function sample(atMs: number, count: number, change: Partial<MetricsSampleView> = {}): MetricsSampleView {
  return {
    serverId: 1,
    atMs,
    ops: [{ op: "node.get", count, errors: 0, latencyMsP50: 1, latencyMsP99: count / 10 }],
    outstandingRequests: 1,
    fsyncs: 0,
    fsyncMsP50: 0,
    fsyncMsP99: 0,
    commits: count,
    sessions: 4,
    znodes: 10,
    watches: 2,
    clientConnections: 1,
    ...change,
  };
}

describe("metricsTotals", () => {
  it("sums rates, outstanding and watches; takes the max of commits, p99, sessions and znodes", () => {
    const totals = metricsTotals([
      [sample(0, 0), sample(1_000, 10)],
      [sample(0, 0), sample(1_000, 30, { znodes: 11, watches: 5 })],
    ]);
    expect(totals).toEqual({
      requestsPerSecond: 40,
      commitsPerSecond: 30,
      latencyMsP99: 3,
      outstandingRequests: 2,
      sessions: 4,
      znodes: 11,
      watches: 7,
    });
  });

  it("has no numbers before any sample, and no rates from a single sample", () => {
    expect(metricsTotals([[], []]).requestsPerSecond).toBeNull();
    expect(metricsTotals([[], []]).znodes).toBeNull();
    const single = metricsTotals([[sample(0, 5)]]);
    expect(single.requestsPerSecond).toBeNull();
    expect(single.znodes).toBe(10);
  });
});

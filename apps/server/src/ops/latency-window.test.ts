// Checks the latency ring behind cluster.metrics: percentiles cover only samples finished after
// the interval start, nearest-rank p50/p99, zeros for an empty interval, and the ring's bound.
import { describe, expect, it } from "vitest";
import { LatencyWindow } from "./latency-window.js";
import { OpStats } from "./op-stats.js";

describe("LatencyWindow", () => {
  it("takes percentiles over the samples finished after `sinceMs`", () => {
    const window = new LatencyWindow(1000);
    for (let i = 1; i <= 100; i++) window.record(i, 1000 + i); // latency i ms, finished at 1000+i
    expect(window.percentilesSince(1000)).toEqual({ p50: 50, p99: 99 });
    expect(window.percentilesSince(1090)).toEqual({ p50: 95, p99: 100 }); // latencies 91..100
    expect(window.percentilesSince(1100)).toEqual({ p50: 0, p99: 0 });
  });

  it("keeps only its capacity: older samples fall out", () => {
    const window = new LatencyWindow(10);
    for (let i = 1; i <= 25; i++) window.record(i, i);
    expect(window.percentilesSince(0)).toEqual({ p50: 20, p99: 25 }); // 16..25 remain
  });
});

describe("OpStats", () => {
  it("counts requests and errors per op, cumulatively, sorted by op", () => {
    const stats = new OpStats();
    stats.record("get", 2, false, 10);
    stats.record("get", 4, true, 20);
    stats.record("create", 8, false, 30);
    expect(stats.snapshot(15)).toEqual([
      { op: "create", count: 1, errors: 0, latency: { p50: 8, p99: 8 } },
      { op: "get", count: 2, errors: 1, latency: { p50: 4, p99: 4 } },
    ]);
  });
});

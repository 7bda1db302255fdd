/** The metrics page's rolling window and rate math on hand-made samples. */
import type { MetricsSampleView, OpMetricsView } from "@keel/api";
import { describe, expect, it } from "vitest";
import {
  alignSeries,
  appendSample,
  combineByOp,
  latencyPoints,
  ratePerSecond,
  ratePoints,
  seriesKey,
} from "./metrics-window";

function op(name: string, count: number, latencyMsP99 = 0): OpMetricsView {
  return { op: name, count, errors: 0, latencyMsP50: latencyMsP99 / 2, latencyMsP99 };
}

function sample(atMs: number, change: Partial<MetricsSampleView> = {}): MetricsSampleView {
  return {
    serverId: 1,
    atMs,
    ops: [],
    outstandingRequests: 0,
    fsyncs: 0,
    fsyncMsP50: 0,
    fsyncMsP99: 0,
    commits: 0,
    sessions: 0,
    znodes: 0,
    watches: 0,
    clientConnections: 0,
    ...change,
  };
}

describe("appendSample", () => {
  it("keeps only the window before the newest sample", () => {
    let window: readonly MetricsSampleView[] = [];
    for (const atMs of [0, 1_000, 2_000, 3_000, 4_500]) window = appendSample(window, sample(atMs), 2_000, 100);
    expect(window.map((s) => s.atMs)).toEqual([3_000, 4_500]);
  });

  it("keeps at most `max` samples", () => {
    let window: readonly MetricsSampleView[] = [];
    for (let atMs = 0; atMs < 10; atMs += 1) window = appendSample(window, sample(atMs), 1_000_000, 4);
    expect(window.map((s) => s.atMs)).toEqual([6, 7, 8, 9]);
  });

  it("drops a sample that is not newer than the last, returning the same window", () => {
    const window = appendSample([], sample(5_000));
    expect(appendSample(window, sample(5_000))).toBe(window);
    expect(appendSample(window, sample(4_000))).toBe(window);
  });
});

describe("ratePerSecond", () => {
  it.each([
    [0, 10, 1_000, 10],
    [10, 15, 500, 10],
    [10, 10, 2_000, 0],
    [10, 5, 1_000, null],
    [0, 5, 0, null],
  ])("%d → %d over %d ms = %s", (before, after, elapsedMs, expected) => {
    expect(ratePerSecond(before, after, elapsedMs)).toBe(expected);
  });
});

describe("ratePoints", () => {
  it("differences cumulative counts per op, counting a new op from zero", () => {
    const points = ratePoints([
      sample(0, { ops: [op("node.get", 100)], commits: 50, fsyncs: 10 }),
      sample(2_000, { ops: [op("node.get", 120), op("node.set", 6)], commits: 56, fsyncs: 12 }),
    ]);
    expect(points).toHaveLength(1);
    const [point] = points;
    expect(point?.atMs).toBe(2_000);
    expect(point?.requests).toBe(13);
    expect(Object.fromEntries(point?.byOp ?? [])).toEqual({ "node.get": 10, "node.set": 3 });
    expect(point?.commits).toBe(3);
    expect(point?.fsyncs).toBe(1);
  });

  it("leaves out the interval across a server restart (counters went back)", () => {
    const points = ratePoints([
      sample(0, { ops: [op("node.get", 100)] }),
      sample(1_000, { ops: [op("node.get", 3)] }),
      sample(2_000, { ops: [op("node.get", 8)] }),
    ]);
    expect(points.map((point) => [point.atMs, point.requests])).toEqual([[2_000, 5]]);
  });
});

describe("latencyPoints", () => {
  it("keeps only ops that finished requests in the interval", () => {
    const points = latencyPoints(
      [
        sample(0, { ops: [op("node.get", 1, 4), op("node.set", 0, 0)] }),
        sample(1_000, { ops: [op("node.get", 1, 0), op("node.set", 2, 9)] }),
      ],
      "latencyMsP99",
    );
    expect(points.map((point) => Object.fromEntries(point.byOp))).toEqual([{ "node.get": 4 }, { "node.set": 9 }]);
  });
});

describe("alignSeries", () => {
  it("puts points of different series that fall in one bucket on one row, in time order", () => {
    const rows = alignSeries(
      new Map([
        [
          "s1",
          [
            { atMs: 2_010, value: 1 },
            { atMs: 1_020, value: 2 },
          ],
        ],
        ["s2", [{ atMs: 1_480, value: 3 }]],
      ]),
      1_000,
    );
    expect(rows).toEqual([
      { t: 1_000, s1: 2, s2: 3 },
      { t: 2_000, s1: 1 },
    ]);
  });
});

describe("combineByOp", () => {
  it("sums or maxes each op across members per bucket", () => {
    const perMember = [
      [{ atMs: 1_000, byOp: new Map([["get", 2]]) }],
      [
        {
          atMs: 1_100,
          byOp: new Map([
            ["get", 5],
            ["set", 1],
          ]),
        },
      ],
    ];
    const sum = (a: number, b: number) => a + b;
    expect(Object.fromEntries(combineByOp(perMember, sum))).toEqual({
      get: [{ atMs: 1_000, value: 7 }],
      set: [{ atMs: 1_000, value: 1 }],
    });
    expect(combineByOp(perMember, Math.max).get("get")).toEqual([{ atMs: 1_000, value: 5 }]);
  });
});

describe("seriesKey", () => {
  it("turns dots and dashes into underscores", () => {
    expect(seriesKey("node.get-children")).toBe("node_get_children");
  });
});

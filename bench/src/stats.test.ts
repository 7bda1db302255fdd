import { describe, expect, it } from "vitest";
import { percentile, ratioToBest, spread, summarizeLatencies } from "./stats.js";

describe("percentile (nearest rank)", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it("picks a sample that exists", () => {
    expect(percentile(hundred, 50)).toBe(50);
    expect(percentile(hundred, 99)).toBe(99);
    expect(percentile(hundred, 100)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
  });

  it("rounds the rank up, so a p99 of ten samples is the largest", () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
  });

  it("is NaN without samples", () => {
    expect(percentile([], 50)).toBeNaN();
    expect(summarizeLatencies([]).max).toBeNaN();
  });
});

describe("summarizeLatencies", () => {
  it("sorts before picking and reports the count", () => {
    expect(summarizeLatencies([30, 10, 20])).toEqual({ count: 3, p50: 20, p99: 30, max: 30 });
  });
});

describe("spread over repeats", () => {
  it("gives min, median and max and keeps the values in run order", () => {
    expect(spread([5, 1, 3])).toEqual({ min: 1, median: 3, max: 5, values: [5, 1, 3] });
  });

  it("averages the middle two of an even count", () => {
    expect(spread([4, 1, 3, 2]).median).toBe(2.5);
  });

  it("ignores repeats that produced no number", () => {
    expect(spread([Number.NaN, 2, 4])).toMatchObject({ min: 2, median: 3, max: 4 });
    expect(spread([Number.NaN]).median).toBeNaN();
  });
});

describe("ratioToBest", () => {
  it("compares with the highest other when higher is better", () => {
    expect(ratioToBest(100, [400, 200], "higher")).toBe(0.25);
  });

  it("compares with the lowest other when lower is better", () => {
    expect(ratioToBest(30, [10, 20], "lower")).toBe(3);
  });

  it("has nothing to say for info rows, missing others or a missing Keel figure", () => {
    expect(ratioToBest(1, [2], "info")).toBeUndefined();
    expect(ratioToBest(1, [], "higher")).toBeUndefined();
    expect(ratioToBest(Number.NaN, [2], "higher")).toBeUndefined();
    expect(ratioToBest(5, [Number.NaN, 10], "lower")).toBe(0.5);
  });

  it("handles a best of zero (e.g. zero missed events)", () => {
    expect(ratioToBest(0, [0, 3], "lower")).toBe(1);
    expect(ratioToBest(2, [0], "lower")).toBeUndefined();
  });
});

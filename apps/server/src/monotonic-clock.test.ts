// The server's clock starts at the wall clock and then only moves with the monotonic clock, so it
// never goes backwards and a wall-clock step after start does not move it (the chaos harness's
// clock-skew nemesis steps real servers' wall clocks with libfaketime; this is the unit-level half).
import { afterEach, describe, expect, it, vi } from "vitest";
import { monotonicEpochClock } from "./monotonic-clock.js";

describe("monotonicEpochClock", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("starts at the wall clock, reads whole milliseconds and never goes backwards", () => {
    const before = Date.now();
    const clock = monotonicEpochClock();
    const readings = Array.from({ length: 1000 }, () => clock());
    expect(readings[0]).toBeGreaterThanOrEqual(before - 1);
    for (const reading of readings) expect(Number.isInteger(reading)).toBe(true);
    for (let i = 1; i < readings.length; i++) expect(readings[i]).toBeGreaterThanOrEqual(readings[i - 1] as number);
  });

  it.each([
    ["forward", 3_600_000],
    ["backward", -172_800_000],
  ])("ignores a wall-clock step %s after start", (_direction, stepMs) => {
    const clock = monotonicEpochClock();
    const first = clock();
    const realNow = Date.now;
    vi.spyOn(Date, "now").mockImplementation(() => realNow() + stepMs);
    const second = clock();
    expect(second - first).toBeGreaterThanOrEqual(0);
    expect(second - first).toBeLessThan(Math.abs(stepMs) / 2);
  });
});

/** failure-limiter: blocking after failuresMax failures in a window and release when it ends, per address, with bounded memory; the clock is a number. */
import { describe, expect, it } from "vitest";
import { AUTH_FAILURE_LIMITS, FailureLimiter } from "./failure-limiter.js";

function failTimes(limiter: FailureLimiter, address: string, times: number, nowMs: number): void {
  for (let i = 0; i < times; i++) limiter.failed(address, nowMs);
}

describe("FailureLimiter", () => {
  it("has the contract's limits: 20 failures in 10 s, 10,000 addresses", () => {
    expect(AUTH_FAILURE_LIMITS).toEqual({ failuresMax: 20, windowMs: 10_000, addressesMax: 10_000 });
  });

  it("blocks at the 20th failure within the window, until the window ends", () => {
    const limiter = new FailureLimiter();
    expect(limiter.blocked("10.0.0.1", 1_000)).toBe(false);
    failTimes(limiter, "10.0.0.1", 19, 1_000);
    expect(limiter.blocked("10.0.0.1", 1_000)).toBe(false);
    limiter.failed("10.0.0.1", 10_999);
    expect(limiter.blocked("10.0.0.1", 10_999)).toBe(true);
    expect(limiter.blocked("10.0.0.2", 10_999)).toBe(false);
    expect(limiter.blocked("10.0.0.1", 10_999)).toBe(true); // asking does not extend the block
    expect(limiter.blocked("10.0.0.1", 11_000)).toBe(false);
  });

  it("counts afresh once a window has passed", () => {
    const limiter = new FailureLimiter();
    failTimes(limiter, "a", 19, 0);
    failTimes(limiter, "a", 19, 10_000);
    expect(limiter.blocked("a", 10_000)).toBe(false);
    limiter.failed("a", 19_999);
    expect(limiter.blocked("a", 19_999)).toBe(true);
    expect(limiter.blocked("a", 20_000)).toBe(false);
  });

  it("forgives a counted failure within its window, never below zero", () => {
    const limiter = new FailureLimiter({ failuresMax: 2, windowMs: 1_000, addressesMax: 10 });
    limiter.failed("a", 0);
    limiter.failed("a", 0);
    expect(limiter.blocked("a", 0)).toBe(true);
    limiter.forgive("a", 10);
    expect(limiter.blocked("a", 10)).toBe(false);
    limiter.forgive("a", 10);
    limiter.forgive("a", 10);
    limiter.failed("a", 20);
    expect(limiter.blocked("a", 20)).toBe(false);
    limiter.forgive("b", 20); // no window: nothing to forgive
    expect(limiter.size).toBe(1);
  });

  it("tracks at most addressesMax addresses, forgetting the oldest window first", () => {
    const limiter = new FailureLimiter({ failuresMax: 2, windowMs: 1_000, addressesMax: 3 });
    failTimes(limiter, "a", 2, 0);
    failTimes(limiter, "b", 2, 1);
    failTimes(limiter, "c", 2, 2);
    expect(limiter.size).toBe(3);
    failTimes(limiter, "d", 2, 3);
    expect(limiter.size).toBe(3);
    expect(["a", "b", "c", "d"].map((address) => limiter.blocked(address, 4))).toEqual([false, true, true, true]);
  });

  it("drops expired windows as it goes, so idle addresses do not pile up", () => {
    const limiter = new FailureLimiter({ failuresMax: 5, windowMs: 1_000, addressesMax: 100 });
    for (let i = 0; i < 50; i++) limiter.failed(`10.0.0.${i}`, i);
    expect(limiter.size).toBe(50);
    limiter.failed("10.0.1.1", 5_000);
    expect(limiter.size).toBe(1);
  });

  it("survives 10,000+ distinct addresses within one window at bounded size", () => {
    const limiter = new FailureLimiter();
    for (let i = 0; i < 12_000; i++) limiter.failed(`addr-${i}`, 0);
    expect(limiter.size).toBe(10_000);
  });
});

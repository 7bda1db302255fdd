// Checks the leader's session tracker: timeout negotiation within bounds, bucketed deadlines
// (never early), touch, expiry order and countMax, and the open → expiring → closing states.
import { describe, expect, it } from "vitest";
import type { SessionId } from "../ids.js";
import { SESSION_GONE } from "./session-deadlines.js";
import { SessionTracker } from "./session-tracker.js";

const id = (n: number) => BigInt(n) as SessionId;
const tracker = () => new SessionTracker({ timeoutMinMs: 1000, timeoutMaxMs: 5000, expiryBucketMs: 100 });

describe("SessionTracker", () => {
  it("negotiates timeouts into [min, max]", () => {
    const t = tracker();
    expect([10, 3000, 99999].map((ms) => t.negotiateTimeoutMs(ms))).toEqual([1000, 3000, 5000]);
  });

  it("rounds deadlines up to a bucket and never expires early", () => {
    const t = tracker();
    t.add(id(1), 1000, 50);
    expect(t.expiresAtMs(id(1))).toBe(1100);
    expect(t.expired(1049, 10)).toEqual([]);
    expect(t.expired(1100, 10)).toEqual([id(1)]);
    expect(t.isActive(id(1))).toBe(false);
    expect(t.expired(2000, 10)).toEqual([]);
  });

  it("touch pushes the deadline; expiry is ordered and bounded by countMax", () => {
    const t = tracker();
    for (const n of [3, 1, 2]) t.add(id(n), 1000, 0);
    expect(t.touch(id(2), 500)).toBe(true);
    expect(t.expired(1100, 1)).toEqual([id(1)]);
    expect(t.expired(1100, 10)).toEqual([id(3)]);
    expect(t.touch(id(3), 1100)).toBe(false); // expiring sessions are not revived
    expect(t.expired(1600, 10)).toEqual([id(2)]);
  });

  it("restores an inherited deadline, clamped to [now, now + timeout]", () => {
    const t = tracker();
    t.restore(id(1), 1000, 1350, 1000); // kept: expires in its own bucket, not at 1000 + 1000
    t.restore(id(2), 1000, 400, 1000); // already passed: due at the next bucket
    t.restore(id(3), 1000, 9000, 1000); // never longer than a fresh timeout
    expect([1, 2, 3].map((n) => t.expiresAtMs(id(n)))).toEqual([1400, 1100, 2100]);
  });

  it("drains each changed deadline once, with what became of it", () => {
    const t = tracker();
    t.add(id(1), 1000, 0);
    t.add(id(2), 1000, 0);
    expect(t.drainChanges(0, 1)).toEqual([{ session: id(1), remainingMs: 1100 }]);
    expect(t.drainChanges(50, 10)).toEqual([{ session: id(2), remainingMs: 1050 }]);
    expect(t.drainChanges(60, 10)).toEqual([]);
    t.touch(id(1), 20); // same bucket: nothing changed
    expect(t.drainChanges(60, 10)).toEqual([]);
    t.touch(id(1), 500);
    t.expired(1100, 10); // session 2 expiring: its closeSession is on its way
    t.remove(id(1));
    expect(t.drainChanges(1100, 10)).toEqual([
      { session: id(1), remainingMs: SESSION_GONE },
      { session: id(2), remainingMs: 0 },
    ]);
    expect(t.deadlines(1100)).toEqual([{ session: id(2), remainingMs: 0 }]);
  });

  it("lets an expiring session close once", () => {
    const t = tracker();
    t.add(id(1), 1000, 0);
    t.expired(5000, 10);
    expect(t.setClosing(id(1))).toBe(true);
    expect(t.setClosing(id(1))).toBe(false);
    t.remove(id(1));
    expect(t.size).toBe(0);
    expect(t.setClosing(id(9))).toBe(false);
  });
});

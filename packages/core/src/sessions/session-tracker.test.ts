// Checks the leader's session tracker: timeout negotiation within bounds, bucketed deadlines
// (never early), touch, expiry order and countMax, and the open → expiring → closing states.
import { describe, expect, it } from "vitest";
import type { SessionId } from "../ids.js";
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

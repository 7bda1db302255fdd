import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Zxid } from "../ids.js";
import type { LogEntry } from "./io.js";
import { RecentEntries } from "./recent-entries.js";

const entry = (zxid: number, bytes = 10): LogEntry => ({ zxid: BigInt(zxid) as Zxid, txn: new Uint8Array(bytes) });
const zxids = (entries: readonly LogEntry[]): number[] => entries.map((e) => Number(e.zxid));

describe("RecentEntries", () => {
  it("serves entries after a zxid it covers, bounded by count and bytes", () => {
    const recent = new RecentEntries(100, 1000);
    recent.push([entry(5), entry(6), entry(9), entry(12)]);
    expect(recent.covers(4n as Zxid)).toBe(false);
    expect(recent.covers(5n as Zxid)).toBe(true);
    expect(zxids(recent.after(5n as Zxid, 10, 1000))).toEqual([6, 9, 12]);
    expect(zxids(recent.after(7n as Zxid, 1, 1000))).toEqual([9]);
    expect(zxids(recent.after(5n as Zxid, 10, 15))).toEqual([6]); // at least one, then bytes
    expect(zxids(recent.after(12n as Zxid, 10, 1000))).toEqual([]);
  });

  it("drops the oldest entries past its bounds and forgets a truncated tail", () => {
    const recent = new RecentEntries(3, 1000);
    recent.push([entry(1), entry(2), entry(3), entry(4)]);
    expect(recent.covers(1n as Zxid)).toBe(false);
    expect(zxids(recent.after(2n as Zxid, 10, 1000))).toEqual([3, 4]);
    recent.truncateAfter(2n as Zxid);
    expect(recent.size).toBe(1);
    recent.push([entry(7)]);
    expect(zxids(recent.after(2n as Zxid, 10, 1000))).toEqual([7]);
    recent.truncateAfter(0n as Zxid);
    expect(recent.size).toBe(0);
    expect(recent.covers(0n as Zxid)).toBe(false);
  });

  it("answers like a full log for every zxid it covers (property)", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 5000 }),
        (raw, keep, after) => {
          const all = [...raw].sort((a, b) => a - b).map((z) => entry(z, 1 + (z % 7)));
          const recent = new RecentEntries(keep, 10_000);
          for (let i = 0; i < all.length; i += 7) recent.push(all.slice(i, i + 7));
          const expected = all.filter((e) => Number(e.zxid) > after).slice(0, 5);
          if (recent.covers(BigInt(after) as Zxid)) {
            expect(zxids(recent.after(BigInt(after) as Zxid, 5, 1_000_000))).toEqual(zxids(expected));
          }
        },
      ),
    );
  });
});

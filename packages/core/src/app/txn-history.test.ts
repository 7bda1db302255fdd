// Checks the bounded txn history: entries after a zxid in order, countMax, eviction raising the
// floor, tooOld below it, and reset after a snapshot restore.
import { describe, expect, it } from "vitest";
import type { Zxid } from "../ids.js";
import { ORIGIN_NONE } from "../tree/txn.js";
import { TxnHistory } from "./txn-history.js";

const entry = (n: number, changeCount = 0) => ({
  zxid: BigInt(n) as Zxid,
  header: { sessionId: 0n as never, cxid: 0, origin: ORIGIN_NONE, timeMs: 0 },
  txnType: "delete" as const,
  result: { type: "delete" as const, path: "/x" },
  changes: Array.from({ length: changeCount }, () => ({
    type: "deleted" as const,
    path: "/x",
    cause: { kind: "delete" as const, sessionId: 0n as never },
  })),
});

describe("TxnHistory", () => {
  it("replays after a zxid and reports tooOld once evicted", () => {
    const h = new TxnHistory(3);
    for (const n of [2, 4, 6, 8]) h.push(entry(n));
    expect(h.floorZxid).toBe(2n);
    const after = h.after(4n as Zxid);
    expect(after.type === "ok" && after.entries.map((e) => e.zxid)).toEqual([6n, 8n]);
    const limited = h.after(2n as Zxid, 1);
    expect(limited.type === "ok" && limited.entries.map((e) => e.zxid)).toEqual([4n]);
    expect(h.after(8n as Zxid)).toEqual({ type: "ok", entries: [] });
    expect(h.after(1n as Zxid)).toEqual({ type: "tooOld", floorZxid: 2n });
    h.reset(10n as Zxid);
    expect(h.size).toBe(0);
    expect(h.after(9n as Zxid).type).toBe("tooOld");
    expect(() => h.push(entry(10))).toThrow();
  });

  it("also bounds the changes kept: a big multi pushes the oldest txns out early", () => {
    const h = new TxnHistory(100, 0n as Zxid, 10);
    for (const n of [1, 2, 3]) h.push(entry(n, 3)); // 9 changes
    expect(h.size).toBe(3);
    h.push(entry(4, 5)); // 14 > 10: txns 1 and 2 leave
    expect(h.size).toBe(2);
    expect(h.floorZxid).toBe(2n);
    expect(h.after(2n as Zxid)).toMatchObject({ type: "ok", entries: [{ zxid: 3n }, { zxid: 4n }] });
    h.push(entry(5, 20)); // bigger than the bound alone: kept on its own, so it can still be replayed
    expect(h.size).toBe(1);
    expect(h.floorZxid).toBe(4n);
    h.push(entry(6)); // a txn without changes weighs 1
    expect(h.size).toBe(1);
    expect(h.floorZxid).toBe(5n);
  });
});

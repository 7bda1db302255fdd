// Checks the bounded txn history: entries after a zxid in order, countMax, eviction raising the
// floor, tooOld below it, and reset after a snapshot restore.
import { describe, expect, it } from "vitest";
import type { Zxid } from "../ids.js";
import { ORIGIN_NONE } from "../tree/txn.js";
import { TxnHistory } from "./txn-history.js";

const entry = (n: number) => ({
  zxid: BigInt(n) as Zxid,
  header: { sessionId: 0n as never, cxid: 0, origin: ORIGIN_NONE, timeMs: 0 },
  txnType: "delete" as const,
  result: { type: "delete" as const, path: "/x" },
  changes: [],
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
});

import type { StatView } from "@keel/api";
import { describe, expect, it } from "vitest";
import { lockCells, lockView, parseMetadata, type RawChild, sequenceOf } from "./lock-view.js";

function child(name: string, owner: string, data: string | undefined, ctime = 1000): RawChild {
  const stat: StatView = {
    czxid: "1",
    mzxid: "1",
    pzxid: "1",
    ctime,
    mtime: ctime,
    version: 0,
    cversion: 0,
    aversion: 0,
    ephemeralOwner: owner,
    dataLength: data?.length ?? 0,
    numChildren: 0,
  };
  return { name, stat, data };
}

const meta = (clientId: string, extra: object = {}) => JSON.stringify({ clientId, host: "h", pid: 7, ...extra });

describe("sequenceOf", () => {
  it.each([
    ["lock-0000000042", 42],
    ["read-0000000001", 1],
    ["_c_abc-lock-0000000003", 3],
    ["lock-42", undefined],
    ["stray", undefined],
  ])("%s → %s", (name, sequence) => {
    expect(sequenceOf(name)).toBe(sequence);
  });
});

describe("parseMetadata", () => {
  it.each([
    [meta("c1", { label: "db", acquiredAt: 5 }), { clientId: "c1", host: "h", pid: 7, label: "db", acquiredAt: 5 }],
    // fields of the wrong type are dropped, unknown ones ignored
    [JSON.stringify({ clientId: 3, host: "h", pid: "7", other: true }), { host: "h" }],
    ["not json", undefined],
    ["[1,2]", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("%s", (data, expected) => {
    expect(parseMetadata(data)).toEqual(expected);
  });
});

describe("lockView", () => {
  it("the lowest sequence holds, the rest wait in sequence order, strays are ignored", () => {
    const view = lockView("jobs", [
      // listed out of order on purpose: the numeric suffix decides, not the listing
      child("lock-0000000012", "30", meta("c3")),
      child("lock-0000000003", "10", meta("c1", { acquiredAt: 2000 })),
      child("notes", "0", "hand-made"),
      child("lock-0000000007", "20", "garbage"),
    ]);
    expect(view.holder?.node).toBe("/keel/locks/jobs/lock-0000000003");
    expect(view.holder?.sessionId).toBe("10");
    expect(view.waiters.map((entry) => entry.sequence)).toEqual([7, 12]);
    expect(view.waiters[0]?.metadata).toBeUndefined();
    expect(lockCells(view, (ms) => `t${ms}`)).toEqual([
      ["jobs", "held", "lock-0000000003", "10", "c1", "h", "7", "-", "t2000"],
      ["jobs", "waiting 1", "lock-0000000007", "20", "-", "-", "-", "-", "t1000"],
      ["jobs", "waiting 2", "lock-0000000012", "30", "c3", "h", "7", "-", "t1000"],
    ]);
  });

  it("a lock with no contenders is free", () => {
    const view = lockView("idle", []);
    expect(view.holder).toBeUndefined();
    expect(lockCells(view, String)).toEqual([["idle", "free", "-", "-", "-", "-", "-", "-", "-"]]);
  });
});

/**
 * `keel locks` output: the table rows and the JSON entries for views built by core's lockView
 * (whose rules core's own tests pin); here, that the CLI's shapes stay what they were.
 */
import type { StatView } from "@keel/api";
import type { RecipeChild } from "@keel/core";
import { describe, expect, it } from "vitest";
import { lockCells, lockView } from "./lock-view.js";

function child(name: string, owner: string, data: string | undefined, ctime = 1000, czxid = "1"): RecipeChild {
  const stat: StatView = {
    czxid,
    mzxid: czxid,
    pzxid: czxid,
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

describe("lockView", () => {
  it("the lowest sequence holds, the rest wait in sequence order, strays are ignored", () => {
    const view = lockView("jobs", [
      // listed out of order on purpose: the numeric suffix decides, not the listing
      child("lock-0000000012", "30", meta("c3")),
      child("lock-0000000003", "10", meta("c1", { acquiredAt: 2000 })),
      child("notes", "0", "hand-made"),
      // another prefix takes no part in the lock queue, whatever its sequence (ZooKeeper clients'
      // lock names, such as Curator's _c_<uuid>-lock-, do: core's views test that)
      child("read-0000000001", "40", meta("c4")),
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

  it("prints the JSON entries keel locks --json always printed", () => {
    const view = lockView("jobs", [child("lock-0000000004", "10", meta("c1", { label: "x" }), 1500, "77")]);
    expect(JSON.parse(JSON.stringify(view))).toEqual({
      name: "jobs",
      holder: {
        node: "/keel/locks/jobs/lock-0000000004",
        sequence: 4,
        sessionId: "10",
        ctime: 1500,
        czxid: "77",
        metadata: { clientId: "c1", host: "h", pid: 7, label: "x" },
      },
      waiters: [],
    });
  });

  it("a lock with no contenders is free", () => {
    const view = lockView("idle", []);
    expect(view.holder).toBeUndefined();
    expect(lockCells(view, String)).toEqual([["idle", "free", "-", "-", "-", "-", "-", "-", "-"]]);
  });
});

import { ERROR_CODES, keelError, type SessionId, type Stat, type Zxid } from "@keel/core";
import { describe, expect, it } from "vitest";
import { createModeOfFlags, zkErrorOf, zkMultiCode, zkStat } from "./zk-views.js";

const stat: Stat = {
  czxid: 5n as Zxid,
  mzxid: 6n as Zxid,
  pzxid: 7n as Zxid,
  ctime: 1000,
  mtime: 2000,
  version: 1,
  cversion: 2,
  aversion: 0,
  ephemeralOwner: 0n as SessionId,
  dataLength: 3,
  numChildren: 1,
};

describe("Keel values as ZooKeeper clients see them", () => {
  it("reports ZooKeeper's Stat, with ephemeralOwner 0 for every non-ephemeral (as ZooKeeper shows containers and TTL nodes)", () => {
    expect(zkStat(stat)).toMatchObject({ ephemeralOwner: 0n, ctime: 1000n, mtime: 2000n, pzxid: 7n, numChildren: 1 });
    expect(zkStat({ ...stat, ephemeralOwner: 42n as SessionId }).ephemeralOwner).toBe(42n);
  });

  it("maps create flags 0–6 and nothing else", () => {
    expect([0, 1, 2, 3, 4, 5, 6].map(createModeOfFlags)).toEqual([
      "persistent",
      "ephemeral",
      "persistentSequential",
      "ephemeralSequential",
      "container",
      "ttl",
      "ttlSequential",
    ]);
    expect(createModeOfFlags(7)).toBeUndefined();
    expect(createModeOfFlags(-1)).toBeUndefined();
  });

  it("sends Keel's own NOTREADY as CONNECTIONLOSS and a rolled-back multi op as 0", () => {
    expect(zkErrorOf(keelError("NOTREADY", "x"))).toBe(ERROR_CODES.CONNECTIONLOSS);
    expect(zkErrorOf(keelError("BADVERSION", "x"))).toBe(-103);
    expect(zkErrorOf(new Error("boom"))).toBe(ERROR_CODES.SYSTEMERROR);
    expect(zkMultiCode("OK")).toBe(0);
    expect(zkMultiCode("RUNTIMEINCONSISTENCY")).toBe(-2);
  });
});

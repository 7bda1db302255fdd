// Checks a membership change through the real application and codecs: the reconfig txn writes
// /zookeeper/config (ZooKeeper's text, watched like any setData), `membership()` reads it back,
// ZAB finds it in the log (membershipOfTxn), and it survives a snapshot and restore.
import { describe, expect, it } from "vitest";
import { utf8Decode } from "../codec/bytes.js";
import { membershipOfTxn } from "../codec/txn-codec.js";
import { isKeelError } from "../errors.js";
import { type PeerId, ZXID_ZERO } from "../ids.js";
import { KEEL_SUPER_ID } from "../tree/acl.js";
import type { ReconfigView } from "../zab/application.js";
import { bootstrapMembership, type Member } from "../zab/membership.js";
import { KeelState } from "./keel-state.js";
import { codeOf, TestDriver } from "./test-driver.js";

const id = (n: number) => n as PeerId;
const four: Member = { id: id(4), role: "voter", host: "10.0.0.4", peerPort: 7104, clientPort: 7004 };
const everyoneSynced: ReconfigView = {
  membership: () => bootstrapMembership([id(1), id(2), id(3)], []),
  changePending: () => false,
  isSynced: () => true,
};

describe("a membership change in KeelState", () => {
  it("writes /zookeeper/config, is found in the log, and survives a snapshot", () => {
    const d = new TestDriver();
    expect(d.state.membership()).toBeUndefined();
    const entry = d.prepare({ type: "reconfig", add: four }, { auth: [KEEL_SUPER_ID], reconfig: everyoneSynced });
    expect(membershipOfTxn(entry.txn)?.members.map((m) => m.id)).toEqual([1, 2, 3, 4]);
    const applied = d.apply(entry);
    expect(codeOf(applied.result)).toBe("OK");
    expect(applied.changes).toEqual([expect.objectContaining({ type: "dataChanged", path: "/zookeeper/config" })]);
    const node = d.state.get("/zookeeper/config");
    if (isKeelError(node)) throw node;
    expect(node.stat.mzxid).toBe(entry.zxid);
    expect(utf8Decode(node.data)).toContain("server.4=10.0.0.4:7104:7104:participant;10.0.0.4:7004");
    expect(d.state.membership()?.version).toBe(entry.zxid);
    expect(d.state.membership()?.members.map((m) => m.id)).toEqual([1, 2, 3, 4]);

    const restored = KeelState.restore(d.state.snapshot());
    if (!(restored instanceof KeelState)) throw restored;
    expect(restored.membership()).toEqual(d.state.membership());
  });

  it("is an error txn for anyone but a super identity, and changes nothing", () => {
    const d = new TestDriver();
    const entry = d.prepare(
      { type: "reconfig", add: four },
      { auth: [{ scheme: "user", id: "alice" }], reconfig: everyoneSynced },
    );
    expect(membershipOfTxn(entry.txn)).toBeUndefined();
    expect(codeOf(d.apply(entry).result)).toBe("NOAUTH");
    expect(d.state.membership()).toBeUndefined();
    const node = d.state.get("/zookeeper/config");
    expect(isKeelError(node) ? node : node.stat.mzxid).toBe(ZXID_ZERO);
  });

  it("keeps ordinary writes to /zookeeper/config refused", () => {
    const d = new TestDriver();
    const result = d.result({ type: "setData", path: "/zookeeper/config", data: new Uint8Array([1]), version: -1 });
    expect(codeOf(result)).not.toBe("OK");
    expect(d.state.membership()).toBeUndefined();
  });
});

// Checks DataTree directly: determinism (two trees fed the same txn log end with the same digest,
// a different log gives a different one), ephemeral and kind indexes, and that apply refuses a txn
// that contradicts the tree (an assertion: prepare guarantees it never happens).
import { describe, expect, it } from "vitest";
import { AssertionError } from "../assert.js";
import { type SessionId, zxid } from "../ids.js";
import { OPEN_ACL_UNSAFE } from "./acl.js";
import { DataTree } from "./data-tree.js";
import { treeDigest } from "./digest.js";
import { ORIGIN_NONE, type Txn, type TxnBody, type TxnOp } from "./txn.js";

const session = 5n as SessionId;
const txn = (body: TxnBody, timeMs = 100): Txn => ({
  header: { sessionId: session, cxid: 1, origin: ORIGIN_NONE, timeMs },
  body,
});
const createBody = (path: string, kind: "persistent" | "ephemeral" | "container" = "persistent"): TxnOp => ({
  type: "create",
  path,
  data: new TextEncoder().encode(path),
  acl: OPEN_ACL_UNSAFE,
  kind,
  ttlMs: 0,
});

function log(): Txn[] {
  return [
    txn({ type: "createSession", timeoutMs: 5000, password: new Uint8Array([1]) }),
    txn(createBody("/a")),
    txn(createBody("/a/e", "ephemeral")),
    txn(createBody("/c", "container")),
    txn({ type: "setData", path: "/a", data: new Uint8Array([9]), version: 1 }),
    txn({ type: "multi", ops: [createBody("/a/m"), { type: "delete", path: "/a/m" }] }),
    txn({ type: "closeSession", paths: ["/a/e"], reason: "closed" }),
  ];
}

describe("DataTree", () => {
  it("is deterministic: the same log gives the same digest on two replicas", () => {
    const [one, two] = [new DataTree(), new DataTree()];
    for (const [i, t] of log().entries()) {
      one.apply(t, zxid(1, i + 1));
      two.apply(t, zxid(1, i + 1));
    }
    expect(treeDigest(one)).toBe(treeDigest(two));
    const three = new DataTree();
    for (const [i, t] of log().entries()) three.apply(t, zxid(1, i + 2));
    expect(treeDigest(three)).not.toBe(treeDigest(one));
  });

  it("keeps the ephemeral and container indexes", () => {
    const tree = new DataTree();
    for (const [i, t] of log().slice(0, 4).entries()) tree.apply(t, zxid(1, i + 1));
    expect([...tree.ephemerals(session)]).toEqual(["/a/e"]);
    expect([...tree.containers()]).toEqual(["/c"]);
    tree.apply(log()[6] as Txn, zxid(1, 10));
    expect([...tree.ephemerals(session)]).toEqual([]);
    expect(tree.sessions.size).toBe(0);
  });

  it("asserts on a txn that contradicts the tree or a zxid that goes back", () => {
    const tree = new DataTree();
    tree.apply(txn(createBody("/a")), zxid(1, 1));
    expect(() => tree.apply(txn(createBody("/a")), zxid(1, 2))).toThrow(AssertionError);
    expect(() => tree.apply(txn(createBody("/b")), zxid(1, 1))).toThrow(AssertionError);
  });
});

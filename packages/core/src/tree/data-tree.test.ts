// Checks DataTree directly: determinism (two trees fed the same txn log end with the same digest,
// a different log gives a different one), ephemeral and kind indexes, and that apply refuses a txn
// that contradicts the tree (an assertion: prepare guarantees it never happens).
import { describe, expect, it } from "vitest";
import { AssertionError } from "../assert.js";
import { readSnapshot, writeSnapshot } from "../codec/snapshot-codec.js";
import { isKeelError } from "../errors.js";
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
    txn({ type: "createSession", timeoutMs: 5000, password: new Uint8Array([1]), clientAddress: "" }),
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

  it("a directory restored from a snapshot (children kept as a sorted array) reads and changes like a live one", () => {
    const live = new DataTree();
    let counter = 0;
    const apply = (tree: DataTree, body: TxnBody, at: number) => tree.apply(txn(body), zxid(1, at));
    for (const name of ["d", "d/b", "d/a", "d/c", "d/a/x"]) apply(live, createBody(`/${name}`), ++counter);
    const restored = readSnapshot(writeSnapshot(live));
    if (isKeelError(restored)) throw restored;
    const copy = restored.tree;
    expect(copy.childrenSorted("/d")).toEqual(["a", "b", "c"]);
    expect(copy.node("/d")?.numChildren).toBe(3);
    expect(copy.descendantCount("/d")).toBe(4);
    // Reading must not hand out the tree's own array.
    copy.childrenSorted("/d")?.push("zzz");
    expect(copy.childrenSorted("/d")).toEqual(["a", "b", "c"]);
    const changes: TxnBody[] = [createBody("/d/0"), { type: "delete", path: "/d/b" }, createBody("/d/bb")];
    for (const body of changes) {
      counter++;
      apply(live, body, counter);
      apply(copy, body, counter);
    }
    expect(copy.childrenSorted("/d")).toEqual(["0", "a", "bb", "c"]);
    expect(copy.node("/d")?.stat()).toEqual(live.node("/d")?.stat());
    expect(treeDigest(copy)).toBe(treeDigest(live));
  });
});

// Checks DataTree directly: determinism (two trees fed the same txn log end with the same digest,
// a different log gives a different one), ephemeral and kind indexes, and that apply refuses a txn
// that contradicts the tree (an assertion: prepare guarantees it never happens); children pages
// agree with the full sorted listing under random creates, deletes and pages across many parents
// (more than the sorted-names cache holds), on live and restored trees.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AssertionError } from "../assert.js";
import { readSnapshot, writeSnapshot } from "../codec/snapshot-codec.js";
import { isKeelError } from "../errors.js";
import { type SessionId, zxid } from "../ids.js";
import { SORTED_CHILDREN_CACHED_NODES_MAX } from "../limits.js";
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

describe("DataTree.childrenPage", () => {
  const parents = SORTED_CHILDREN_CACHED_NODES_MAX + 4;
  type Step =
    | { readonly kind: "create" | "delete"; readonly parent: number; readonly name: string }
    | { readonly kind: "page"; readonly parent: number; readonly after: string | undefined; readonly limit: number };
  // Few names, so deletes find their node; sizes fixed, so runs are long enough to revisit each parent.
  const name = fc.stringMatching(/^[a-cA_.-]{1,2}$/);
  const parent = fc.integer({ min: 0, max: parents - 1 });
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constantFrom("create" as const, "delete" as const), parent, name }),
    fc.record({
      kind: fc.constant("page" as const),
      parent,
      after: fc.option(name, { nil: undefined }),
      limit: fc.integer({ min: 1, max: 6 }),
    }),
  );

  it("always answers the slice of childrenSorted after `after`, whatever pages and changes came before", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 100, maxLength: 400 }), fc.boolean(), (steps, restore) => {
        let tree = new DataTree();
        let at = 0;
        for (let i = 0; i < parents; i++) tree.apply(txn(createBody(`/p${i}`)), zxid(1, ++at));
        if (restore) {
          const restored = readSnapshot(writeSnapshot(tree));
          if (isKeelError(restored)) throw restored;
          tree = restored.tree;
        }
        for (const s of steps) {
          const path = `/p${s.parent}`;
          if (s.kind === "page") {
            const all = tree.childrenSorted(path) ?? [];
            const rest = s.after === undefined ? all : all.filter((n) => n > (s.after as string));
            const page = tree.childrenPage(path, s.after, s.limit);
            expect(page).toEqual({ children: rest.slice(0, s.limit), more: rest.length > s.limit });
            continue;
          }
          const exists = tree.node(`${path}/${s.name}`) !== undefined;
          if (s.kind === "create" && !exists) tree.apply(txn(createBody(`${path}/${s.name}`)), zxid(1, ++at));
          if (s.kind === "delete" && exists)
            tree.apply(txn({ type: "delete", path: `${path}/${s.name}` }), zxid(1, ++at));
        }
      }),
      { numRuns: Number(process.env.KEEL_FC_RUNS ?? 100) },
    );
  });

  it("answers undefined for a missing node and an empty last page for a leaf", () => {
    const tree = new DataTree();
    tree.apply(txn(createBody("/leaf")), zxid(1, 1));
    expect(tree.childrenPage("/missing", undefined, 5)).toBeUndefined();
    expect(tree.childrenPage("/leaf", undefined, 5)).toEqual({ children: [], more: false });
  });
});

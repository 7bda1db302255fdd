/** Export/import planning and recursive-delete ordering over an in-memory tree (no server). */
import type { NodeKind } from "@keel/api";
import { describe, expect, it } from "vitest";
import {
  collectSubtree,
  deletionOrder,
  exportSubtree,
  type NodeRead,
  parseSubtree,
  planImport,
  SubtreeTooLargeError,
} from "./subtree-transfer";

const store: Record<string, NodeRead> = {
  "/app": { data: "root", kind: "persistent", childNames: ["z", "a"] },
  "/app/a": { data: '{"x":1}', kind: "ttl", ttlMs: 5000, childNames: [] },
  "/app/z": { data: "", kind: "container", childNames: ["lock-0000000001"] },
  "/app/z/lock-0000000001": { data: "holder", kind: "ephemeral_sequential", childNames: [] },
};
const read = async (path: string) => store[path];

describe("exportSubtree", () => {
  it("walks the subtree in name order with progress", async () => {
    const progress: number[] = [];
    const tree = await exportSubtree("/app", read, (count) => progress.push(count));
    expect(tree).toEqual({
      path: "/app",
      data: "root",
      kind: "persistent",
      children: [
        { path: "/app/a", data: '{"x":1}', kind: "ttl", ttlMs: 5000, children: [] },
        {
          path: "/app/z",
          data: "",
          kind: "container",
          children: [{ path: "/app/z/lock-0000000001", data: "holder", kind: "ephemeral_sequential", children: [] }],
        },
      ],
    });
    expect(progress.at(-1)).toBe(4);
  });

  it("refuses a subtree over the bound", async () => {
    await expect(exportSubtree("/app", read, () => {}, 3)).rejects.toBeInstanceOf(SubtreeTooLargeError);
  });

  it("returns undefined for a missing root", async () => {
    expect(await exportSubtree("/missing", read, () => {})).toBeUndefined();
  });
});

describe("planImport", () => {
  it("rebuilds under a new parent, parents first, with kinds that can be recreated", async () => {
    const tree = await exportSubtree("/app", read, () => {});
    if (tree === undefined) throw new Error("export failed");
    expect(planImport(tree, "/restore")).toEqual([
      { path: "/restore/app", data: "root", kind: "persistent" },
      { path: "/restore/app/a", data: '{"x":1}', kind: "ttl", ttlMs: 5000 },
      { path: "/restore/app/z", data: "", kind: "container" },
      { path: "/restore/app/z/lock-0000000001", data: "holder", kind: "persistent" },
    ]);
  });

  it("puts the children of an exported root directly under the parent", () => {
    const tree = { path: "/", data: "", children: [{ path: "/x", data: "1", children: [] }] };
    expect(planImport(tree, "/")).toEqual([{ path: "/x", data: "1", kind: "persistent" }]);
  });

  it.each<[NodeKind | undefined, number | undefined, NodeKind]>([
    ["ttl_sequential", 100, "ttl"],
    ["ttl", undefined, "persistent"],
    ["persistent_sequential", undefined, "persistent"],
    [undefined, undefined, "persistent"],
  ])("imports kind %s (ttl %s) as %s", (kind, ttlMs, expected) => {
    const node = { path: "/n", data: "", children: [], ...(kind ? { kind } : {}), ...(ttlMs ? { ttlMs } : {}) };
    expect(planImport(node, "/")[0]?.kind).toBe(expected);
  });
});

describe("parseSubtree", () => {
  it("accepts an export and counts its nodes", () => {
    const parsed = parseSubtree('{"path":"/a","data":"","children":[{"path":"/a/b","data":"x"}]}');
    expect(parsed).toMatchObject({ nodes: 2, tree: { path: "/a", children: [{ path: "/a/b", children: [] }] } });
  });

  it.each([
    ["{", "not JSON"],
    ["[]", "root.path"],
    ['{"path":"/a"}', "root.data"],
    ['{"path":"/a","data":"","children":[{"path":"b","data":""}]}', "root.children[0].path"],
  ])("rejects %s saying %s", (text, where) => {
    const parsed = parseSubtree(text);
    expect("error" in parsed && parsed.error).toContain(where);
  });
});

describe("recursive delete", () => {
  it("deletes deepest first", () => {
    expect(deletionOrder(["/a", "/a/b", "/a/c", "/a/b/d"])).toEqual(["/a/b/d", "/a/b", "/a/c", "/a"]);
  });

  it("collects the subtree and enforces the bound", async () => {
    const list = async (path: string) => store[path]?.childNames ?? [];
    expect(await collectSubtree("/app", list)).toEqual(["/app", "/app/z", "/app/a", "/app/z/lock-0000000001"]);
    await expect(collectSubtree("/app", list, 2)).rejects.toBeInstanceOf(SubtreeTooLargeError);
  });
});

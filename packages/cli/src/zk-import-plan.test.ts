/**
 * The zk-import walk against in-memory trees: which ZooKeeper nodes become which Keel nodes (a
 * table), parents before children, deferred ACLs for parents that deny world CREATE, the three
 * policies for existing nodes, dry runs, and the frontier bound on a wide tree.
 */
import type { AclEntry } from "@keel/api";
import { describe, expect, it } from "vitest";
import { CliError } from "./cli-error.js";
import {
  aclForKeel,
  type CreateRequest,
  FRONTIER_NODES_MAX,
  type ImportOptions,
  type ImportSource,
  type ImportTarget,
  importTree,
  OPEN_ACL,
  planNode,
  type SourceAcl,
  type SourceNode,
  targetPathOf,
} from "./zk-import-plan.js";

const WORLD_ALL: SourceAcl[] = [{ perms: 31, id: { scheme: "world", id: "anyone" } }];
const DIGEST_ONLY: SourceAcl[] = [{ perms: 31, id: { scheme: "digest", id: "bob:hash=" } }];

function node(partial: Partial<SourceNode> = {}): SourceNode {
  return { data: null, acl: WORLD_ALL, ephemeralOwner: 0n, numChildren: 0, ...partial };
}

/** A ZooKeeper tree as a path → node map; numChildren is filled in from the paths. */
function zooKeeper(nodes: Record<string, Partial<SourceNode>>): ImportSource & { reads: number } {
  const children = new Map<string, string[]>();
  for (const path of Object.keys(nodes)) {
    const parent = path.slice(0, path.lastIndexOf("/")) || "/";
    children.set(parent, [...(children.get(parent) ?? []), path.slice(path.lastIndexOf("/") + 1)]);
  }
  const childrenOf = (parent: string) => children.get(parent) ?? [];
  const source = {
    reads: 0,
    async node(path: string) {
      source.reads += 1;
      const found = nodes[path];
      return found === undefined ? undefined : node({ ...found, numChildren: childrenOf(path).length });
    },
    async children(path: string) {
      return nodes[path] === undefined && path !== "/" ? undefined : childrenOf(path);
    },
  };
  return source;
}

interface KeelNode {
  dataBase64: string;
  acl: readonly AclEntry[];
  kind: string;
  ttlMs?: number;
}

/** Keel as an anonymous caller sees it: creating a child needs world CREATE on the parent. */
function keel(existing: Record<string, KeelNode> = {}): ImportTarget & { tree: Map<string, KeelNode>; log: string[] } {
  const tree = new Map<string, KeelNode>([["/", { dataBase64: "", acl: OPEN_ACL, kind: "persistent" }]]);
  for (const [path, value] of Object.entries(existing)) tree.set(path, value);
  const log: string[] = [];
  return {
    tree,
    log,
    async create(request: CreateRequest) {
      const parent = tree.get(request.path.slice(0, request.path.lastIndexOf("/")) || "/");
      if (parent === undefined) throw new CliError(`no parent for ${request.path}`, 1, "NONODE");
      if (!parent.acl.some((e) => e.scheme === "world" && (e.perms & 4) !== 0))
        throw new CliError(`cannot create under the parent of ${request.path}`, 1, "NOAUTH");
      if (tree.has(request.path)) return "exists";
      log.push(`create ${request.path}`);
      const { dataBase64, acl, kind, ttlMs } = request;
      tree.set(request.path, { dataBase64, acl, kind, ...(ttlMs === undefined ? {} : { ttlMs }) });
      return "created";
    },
    async setData(path, dataBase64) {
      log.push(`set ${path}`);
      (tree.get(path) as KeelNode).dataBase64 = dataBase64;
    },
    async setAcl(path, acl) {
      log.push(`setAcl ${path}`);
      (tree.get(path) as KeelNode).acl = acl;
    },
  };
}

const options = (partial: Partial<ImportOptions> = {}): ImportOptions => ({
  sourceRoot: "/",
  targetRoot: "/",
  existing: "fail",
  dryRun: false,
  concurrency: 4,
  ...partial,
});

const base64 = (text: string) => Buffer.from(text).toString("base64");

describe("planNode", () => {
  it.each([
    { owner: 0n, expected: { type: "copy", kind: "persistent" } },
    { owner: 0x0100_0000_0000_0001n, expected: { type: "skip-ephemeral" } },
    { owner: -0x8000_0000_0000_0000n, expected: { type: "copy", kind: "container" } },
    { owner: 0x8000_0000_0000_0000n, expected: { type: "copy", kind: "container" } },
    { owner: -0x0100_0000_0000_0000n + 60_000n, expected: { type: "copy", kind: "ttl", ttlMs: 60_000 } },
    { owner: 0x7f00_0000_0000_0001n, expected: { type: "skip-ephemeral" } },
  ])("ephemeralOwner $owner → $expected", ({ owner, expected }) => {
    expect(planNode("/n", node({ ephemeralOwner: owner }))).toMatchObject(expected);
  });

  it.each([
    { acl: [{ perms: 1, id: { scheme: "digest", id: "alice:x" } }], error: /hid the digest ACL of \/n/ },
    { acl: [{ perms: 1, id: { scheme: "sasl", id: "bob" } }], error: /scheme sasl/ },
    { acl: [], error: /empty ACL/ },
  ])("refuses ACL $acl", ({ acl, error }) => {
    expect(() => aclForKeel("/n", acl)).toThrow(error);
  });

  it("keeps digest and ip entries as they are", () => {
    const acl = [
      { perms: 3, id: { scheme: "digest", id: "bob:abc=" } },
      { perms: 1, id: { scheme: "ip", id: "10.0.0.0/8" } },
    ];
    expect(aclForKeel("/n", acl)).toEqual([
      { perms: 3, scheme: "digest", id: "bob:abc=" },
      { perms: 1, scheme: "ip", id: "10.0.0.0/8" },
    ]);
  });
});

describe("targetPathOf", () => {
  it.each([
    ["/a/b", "/", "/", "/a/b"],
    ["/a/b", "/", "/imported", "/imported/a/b"],
    ["/app", "/app", "/app", "/app"],
    ["/app/x", "/app", "/copy", "/copy/x"],
    ["/app/x", "/app", "/", "/x"],
  ])("%s from %s to %s → %s", (path, sourceRoot, targetRoot, expected) => {
    expect(targetPathOf(path, sourceRoot, targetRoot)).toBe(expected);
  });
});

describe("importTree", () => {
  it("copies data, kinds and ACLs parents first, skipping ephemerals and /zookeeper", async () => {
    const source = zooKeeper({
      "/a": { data: new TextEncoder().encode("A") },
      "/a/b": { data: new Uint8Array([0, 255, 1]) },
      "/a/b/c": {},
      "/a/lock-0000000003": { data: new TextEncoder().encode("s") },
      "/a/session": { ephemeralOwner: 0x0100_0000_0000_0042n },
      "/box": { ephemeralOwner: -0x8000_0000_0000_0000n },
      "/zookeeper": {},
      "/zookeeper/quota": {},
    });
    const target = keel();
    const summary = await importTree(source, target, options());
    expect(summary).toEqual({
      copied: 5,
      overwritten: 0,
      skippedExisting: 0,
      skippedEphemeral: 1,
      vanished: 0,
      bytes: 5,
    });
    expect([...target.tree.keys()].sort()).toEqual(["/", "/a", "/a/b", "/a/b/c", "/a/lock-0000000003", "/box"]);
    expect(target.tree.get("/a/b")?.dataBase64).toBe(Buffer.from([0, 255, 1]).toString("base64"));
    expect(target.tree.get("/box")?.kind).toBe("container");
    expect(target.tree.get("/a/lock-0000000003")?.kind).toBe("persistent");
    const order = target.log.map((line) => line.slice("create ".length));
    for (const path of order) {
      const parent = path.slice(0, path.lastIndexOf("/")) || "/";
      if (parent !== "/") expect(order.indexOf(parent)).toBeLessThan(order.indexOf(path));
    }
  });

  it("gives a parent that denies world CREATE its ACL after its children", async () => {
    const source = zooKeeper({ "/locked": { acl: DIGEST_ONLY }, "/locked/child": { acl: DIGEST_ONLY } });
    const target = keel();
    await importTree(source, target, options());
    expect(target.log).toEqual(["create /locked", "create /locked/child", "setAcl /locked"]);
    const expected = [{ perms: 31, scheme: "digest", id: "bob:hash=" }];
    expect(target.tree.get("/locked")?.acl).toEqual(expected);
    expect(target.tree.get("/locked/child")?.acl).toEqual(expected);
  });

  it("maps --path onto --to-path", async () => {
    const source = zooKeeper({ "/app": { data: new TextEncoder().encode("r") }, "/app/x": {}, "/other": {} });
    const target = keel({ "/copy": { dataBase64: "", acl: OPEN_ACL, kind: "persistent" } });
    await importTree(source, target, options({ sourceRoot: "/app", targetRoot: "/copy/app" }));
    expect([...target.tree.keys()].sort()).toEqual(["/", "/copy", "/copy/app", "/copy/app/x"]);
    expect(target.tree.get("/copy/app")?.dataBase64).toBe(base64("r"));
  });

  describe("existing nodes", () => {
    const source = () => zooKeeper({ "/a": { data: new TextEncoder().encode("new") }, "/a/b": {}, "/c": {} });
    const existing = () => keel({ "/a": { dataBase64: base64("old"), acl: OPEN_ACL, kind: "persistent" } });

    it("fail by default, naming the first conflict", async () => {
      const run = importTree(source(), existing(), options());
      await expect(run).rejects.toThrow(/\/a already exists in Keel \(the first conflict/);
      await expect(importTree(source(), existing(), options())).rejects.toMatchObject({ keelCode: "NODEEXISTS" });
    });

    it("are kept with skip, and their children still copied", async () => {
      const target = existing();
      const summary = await importTree(source(), target, options({ existing: "skip" }));
      expect(summary).toMatchObject({ copied: 2, skippedExisting: 1 });
      expect(target.tree.get("/a")?.dataBase64).toBe(base64("old"));
      expect(target.tree.has("/a/b")).toBe(true);
    });

    it("get the new data with overwrite", async () => {
      const target = existing();
      const summary = await importTree(source(), target, options({ existing: "overwrite" }));
      expect(summary).toMatchObject({ copied: 2, overwritten: 1, bytes: 3 });
      expect(target.tree.get("/a")?.dataBase64).toBe(base64("new"));
    });
  });

  it("writes nothing on a dry run but counts the same", async () => {
    const source = zooKeeper({ "/a": { data: new Uint8Array(7) }, "/a/b": {}, "/e": { ephemeralOwner: 5n } });
    const target = keel();
    const summary = await importTree(source, target, options({ dryRun: true }));
    expect(summary).toMatchObject({ copied: 2, skippedEphemeral: 1, bytes: 7 });
    expect(target.log).toEqual([]);
  });

  it("counts a node that vanished between listing and reading", async () => {
    const source = zooKeeper({ "/a": {}, "/b": {} });
    const listed = source.children.bind(source);
    source.children = async (path) => (path === "/" ? ["a", "b", "gone"] : listed(path));
    const summary = await importTree(source, keel(), options());
    expect(summary).toMatchObject({ copied: 2, vanished: 1 });
  });

  it("keeps the frontier near FRONTIER_NODES_MAX where breadth-first would hold a whole level", async () => {
    const fanOut = 120;
    const nodes: Record<string, Partial<SourceNode>> = {};
    for (let a = 0; a < fanOut; a++) {
      nodes[`/a${a}`] = {};
      for (let b = 0; b < fanOut; b++) {
        nodes[`/a${a}/b${b}`] = {};
        nodes[`/a${a}/b${b}/leaf`] = {};
      }
    }
    expect(fanOut * fanOut).toBeGreaterThan(FRONTIER_NODES_MAX + fanOut);
    // A node with children is on the frontier from its create until its children are listed.
    let frontier = 0;
    let frontierPeak = 0;
    const source = zooKeeper(nodes);
    const listed = source.children.bind(source);
    source.children = async (path) => {
      if (path !== "/") frontier -= 1;
      return listed(path);
    };
    const target = keel();
    const created = target.create.bind(target);
    target.create = async (request) => {
      if (!request.path.endsWith("/leaf")) frontier += 1;
      frontierPeak = Math.max(frontierPeak, frontier);
      return created(request);
    };
    const summary = await importTree(source, target, options({ concurrency: 32 }));
    expect(summary.copied).toBe(fanOut + 2 * fanOut * fanOut);
    expect(frontier).toBe(0);
    expect(frontierPeak).toBeLessThanOrEqual(FRONTIER_NODES_MAX + fanOut);
  });
});

// Checks KeelState end to end through the codecs, one test per operation and error (docs/data-model.md
// §3): create kinds and sequential names, delete/setData/setACL rules, multi all-or-nothing,
// pipelined prepare against pending changes, sessions and their ephemerals, containers, TTL, reads.
import { describe, expect, it } from "vitest";
import { isKeelError } from "../errors.js";
import type { Zxid } from "../ids.js";
import { FORCE_RELEASE_REASON_BYTES_MAX } from "../limits.js";
import { OPEN_ACL_UNSAFE, PERMS } from "../tree/acl.js";
import type { NodeChange, TxnResult } from "../tree/results.js";
import { WatchTable } from "../watches/watch-table.js";
import { KeelState } from "./keel-state.js";
import { codeOf, create, TestDriver } from "./test-driver.js";

/** Changes without the ACL each carries (NodeChange.acl), for comparing what changed. */
function bare(changes: readonly NodeChange[]): unknown[] {
  return changes.map(({ acl: _acl, ...change }) => change);
}

const enc = (s: string) => new TextEncoder().encode(s);

function stat(driver: TestDriver, path: string) {
  const read = driver.state.exists(path);
  if (read === null || isKeelError(read)) throw new Error(`no stat for ${path}`);
  return read;
}

function createdPath(result: TxnResult): string {
  if (result.type !== "create") throw new Error(`expected create, got ${codeOf(result)}`);
  return result.path;
}

describe("create", () => {
  it("creates a persistent node with the full Stat and updates the parent", () => {
    const d = new TestDriver();
    const applied = d.submit(create("/a", "persistent", "hello"));
    expect(applied.result.type).toBe("create");
    const s = stat(d, "/a");
    expect(s).toMatchObject({
      version: 0,
      cversion: 0,
      aversion: 0,
      dataLength: 5,
      numChildren: 0,
      ephemeralOwner: 0n,
    });
    expect(s.czxid).toBe(applied.zxid);
    expect(s.mzxid).toBe(applied.zxid);
    expect(s.pzxid).toBe(applied.zxid);
    expect(s.ctime).toBe(d.nowMs);
    const root = stat(d, "/");
    expect(root.cversion).toBe(-1); // genesis -2 (zookeeper and keel were never created), +1 for /a
    expect(root.pzxid).toBe(applied.zxid);
    expect(root.numChildren).toBe(3); // /zookeeper, /keel, /a
    expect(bare(applied.changes)).toEqual([{ type: "created", path: "/a" }]);
    // Each change carries the node's ACL, so who may hear of it is judged by the node as it was.
    expect(applied.changes[0]?.acl).toEqual(OPEN_ACL_UNSAFE);
  });

  it("numbers sequential nodes by children created under the parent (deletes do not count), 10 digits", () => {
    const d = new TestDriver();
    d.submit(create("/q"));
    expect(createdPath(d.result(create("/q/n-", "persistentSequential")))).toBe("/q/n-0000000000");
    d.submit(create("/q/x"));
    d.submit({ type: "delete", path: "/q/x", version: -1 });
    // Two creates before (n-0, x) and a delete: ZooKeeper names the third child 2, where cversion is 3.
    expect(createdPath(d.result(create("/q/n-", "persistentSequential")))).toBe("/q/n-0000000002");
    expect(createdPath(d.result(create("/q/", "persistentSequential")))).toBe("/q/0000000003");
    expect(createdPath(d.result(create("/r-", "persistentSequential")))).toBe("/r-0000000001"); // /q was the root's first
  });

  it("reports NONODE, NODEEXISTS, NOCHILDRENFOREPHEMERALS, BADARGUMENTS, INVALIDACL", () => {
    const d = new TestDriver();
    const session = d.openSession();
    expect(codeOf(d.result(create("/missing/a")))).toBe("NONODE");
    d.submit(create("/a"));
    expect(codeOf(d.result(create("/a")))).toBe("NODEEXISTS");
    d.submit(create("/e", "ephemeral"), { sessionId: session });
    expect(codeOf(d.result(create("/e/c")))).toBe("NOCHILDRENFOREPHEMERALS");
    expect(codeOf(d.result(create("/bad/")))).toBe("BADARGUMENTS");
    expect(codeOf(d.result(create("/a/./b")))).toBe("BADARGUMENTS");
    expect(codeOf(d.result({ ...create("/b"), acl: [] }))).toBe("INVALIDACL");
    expect(codeOf(d.result({ ...create("/b"), acl: [{ perms: 31, scheme: "auth", id: "" }] }))).toBe("INVALIDACL");
    expect(codeOf(d.result(create("/eph", "ephemeral")))).toBe("BADARGUMENTS"); // no session
  });

  it("enforces the data size limit", () => {
    const d = new TestDriver({ dataBytesMax: 4 });
    expect(codeOf(d.result(create("/a", "persistent", "12345")))).toBe("BADARGUMENTS");
    expect(codeOf(d.result(create("/a", "persistent", "1234")))).toBe("OK");
    expect(codeOf(d.result({ type: "setData", path: "/a", data: enc("12345"), version: -1 }))).toBe("BADARGUMENTS");
  });

  it("validates TTL and refuses it when disabled", () => {
    const d = new TestDriver({ ttlEnabled: false });
    expect(codeOf(d.result(create("/t", "ttl", "", { ttlMs: 100 })))).toBe("UNIMPLEMENTED");
    const e = new TestDriver();
    expect(codeOf(e.result(create("/t", "ttl")))).toBe("BADARGUMENTS");
    expect(codeOf(e.result(create("/t", "persistent", "", { ttlMs: 5 })))).toBe("BADARGUMENTS");
    expect(codeOf(e.result(create("/t", "ttlSequential", "", { ttlMs: 5 })))).toBe("OK");
  });
});

describe("/zookeeper is read-only", () => {
  it("refuses create, setData, setACL and delete on /zookeeper and below, in multi too, and allows reads", () => {
    const d = new TestDriver();
    const refused = [
      create("/zookeeper/config"),
      { type: "setData" as const, path: "/zookeeper", data: enc("x"), version: -1 },
      { type: "setACL" as const, path: "/zookeeper", acl: OPEN_ACL_UNSAFE, aversion: -1 },
      { type: "delete" as const, path: "/zookeeper", version: -1 },
      {
        type: "multi" as const,
        ops: [{ type: "check" as const, path: "/zookeeper", version: -1 }, create("/zookeeper/q")],
      },
    ];
    for (const request of refused) {
      const result = d.result(request);
      const code = result.type === "rejected" ? result.error.code : codeOf(result);
      expect(code, JSON.stringify(request.type)).toBe("BADARGUMENTS");
    }
    expect(d.state.exists("/zookeeper")).not.toBeNull();
    // ZooKeeper's own nodes are there, as in ZooKeeper: /zookeeper/config and /zookeeper/quota.
    expect(d.state.children("/zookeeper")).toMatchObject({ children: ["config", "quota"], stat: { cversion: -2 } });
    // The check-only multi is a read: allowed.
    expect(d.result({ type: "multi", ops: [{ type: "check", path: "/zookeeper", version: -1 }] }).type).toBe("multi");
    // /zookeeperish is an ordinary path.
    expect(d.result(create("/zookeeperish")).type).toBe("create");
  });
});

describe("check with a czxid (lock fencing)", () => {
  it("fails on a node re-created at the same path, even in the multi that created it", () => {
    const d = new TestDriver();
    const first = d.submit(create("/lease"));
    const firstCzxid = first.zxid;
    d.submit({ type: "delete", path: "/lease", version: -1 });
    const second = d.submit(create("/lease"));
    const fence = (czxid: Zxid) => ({ type: "check" as const, path: "/lease", version: 0, czxid });
    const write = create("/fenced-write");
    // The old holder's fence: same path, same version 0, another node.
    expect(codeOf(d.result({ type: "multi", ops: [fence(firstCzxid), write] }))).toBe("BADVERSION");
    expect(d.state.exists("/fenced-write")).toBeNull();
    expect(codeOf(d.result({ type: "multi", ops: [fence(second.zxid), write] }))).toBe("OK");
    expect(codeOf(d.result({ type: "multi", ops: [{ type: "check", path: "/lease", version: 0 }] }))).toBe("OK");
    // A node created earlier in the same multi has the multi's zxid as its czxid.
    const next = d.peekNextZxid();
    const sameMulti = d.result({ type: "multi", ops: [create("/fresh"), { ...fence(next), path: "/fresh" }] });
    expect(codeOf(sameMulti)).toBe("OK");
  });
});

describe("delete, setData, setACL", () => {
  it("checks versions and emptiness", () => {
    const d = new TestDriver();
    d.submit(create("/a"));
    d.submit(create("/a/b"));
    expect(codeOf(d.result({ type: "delete", path: "/a", version: -1 }))).toBe("NOTEMPTY");
    expect(codeOf(d.result({ type: "delete", path: "/a/b", version: 3 }))).toBe("BADVERSION");
    expect(codeOf(d.result({ type: "delete", path: "/nope", version: -1 }))).toBe("NONODE");
    expect(codeOf(d.result({ type: "delete", path: "/", version: -1 }))).toBe("BADARGUMENTS");
    expect(codeOf(d.result({ type: "delete", path: "/zookeeper", version: -1 }))).toBe("BADARGUMENTS");
    const set = d.result({ type: "setData", path: "/a/b", data: enc("x"), version: 0 });
    expect(set.type === "setData" && set.stat.version).toBe(1);
    expect(codeOf(d.result({ type: "setData", path: "/a/b", data: enc("y"), version: 0 }))).toBe("BADVERSION");
    expect(codeOf(d.result({ type: "setData", path: "/zz", data: enc("y"), version: -1 }))).toBe("NONODE");
    const del = d.submit({ type: "delete", path: "/a/b", version: 1 });
    expect(del.result.type).toBe("delete");
    expect(stat(d, "/a")).toMatchObject({ cversion: 2, numChildren: 0, pzxid: del.zxid });
  });

  it("setData bumps version, mzxid, mtime and dataLength even with the same data", () => {
    const d = new TestDriver();
    d.submit(create("/a", "persistent", "x"));
    d.nowMs = 5_000;
    const applied = d.submit({ type: "setData", path: "/a", data: enc("x"), version: -1 });
    expect(stat(d, "/a")).toMatchObject({ version: 1, mzxid: applied.zxid, mtime: 5_000, ctime: 1_000, dataLength: 1 });
    expect(bare(applied.changes)).toEqual([{ type: "dataChanged", path: "/a" }]);
  });

  it("setACL needs ADMIN, checks aversion, and ACLs gate reads and writes", () => {
    const d = new TestDriver();
    const alice = [{ scheme: "digest", id: "alice:hash" }];
    d.submit({ ...create("/s"), acl: [{ perms: PERMS.ALL, scheme: "digest", id: "alice:hash" }] });
    expect(codeOf(d.result({ type: "setData", path: "/s", data: enc("1"), version: -1 }))).toBe("NOAUTH");
    expect(codeOf(d.result({ type: "setData", path: "/s", data: enc("1"), version: -1 }, { auth: alice }))).toBe("OK");
    expect(codeOf(d.result(create("/s/c")))).toBe("NOAUTH");
    expect(isKeelError(d.state.get("/s")) && (d.state.get("/s") as Error).message).toContain("NOAUTH");
    expect(isKeelError(d.state.get("/s", alice))).toBe(false);
    const acl = [
      { perms: PERMS.READ, scheme: "world", id: "anyone" },
      { perms: PERMS.ALL, scheme: "auth", id: "" },
    ];
    expect(codeOf(d.result({ type: "setACL", path: "/s", acl, aversion: 1 }, { auth: alice }))).toBe("BADVERSION");
    expect(codeOf(d.result({ type: "setACL", path: "/s", acl, aversion: 0 }))).toBe("INVALIDACL"); // auth scheme, no identity
    expect(codeOf(d.result({ type: "setACL", path: "/s", acl: acl.slice(0, 1), aversion: 0 }))).toBe("NOAUTH");
    const applied = d.submit({ type: "setACL", path: "/s", acl, aversion: 0 }, { auth: alice });
    expect(applied.result.type === "setACL" && applied.result.stat.aversion).toBe(1);
    expect(bare(applied.changes)).toEqual([{ type: "aclChanged", path: "/s" }]);
    const readAcl = d.state.getACL("/s");
    expect(!isKeelError(readAcl) && readAcl.acl.map((e) => e.id)).toEqual(["anyone", "x:x"]);
    const adminAcl = d.state.getACL("/s", alice);
    expect(!isKeelError(adminAcl) && adminAcl.acl.map((e) => e.id)).toEqual(["anyone", "alice:hash"]);
  });

  it("lets the super identity bypass ACLs and matches ip CIDRs", () => {
    const root = { scheme: "digest", id: "super:s3cret" };
    const d = new TestDriver({ superIds: [root] });
    d.submit({ ...create("/ip"), acl: [{ perms: PERMS.ALL, scheme: "ip", id: "10.0.0.0/8" }] });
    expect(codeOf(d.result(create("/ip/a"), { auth: [{ scheme: "ip", id: "10.1.2.3" }] }))).toBe("OK");
    expect(codeOf(d.result(create("/ip/b"), { auth: [{ scheme: "ip", id: "11.1.2.3" }] }))).toBe("NOAUTH");
    expect(codeOf(d.result(create("/ip/c"), { auth: [root] }))).toBe("OK");
  });
});

describe("multi", () => {
  it("applies all ops, later ops seeing earlier ones", () => {
    const d = new TestDriver();
    const applied = d.submit({
      type: "multi",
      ops: [
        create("/m"),
        { type: "setData", path: "/m", data: enc("v"), version: 0 },
        { type: "check", path: "/m", version: 1 },
      ],
    });
    expect(applied.result.type).toBe("multi");
    expect(applied.result.type === "multi" && applied.result.results.map((r) => r.type)).toEqual([
      "create",
      "setData",
      "check",
    ]);
    expect(stat(d, "/m").version).toBe(1);
    expect(applied.changes.map((c) => c.type)).toEqual(["created", "dataChanged"]);
  });

  it("is all-or-nothing with per-op codes", () => {
    const d = new TestDriver();
    d.submit(create("/x"));
    const applied = d.submit({
      type: "multi",
      ops: [create("/y"), { type: "check", path: "/x", version: 7 }, { type: "delete", path: "/x", version: -1 }],
    });
    expect(applied.result.type).toBe("rejected");
    if (applied.result.type !== "rejected") return;
    expect(applied.result.error.code).toBe("BADVERSION");
    expect(applied.result.results).toEqual([
      { type: "error", code: "OK" },
      { type: "error", code: "BADVERSION" },
      { type: "error", code: "RUNTIMEINCONSISTENCY" },
    ]);
    expect(d.state.exists("/y")).toBeNull();
    expect(applied.changes).toEqual([]);
    // The rolled-back create must not leak into the pending view either.
    expect(codeOf(d.result(create("/y")))).toBe("OK");
  });

  it("rejects check outside multi", () => {
    const d = new TestDriver();
    expect(codeOf(d.result({ type: "check", path: "/", version: -1 }))).toBe("BADARGUMENTS");
  });
});

describe("pipelined prepare", () => {
  it("validates against changes proposed but not yet applied", () => {
    const d = new TestDriver();
    const e1 = d.prepare(create("/p"));
    const e2 = d.prepare({ type: "setData", path: "/p", data: enc("1"), version: 0 });
    const e3 = d.prepare(create("/p/s-", "persistentSequential"));
    const e4 = d.prepare(create("/p/s-", "persistentSequential"));
    const e5 = d.prepare({ type: "delete", path: "/p", version: -1 }); // NOTEMPTY: two pending children
    const e6 = d.prepare({ type: "setData", path: "/p", data: enc("2"), version: 0 }); // BADVERSION: pending is 1
    const results = [e1, e2, e3, e4, e5, e6].map((e) => d.apply(e).result);
    expect(results.map(codeOf)).toEqual(["OK", "OK", "OK", "OK", "NOTEMPTY", "BADVERSION"]);
    expect(results.slice(2, 4).map(createdPath)).toEqual(["/p/s-0000000000", "/p/s-0000000001"]);
    expect(d.state.pendingChangeCount).toBe(0);
  });
});

describe("sessions", () => {
  it("negotiates the timeout within bounds and names the session after its zxid", () => {
    const d = new TestDriver({ sessionTimeoutMinMs: 2_000, sessionTimeoutMaxMs: 20_000 });
    const low = d.submit({ type: "createSession", timeoutMs: 10, password: enc("pw") });
    expect(low.result).toEqual({ type: "createSession", sessionId: low.zxid, timeoutMs: 2_000 });
    const high = d.result({ type: "createSession", timeoutMs: 1e9, password: enc("pw") });
    expect(high.type === "createSession" && high.timeoutMs).toBe(20_000);
    expect(d.state.sessionPasswordMatches(low.zxid as never, enc("pw"))).toBe(true);
    expect(d.state.sessionPasswordMatches(low.zxid as never, enc("no"))).toBe(false);
  });

  it("closeSession deletes the session's ephemerals, including pending ones", () => {
    const d = new TestDriver();
    const s = d.openSession();
    d.submit(create("/e1", "ephemeral"), { sessionId: s });
    const pendingCreate = d.prepare(create("/e2", "ephemeralSequential"), { sessionId: s });
    const close = d.prepare({ type: "closeSession" }, { sessionId: s });
    const late = d.prepare({ type: "delete", path: "/e1", version: -1 }); // pipelined behind the close: already gone
    const afterClose = d.prepare(create("/e3", "ephemeral"), { sessionId: s });
    d.apply(pendingCreate);
    const closed = d.apply(close);
    expect(closed.result).toEqual({ type: "closeSession", sessionId: s, deletedPaths: ["/e1", "/e20000000001"] });
    expect(closed.changes.map((c) => c.type)).toEqual(["deleted", "deleted"]);
    expect(codeOf(d.apply(late).result)).toBe("NONODE");
    expect(codeOf(d.apply(afterClose).result)).toBe("SESSIONEXPIRED");
    expect(d.state.getEphemerals(s)).toEqual([]);
    expect(d.state.sessionCount).toBe(0);
  });

  it("expires idle sessions in housekeeping, keeps touched ones", () => {
    const d = new TestDriver({ sessionTimeoutMinMs: 1_000, sessionTimeoutMaxMs: 1_000, sessionExpiryBucketMs: 100 });
    const idle = d.openSession();
    const busy = d.openSession();
    d.submit(create("/idle", "ephemeral"), { sessionId: idle });
    expect(d.state.touchSessions([busy], 1_900)).toEqual([]);
    expect(d.state.housekeeping(1_900, 10)).toEqual([]);
    const requests = d.state.housekeeping(2_200, 10);
    expect(requests).toHaveLength(1);
    expect(d.state.housekeeping(2_200, 10)).toEqual([]); // not proposed twice
    // Given up: a later keep-alive must hear so (a confirmed touch answers SESSIONEXPIRED), not extend it.
    expect(d.state.touchSessions([idle, busy], 2_200)).toEqual([idle]);
    const zxid = d.nextZxid();
    const applied = d.state.apply({ zxid, txn: d.state.prepare(requests[0] as Uint8Array, zxid, 2_200) });
    expect(applied.result).toMatchObject({ type: "closeSession", sessionId: idle, deletedPaths: ["/idle"] });
    expect(codeOf(d.result(create("/x", "ephemeral"), { sessionId: idle }))).toBe("SESSIONEXPIRED");
    expect(codeOf(d.result(create("/y", "ephemeral"), { sessionId: busy }))).toBe("OK");
  });
});

describe("session deadlines across a leader change", () => {
  it("a new leader keeps inherited deadlines and gives the others a fresh timeout", () => {
    const d = new TestDriver({ sessionTimeoutMinMs: 1_000, sessionTimeoutMaxMs: 1_000, sessionExpiryBucketMs: 100 });
    const known = d.openSession();
    const unknown = d.openSession();
    d.state.stopLeading();
    d.state.startLeading(5_000, new Map([[known, 5_300]]));
    expect(d.state.sessionExpiresAtMs(known)).toBe(5_400);
    expect(d.state.sessionExpiresAtMs(unknown)).toBe(6_100);
    expect(d.state.housekeeping(5_400, 10)).toHaveLength(1);
    // Every deadline changed with the new leader: its followers hear all of them.
    expect(d.state.drainDeadlineChanges(5_400, 10).map((change) => change.session)).toEqual([known, unknown]);
  });
});

describe("containers and TTL", () => {
  function runHousekeeping(d: TestDriver, nowMs: number) {
    return d.state.housekeeping(nowMs, 10).map((bytes) => {
      const zxid = d.nextZxid();
      return d.state.apply({ zxid, txn: d.state.prepare(bytes, zxid, nowMs) });
    });
  }

  it("deletes a container once its last child goes, not before it had one", () => {
    const d = new TestDriver();
    d.submit(create("/c", "container"));
    expect(runHousekeeping(d, 2_000)).toEqual([]);
    d.submit(create("/c/x"));
    expect(runHousekeeping(d, 2_000)).toEqual([]);
    d.submit({ type: "delete", path: "/c/x", version: -1 });
    const applied = runHousekeeping(d, 2_000);
    expect(applied.map((a) => a.result.type)).toEqual(["delete"]);
    expect(d.state.exists("/c")).toBeNull();
  });

  it("expires an unmodified childless TTL node after its TTL", () => {
    const d = new TestDriver();
    d.submit(create("/t", "ttl", "", { ttlMs: 500 }));
    expect(runHousekeeping(d, 1_500)).toEqual([]);
    d.nowMs = 1_400;
    d.submit({ type: "setData", path: "/t", data: enc("x"), version: -1 }); // mtime moves
    expect(runHousekeeping(d, 1_800)).toEqual([]);
    expect(runHousekeeping(d, 1_901).map((a) => a.result.type)).toEqual(["delete"]);
  });

  it("re-checks the condition at prepare time", () => {
    const d = new TestDriver();
    d.submit(create("/c", "container"));
    d.submit(create("/c/x"));
    d.submit({ type: "delete", path: "/c/x", version: -1 });
    const [request] = d.state.housekeeping(2_000, 10);
    d.submit(create("/c/y")); // a child arrives before the housekeeping delete is prepared
    const zxid = d.nextZxid();
    const applied = d.state.apply({ zxid, txn: d.state.prepare(request as Uint8Array, zxid, 2_000) });
    expect(codeOf(applied.result)).toBe("NOTEMPTY");
  });
});

describe("reads and history", () => {
  it("returns sorted children with the parent's Stat, counts, ephemerals by prefix", () => {
    const d = new TestDriver();
    const s = d.openSession();
    d.submit(create("/r"));
    for (const name of ["b", "a", "c"]) d.submit(create(`/r/${name}`, "ephemeral"), { sessionId: s });
    const children = d.state.children("/r");
    expect(!isKeelError(children) && children.children).toEqual(["a", "b", "c"]);
    expect(!isKeelError(children) && children.stat.numChildren).toBe(3);
    expect(d.state.getAllChildrenNumber("/")).toBe(8); // zookeeper, its config and quota, keel, r and three
    expect(d.state.getEphemerals(s, "/r/b")).toEqual(["/r/b"]);
    expect(isKeelError(d.state.get("/nope")) && (d.state.get("/nope") as Error).message).toContain("NONODE");
    expect(isKeelError(d.state.exists("bad"))).toBe(true);
  });

  it("replays history after a zxid and says tooOld past its window", () => {
    const d = new TestDriver({ historyTxnsMax: 3 });
    const zxids = ["/h1", "/h2", "/h3", "/h4"].map((p) => d.submit(create(p)).zxid);
    const read = d.state.historyAfter(zxids[1] as never);
    expect(read.type === "ok" && read.entries.map((e) => e.zxid)).toEqual(zxids.slice(2));
    expect(d.state.historyAfter(zxids[0] as never).type).toBe("ok");
    expect(d.state.historyAfter(0n as never)).toEqual({ type: "tooOld", floorZxid: zxids[0] });
  });

  it("echoes the origin and cxid into the applied header", () => {
    const d = new TestDriver();
    const applied = d.submit(create("/o"));
    expect(applied.header.origin).toEqual({ peer: 1, requestId: applied.header.cxid });
  });

  it("answers undecodable request bytes with an error txn", () => {
    const d = new TestDriver();
    const zxid = d.nextZxid();
    const applied = d.state.apply({ zxid, txn: d.state.prepare(new Uint8Array([1, 2, 3]), zxid, 0) });
    expect(codeOf(applied.result)).toBe("MARSHALLINGERROR");
  });
});

describe("leadership, restore and watches together", () => {
  it("drops pending changes on stopLeading and restores a follower in place", () => {
    const d = new TestDriver();
    d.submit(create("/k", "persistent", "v"));
    d.prepare(create("/pending"));
    expect(d.state.pendingChangeCount).toBeGreaterThan(0);
    d.state.stopLeading();
    expect(d.state.pendingChangeCount).toBe(0);
    expect(() => d.state.prepare(new Uint8Array(0), d.nextZxid(), 0)).toThrow();
    const follower = new KeelState();
    expect(follower.restore(d.state.snapshot())).toBeUndefined();
    expect(follower.digest()).toBe(d.state.digest());
    expect(follower.historyAfter(follower.lastAppliedZxid)).toEqual({ type: "ok", entries: [] });
    expect(follower.historyAfter(0n as never).type).toBe("tooOld");
  });

  it("turns applied changes into the watch events a client must see before the reply", () => {
    const d = new TestDriver();
    const watches = new WatchTable();
    watches.addOneShot(1, "/w", "exist");
    watches.addOneShot(1, "/", "child");
    const applied = d.submit(create("/w"));
    const events = watches.trigger(applied.changes, applied.zxid).get(1);
    expect(events?.map((e) => [e.type, e.path, e.zxid])).toEqual([
      ["nodeCreated", "/w", applied.zxid],
      ["nodeChildrenChanged", "/", applied.zxid],
    ]);
  });
});

describe("deletion causes and force-release (issue 17)", () => {
  it("force-release deletes like a delete, with the operator's reason in the change", () => {
    const d = new TestDriver();
    const holder = d.openSession();
    const operator = d.openSession();
    d.submit(create("/lock", "ephemeral"), { sessionId: holder });
    const released = d.submit(
      { type: "forceRelease", path: "/lock", version: -1, reason: "stuck holder" },
      { sessionId: operator },
    );
    expect(released.result).toEqual({ type: "delete", path: "/lock" });
    expect(bare(released.changes)).toEqual([
      { type: "deleted", path: "/lock", cause: { kind: "forceRelease", sessionId: operator, reason: "stuck holder" } },
    ]);
    expect(d.state.getEphemerals(holder)).toEqual([]);
  });

  it("force-release keeps every rule of delete, and bounds the reason", () => {
    const d = new TestDriver();
    d.submit(create("/a"));
    d.submit(create("/a/b"));
    const release = (path: string, version: number, reason: string) =>
      codeOf(d.result({ type: "forceRelease", path, version, reason }));
    expect(release("/nope", -1, "r")).toBe("NONODE");
    expect(release("/a", -1, "r")).toBe("NOTEMPTY");
    expect(release("/a/b", 5, "r")).toBe("BADVERSION");
    expect(release("/zookeeper", -1, "r")).toBe("BADARGUMENTS");
    expect(release("/a/b", -1, "é".repeat(FORCE_RELEASE_REASON_BYTES_MAX / 2 + 1))).toBe("BADARGUMENTS");
    expect(stat(d, "/a/b").version).toBe(0); // nothing was deleted by the refusals
    expect(release("/a/b", -1, "é".repeat(FORCE_RELEASE_REASON_BYTES_MAX / 2))).toBe("OK");
  });

  it("a client's close and the leader's expiry of the same session: the first prepared wins, once", () => {
    const d = new TestDriver({ sessionTimeoutMinMs: 1_000, sessionTimeoutMaxMs: 1_000, sessionExpiryBucketMs: 100 });
    const s = d.openSession();
    d.submit(create("/e", "ephemeral"), { sessionId: s });
    d.nowMs += 5_000;
    const [expiry] = d.state.housekeeping(d.nowMs, 10);
    if (expiry === undefined) throw new Error("no expiry proposed");
    const zxid = d.nextZxid();
    const expired = d.apply({ zxid, txn: d.state.prepare(expiry, zxid, d.nowMs) });
    expect(bare(expired.changes)).toEqual([
      { type: "deleted", path: "/e", cause: { kind: "sessionExpired", sessionId: s } },
    ]);
    expect(codeOf(d.result({ type: "closeSession" }, { sessionId: s }))).toBe("SESSIONEXPIRED");
  });

  it("the history a resumed stream reads carries the same causes as the live changes", () => {
    const d = new TestDriver();
    const s = d.openSession();
    d.submit(create("/x", "ephemeral"), { sessionId: s });
    const closed = d.submit({ type: "closeSession" }, { sessionId: s });
    const read = d.state.historyAfter((d.state.lastAppliedZxid - 1n) as never);
    expect(read.type === "ok" && read.entries.map((e) => e.changes)).toEqual([closed.changes]);
    expect(bare(closed.changes)).toEqual([
      { type: "deleted", path: "/x", cause: { kind: "sessionClosed", sessionId: s } },
    ]);
  });
});

describe("listSessions", () => {
  it("lists sessions by id with their timeout and ephemeral count, bounded by the limit", () => {
    const d = new TestDriver();
    const [a, b, c] = [d.openSession(5_000), d.openSession(6_000), d.openSession()];
    d.submit(create("/a1", "ephemeral"), { sessionId: a });
    d.submit(create("/a2", "ephemeral"), { sessionId: a });
    d.submit(create("/b1", "ephemeral"), { sessionId: b });
    expect(d.state.listSessions(10)).toEqual({
      sessions: [
        { sessionId: a, timeoutMs: 5_000, ephemerals: 2, createdAtMs: expect.any(Number) },
        { sessionId: b, timeoutMs: 6_000, ephemerals: 1, createdAtMs: expect.any(Number) },
        { sessionId: c, timeoutMs: 10_000, ephemerals: 0, createdAtMs: expect.any(Number) },
      ],
      truncated: false,
    });
    expect(d.state.listSessions(2)).toEqual({
      sessions: [
        { sessionId: a, timeoutMs: 5_000, ephemerals: 2, createdAtMs: expect.any(Number) },
        { sessionId: b, timeoutMs: 6_000, ephemerals: 1, createdAtMs: expect.any(Number) },
      ],
      truncated: true,
    });
    expect(d.state.listSessions(3).truncated).toBe(false);
  });
});

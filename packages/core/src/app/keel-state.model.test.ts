// Property test: random sequences of requests (creates of every kind, deletes, setData, multi,
// sessions opening and closing), prepared in pipelined batches through KeelState and the codecs,
// must give exactly the results and the Stats / data / children of a plain sequential reference
// model written straight from docs/data-model.md. Also: a second replica replaying the log, and a
// snapshot restore, end with the same digest.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isKeelError } from "../errors.js";
import type { Zxid } from "../ids.js";
import { OPEN_ACL_UNSAFE } from "../tree/acl.js";
import { baseName, parentPath, sequentialSuffix } from "../tree/path.js";
import type { ClientRequest, MultiOpRequest } from "../tree/request.js";
import type { TxnResult } from "../tree/results.js";
import { type CreateMode, modeIsSequential, modeKind } from "../tree/znode.js";
import { KeelState } from "./keel-state.js";
import { TestDriver } from "./test-driver.js";

interface MNode {
  data: Uint8Array;
  kind: string;
  owner: bigint;
  czxid: bigint;
  mzxid: bigint;
  pzxid: bigint;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  /** Children ever created under this node: ZooKeeper's sequential number, kept directly as the oracle. */
  created: number;
  children: Set<string>;
}

type MResult = { code: string; path?: string; version?: number };

/** The reference: one Map of nodes, applied strictly in order, no overlay, no codec. */
class Model {
  nodes = new Map<string, MNode>();
  sessions = new Set<bigint>();

  constructor() {
    for (const path of ["/", "/zookeeper", "/keel", "/zookeeper/config", "/zookeeper/quota"])
      this.nodes.set(path, node(new Uint8Array(0), "persistent", 0n, 0n, 0));
    const root = this.nodes.get("/") as MNode;
    root.children = new Set(["zookeeper", "keel"]);
    const system = this.nodes.get("/zookeeper") as MNode;
    system.children = new Set(["config", "quota"]);
    // Genesis children were never created: ZooKeeper reports such a parent's cversion as −(their count).
    root.cversion = -2;
    system.cversion = -2;
  }

  clone(): Model {
    const copy = new Model();
    copy.nodes = new Map([...this.nodes].map(([p, n]) => [p, { ...n, children: new Set(n.children) }]));
    copy.sessions = new Set(this.sessions);
    return copy;
  }

  run(request: ClientRequest, session: bigint, zxid: bigint, now: number): MResult & { ops?: string[] } {
    if (request.type === "createSession") {
      this.sessions.add(zxid);
      return { code: "OK" };
    }
    if (request.type === "closeSession" && session === 0n) return { code: "BADARGUMENTS" };
    if (session !== 0n && !this.sessions.has(session)) return { code: "SESSIONEXPIRED" };
    if (request.type === "closeSession") {
      const mine = [...this.nodes]
        .filter(([, n]) => n.owner === session)
        .map(([p]) => p)
        .sort();
      for (const path of mine) this.remove(path, zxid);
      this.sessions.delete(session);
      return { code: "OK" };
    }
    if (request.type === "multi") {
      const scratch = this.clone();
      const codes: string[] = [];
      for (const op of request.ops) {
        const r = scratch.op(op, session, zxid, now);
        if (r.code !== "OK") {
          const failed = codes.length;
          return {
            code: r.code,
            ops: request.ops.map((_, i) => (i < failed ? "OK" : i === failed ? r.code : "RUNTIMEINCONSISTENCY")),
          };
        }
        codes.push("OK");
      }
      this.nodes = scratch.nodes;
      return { code: "OK" };
    }
    if (
      request.type === "setACL" ||
      request.type === "deleteContainer" ||
      request.type === "expireTtl" ||
      request.type === "expireSession" ||
      request.type === "forceRelease" ||
      request.type === "reconfig"
    )
      throw new Error("not modelled");
    return this.op(request, session, zxid, now);
  }

  op(op: MultiOpRequest, session: bigint, zxid: bigint, now: number): MResult {
    const n = this.nodes.get(op.path);
    switch (op.type) {
      case "create": {
        const kind = modeKind(op.kind);
        if (kind === "ephemeral" && session === 0n) return { code: "BADARGUMENTS" };
        const parent = this.nodes.get(parentPath(op.path));
        if (parent === undefined) return { code: "NONODE" };
        const path = modeIsSequential(op.kind) ? op.path + sequentialSuffix(parent.created) : op.path;
        if (this.nodes.has(path)) return { code: "NODEEXISTS" };
        if (parent.kind === "ephemeral") return { code: "NOCHILDRENFOREPHEMERALS" };
        this.nodes.set(path, node(op.data, kind, kind === "ephemeral" ? session : 0n, zxid, now));
        parent.children.add(baseName(path));
        parent.cversion++;
        parent.created++;
        parent.pzxid = zxid;
        return { code: "OK", path };
      }
      case "delete":
        if (n === undefined) return { code: "NONODE" };
        if (op.version !== -1 && op.version !== n.version) return { code: "BADVERSION" };
        if (n.children.size > 0) return { code: "NOTEMPTY" };
        this.remove(op.path, zxid);
        return { code: "OK" };
      case "setData":
        if (n === undefined) return { code: "NONODE" };
        if (op.version !== -1 && op.version !== n.version) return { code: "BADVERSION" };
        n.data = op.data;
        n.version++;
        n.mzxid = zxid;
        n.mtime = now;
        return { code: "OK", version: n.version };
      case "check":
        if (n === undefined) return { code: "NONODE" };
        if (op.version !== -1 && op.version !== n.version) return { code: "BADVERSION" };
        return { code: "OK" };
    }
  }

  remove(path: string, zxid: bigint): void {
    this.nodes.delete(path);
    const parent = this.nodes.get(parentPath(path)) as MNode;
    parent.children.delete(baseName(path));
    parent.cversion++;
    parent.pzxid = zxid;
  }
}

function node(data: Uint8Array, kind: string, owner: bigint, zxid: bigint, now: number): MNode {
  return {
    data,
    kind,
    owner,
    czxid: zxid,
    mzxid: zxid,
    pzxid: zxid,
    ctime: now,
    mtime: now,
    version: 0,
    cversion: 0,
    created: 0,
    children: new Set(),
  };
}

// ---- generators: a small path universe so ops collide often

const paths = fc.constantFrom("/a", "/b", "/a/x", "/a/y", "/b/x", "/a/x/z", "/a/s-", "/c");
const modes = fc.constantFrom<CreateMode>(
  "persistent",
  "ephemeral",
  "persistentSequential",
  "ephemeralSequential",
  "container",
);
const version = fc.constantFrom(-1, -1, 0, 1, 2);
const data = fc.uint8Array({ maxLength: 8 });

const opArb: fc.Arbitrary<MultiOpRequest> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant("create" as const),
      path: paths,
      data,
      acl: fc.constant(OPEN_ACL_UNSAFE),
      kind: modes,
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("delete" as const), path: paths, version }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant("setData" as const), path: paths, data, version }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant("check" as const), path: paths, version }) },
);

type Step = { request: ClientRequest; sessionSlot: number };
const requestArb: fc.Arbitrary<Step> = fc.record({
  sessionSlot: fc.integer({ min: 0, max: 3 }),
  request: fc.oneof(
    { weight: 8, arbitrary: opArb.filter((op) => op.type !== "check") as fc.Arbitrary<ClientRequest> },
    {
      weight: 2,
      arbitrary: fc.record({ type: fc.constant("multi" as const), ops: fc.array(opArb, { maxLength: 4 }) }),
    },
    {
      weight: 1,
      arbitrary: fc.constant<ClientRequest>({
        type: "createSession",
        timeoutMs: 10_000,
        password: new Uint8Array([7]),
      }),
    },
    { weight: 1, arbitrary: fc.constant<ClientRequest>({ type: "closeSession" }) },
  ),
});
const batches = fc.array(fc.array(requestArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 25 });

function resultCode(r: TxnResult): string {
  return r.type === "rejected" ? r.error.code : "OK";
}

function compareTrees(state: KeelState, model: Model): void {
  expect(state.nodeCount).toBe(model.nodes.size);
  for (const [path, m] of model.nodes) {
    const read = state.get(path);
    if (isKeelError(read)) throw new Error(`${path}: ${read.message}`);
    expect({ path, ...read.stat }).toEqual({
      path,
      czxid: m.czxid,
      mzxid: m.mzxid,
      pzxid: m.pzxid,
      ctime: m.ctime,
      mtime: m.mtime,
      version: m.version,
      cversion: m.cversion,
      aversion: path === "/zookeeper/config" ? -1 : 0, // as ZooKeeper creates it
      ephemeralOwner: m.owner,
      dataLength: m.data.length,
      numChildren: m.children.size,
    });
    expect(read.data).toEqual(m.data);
    const children = state.children(path);
    expect(!isKeelError(children) && children.children).toEqual([...m.children].sort());
  }
}

describe("KeelState against the reference model", () => {
  it("gives the model's results and Stats under pipelined batches; replicas and snapshots agree", () => {
    fc.assert(
      fc.property(batches, (steps) => {
        const driver = new TestDriver();
        const model = new Model();
        const slots: bigint[] = [0n, 0n, 0n, 0n];
        for (const batch of steps) {
          driver.nowMs += 10;
          const sessionsBefore = [...slots];
          const entries = batch.map((step) =>
            driver.prepare(step.request, { sessionId: sessionsBefore[step.sessionSlot] as never }),
          );
          batch.forEach((step, i) => {
            const entry = entries[i] as { zxid: Zxid };
            const expected = model.run(
              step.request,
              sessionsBefore[step.sessionSlot] as bigint,
              entry.zxid,
              driver.nowMs,
            );
            const applied = driver.apply(entries[i] as never);
            expect(resultCode(applied.result)).toBe(expected.code);
            if (applied.result.type === "create") expect(applied.result.path).toBe(expected.path);
            if (applied.result.type === "setData") expect(applied.result.stat.version).toBe(expected.version);
            if (applied.result.type === "rejected" && expected.ops !== undefined) {
              expect(applied.result.results.map((r) => (r.type === "error" ? r.code : "?"))).toEqual(expected.ops);
            }
            if (applied.result.type === "createSession") slots[step.sessionSlot] = applied.result.sessionId;
          });
          compareTrees(driver.state, model);
          expect(driver.state.pendingChangeCount).toBe(0);
        }
        const replica = new KeelState();
        for (const entry of driver.log) replica.apply(entry);
        expect(replica.digest()).toBe(driver.state.digest());
        const restored = KeelState.restore(driver.state.snapshot());
        expect(isKeelError(restored) ? restored.message : restored.digest()).toBe(driver.state.digest());
      }),
      { numRuns: Number(process.env.KEEL_FC_RUNS ?? 150) },
    );
  });
});

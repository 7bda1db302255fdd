/**
 * Tree benchmark: applies per second for create / setData / delete on DataTree (txn objects, no
 * codec), the same through KeelState's full leader path (encode request → prepare → encode txn →
 * decode → apply), and memory per znode for 1M znodes of 100 bytes. Prints one JSON object.
 * Run: npm run bench -w packages/core  (node --expose-gc, so the memory numbers are after a full GC).
 */

import { KeelState } from "../src/app/keel-state.js";
import { encodeRequest } from "../src/codec/request-codec.js";
import { zxid as makeZxid, type SessionId } from "../src/ids.js";
import { OPEN_ACL_UNSAFE } from "../src/tree/acl.js";
import { DataTree } from "../src/tree/data-tree.js";
import { ORIGIN_NONE, type Txn, type TxnBody } from "../src/tree/txn.js";

const OPS = Number(process.env.KEEL_BENCH_OPS ?? 200_000);
const MEMORY_NODES = Number(process.env.KEEL_BENCH_NODES ?? 1_000_000);
const DATA_BYTES = 100;
const gc = (globalThis as { gc?: () => void }).gc;

const header = { sessionId: 0n as SessionId, cxid: 0, origin: ORIGIN_NONE, timeMs: 1 };
const txn = (body: TxnBody): Txn => ({ header, body });
const payload = new Uint8Array(DATA_BYTES).fill(7);
const pathOf = (i: number) => `/bench/p${i % 1000}/n${i}`;

let counter = 0;
const nextZxid = () => makeZxid(1, ++counter);

function rate(ops: number, run: () => void): number {
  const start = process.hrtime.bigint();
  run();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return Math.round(ops / seconds);
}

function setUpParents(tree: DataTree): void {
  tree.apply(
    txn({ type: "create", path: "/bench", data: payload, acl: OPEN_ACL_UNSAFE, kind: "persistent", ttlMs: 0 }),
    nextZxid(),
  );
  for (let p = 0; p < 1000; p++) {
    tree.apply(
      txn({ type: "create", path: `/bench/p${p}`, data: payload, acl: OPEN_ACL_UNSAFE, kind: "persistent", ttlMs: 0 }),
      nextZxid(),
    );
  }
}

function treeRates() {
  const tree = new DataTree();
  setUpParents(tree);
  const creates = Array.from({ length: OPS }, (_, i) =>
    txn({ type: "create", path: pathOf(i), data: payload, acl: OPEN_ACL_UNSAFE, kind: "persistent", ttlMs: 0 }),
  );
  const sets = Array.from({ length: OPS }, (_, i) =>
    txn({ type: "setData", path: pathOf(i), data: payload, version: 1 }),
  );
  const deletes = Array.from({ length: OPS }, (_, i) => txn({ type: "delete", path: pathOf(i) }));
  return {
    createPerSec: rate(OPS, () => {
      for (const t of creates) tree.apply(t, nextZxid());
    }),
    setDataPerSec: rate(OPS, () => {
      for (const t of sets) tree.apply(t, nextZxid());
    }),
    deletePerSec: rate(OPS, () => {
      for (const t of deletes) tree.apply(t, nextZxid());
    }),
  };
}

function leaderPathRates() {
  const state = new KeelState();
  state.startLeading(0);
  const run = (request: Parameters<typeof encodeRequest>[0]["request"]) => {
    const zxid = nextZxid();
    const bytes = encodeRequest({ sessionId: 0n as SessionId, cxid: 0, origin: ORIGIN_NONE, auth: [], request });
    state.apply({ zxid, txn: state.prepare(bytes, zxid, 1) });
  };
  const create = (path: string) => ({
    type: "create" as const,
    path,
    data: payload,
    acl: OPEN_ACL_UNSAFE,
    kind: "persistent" as const,
  });
  run(create("/bench"));
  for (let p = 0; p < 1000; p++) run(create(`/bench/p${p}`));
  const ops = Math.min(OPS, 100_000);
  return {
    createPerSec: rate(ops, () => {
      for (let i = 0; i < ops; i++) run(create(pathOf(i)));
    }),
    setDataPerSec: rate(ops, () => {
      for (let i = 0; i < ops; i++) run({ type: "setData", path: pathOf(i), data: payload, version: -1 });
    }),
    deletePerSec: rate(ops, () => {
      for (let i = 0; i < ops; i++) run({ type: "delete", path: pathOf(i), version: -1 });
    }),
  };
}

function memoryPerZnode() {
  gc?.();
  const before = process.memoryUsage();
  const tree = new DataTree();
  setUpParents(tree);
  for (let i = 0; i < MEMORY_NODES; i++) {
    const body: TxnBody = {
      type: "create",
      path: pathOf(i),
      data: payload,
      acl: OPEN_ACL_UNSAFE,
      kind: "persistent",
      ttlMs: 0,
    };
    tree.apply(txn(body), nextZxid());
  }
  gc?.();
  const after = process.memoryUsage();
  const heap = after.heapUsed - before.heapUsed;
  const buffers = after.arrayBuffers - before.arrayBuffers;
  return {
    znodes: tree.nodeCount,
    dataBytes: DATA_BYTES,
    bytesPerZnode: Math.round((heap + buffers) / MEMORY_NODES),
    heapBytesPerZnode: Math.round(heap / MEMORY_NODES),
    arrayBufferBytesPerZnode: Math.round(buffers / MEMORY_NODES),
    gcExposed: gc !== undefined,
  };
}

const result = {
  node: process.version,
  opsPerPhase: OPS,
  dataTreeApply: treeRates(),
  leaderPrepareApply: leaderPathRates(),
  memory: memoryPerZnode(),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

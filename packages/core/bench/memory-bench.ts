/**
 * Memory of a tree shaped like the bench's `rss` workload: N znodes of 100 B under one parent,
 * applied through KeelState (encoded txns, as a replica applies them), measured after a full GC.
 * Prints one JSON object. Run: node --expose-gc --import tsx bench/memory-bench.ts
 * (KEEL_BENCH_NODES, default 100,000).
 */
import { KeelState } from "../src/app/keel-state.js";
import { encodeTxn } from "../src/codec/txn-codec.js";
import { zxid as makeZxid, type SessionId } from "../src/ids.js";
import { OPEN_ACL_UNSAFE } from "../src/tree/acl.js";
import { ORIGIN_NONE } from "../src/tree/txn.js";

const NODES = Number(process.env.KEEL_BENCH_NODES ?? 100_000);
const DATA_BYTES = 100;
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc");

const header = { sessionId: 0n as SessionId, cxid: 0, origin: ORIGIN_NONE, timeMs: 1_700_000_000_000 };
let counter = 0;

function create(state: KeelState, path: string, data: Uint8Array): void {
  const txn = encodeTxn({
    header,
    body: { type: "create", path, data, acl: OPEN_ACL_UNSAFE, kind: "persistent", ttlMs: 0 },
  });
  state.apply({ zxid: makeZxid(1, ++counter), txn });
}

function mib(bytes: number): number {
  return Math.round((bytes / 1024 / 1024) * 10) / 10;
}

gc();
const before = process.memoryUsage();
const state = new KeelState();
create(state, "/rss", new Uint8Array(0));
for (let i = 0; i < NODES; i++) {
  const data = new Uint8Array(DATA_BYTES).fill(i & 0xff);
  create(state, `/rss/k${i}`, data);
}
(globalThis as { keepAlive?: unknown }).keepAlive = state;
gc();
const after = process.memoryUsage();
const heap = after.heapUsed - before.heapUsed;
const buffers = after.arrayBuffers - before.arrayBuffers;
process.stdout.write(
  `${JSON.stringify(
    {
      node: process.version,
      znodes: NODES,
      dataBytes: DATA_BYTES,
      bytesPerZnode: Math.round((heap + buffers) / NODES),
      heapBytesPerZnode: Math.round(heap / NODES),
      arrayBufferBytesPerZnode: Math.round(buffers / NODES),
      heapUsedMiB: mib(after.heapUsed),
      rssMiB: mib(after.rss),
      rssGrowthMiB: mib(after.rss - before.rss),
      stillHeld: state.lastAppliedZxid > 0n,
    },
    null,
    2,
  )}\n`,
);

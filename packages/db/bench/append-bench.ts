// `npm run bench`: durable appends per second for batch sizes 1, 10, 100, 1000 with 1 KiB txns
// (each write() is one transaction and one fsync), group commit of single-entry appends, and the
// time to write, reopen (recovery verifies it) and load a ~1M-znode (~150 MB) snapshot. Prints a
// table, then one JSON object on the last line.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Epoch, type LogEntry, zxid } from "@keel/core";
import { GroupCommitLog, openReplicaStore, type ReplicaStore } from "../src/index.js";
import { fakeTreeChunks } from "../src/test-data.js";

const BATCH_SIZES = [1, 10, 100, 1000] as const;
const TXN_BYTES = 1024;
const RUN_MS_PER_CASE = 2_000;
const GROUP_APPENDS_PER_TURN = 100;
const SNAPSHOT_ZNODES = 1_000_000;
const SNAPSHOT_CHUNK_BYTES = 1 << 20;
const IDENTITY = { serverId: 1, ensembleId: "bench" };

function withStore<T>(run: (store: ReplicaStore, dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), "keel-bench-"));
  const store = openReplicaStore(dir, IDENTITY);
  store.write({ entries: [], acceptedEpoch: 1 as Epoch, currentEpoch: 1 as Epoch });
  try {
    return run(store, dir);
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function makeBatch(firstCounter: number, size: number, txn: Uint8Array): LogEntry[] {
  return Array.from({ length: size }, (_, i) => ({ zxid: zxid(1, firstCounter + i), txn }));
}

function benchBatch(batchSize: number) {
  return withStore((store) => {
    const txn = new Uint8Array(TXN_BYTES).fill(0x5a);
    let counter = 0;
    let commits = 0;
    const started = performance.now();
    while (performance.now() - started < RUN_MS_PER_CASE) {
      store.write({ entries: makeBatch(counter + 1, batchSize, txn) });
      counter += batchSize;
      commits += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      batchSize,
      appends: counter,
      commits,
      seconds: round(seconds),
      appendsPerSec: Math.round(counter / seconds),
      commitsPerSec: Math.round(commits / seconds),
      mibPerSec: round((counter * TXN_BYTES) / seconds / 2 ** 20),
    };
  });
}

async function benchGroupCommit() {
  const dir = mkdtempSync(path.join(tmpdir(), "keel-bench-"));
  const store = openReplicaStore(dir, IDENTITY);
  store.write({ entries: [], acceptedEpoch: 1 as Epoch, currentEpoch: 1 as Epoch });
  const log = new GroupCommitLog(store);
  const txn = new Uint8Array(TXN_BYTES).fill(0x5a);
  let counter = 0;
  const started = performance.now();
  while (performance.now() - started < RUN_MS_PER_CASE) {
    const turn: Promise<void>[] = [];
    for (let i = 0; i < GROUP_APPENDS_PER_TURN; i++) {
      counter += 1;
      turn.push(log.append([{ zxid: zxid(1, counter), txn }]));
    }
    await Promise.all(turn);
  }
  const seconds = (performance.now() - started) / 1000;
  const stats = log.stats();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    appendsPerTurn: GROUP_APPENDS_PER_TURN,
    appends: stats.entries,
    commits: stats.commits,
    appendsPerSec: Math.round(stats.entries / seconds),
  };
}

function benchSnapshot() {
  const dir = mkdtempSync(path.join(tmpdir(), "keel-bench-"));
  try {
    const chunks = fakeTreeChunks(SNAPSHOT_ZNODES, SNAPSHOT_CHUNK_BYTES);
    const bytes = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
    let store = openReplicaStore(dir, IDENTITY);
    store.write({
      entries: [{ zxid: zxid(1, 1), txn: new Uint8Array(1) }],
      acceptedEpoch: 1 as Epoch,
      currentEpoch: 1 as Epoch,
    });
    let started = performance.now();
    store.saveSnapshot({ zxid: zxid(1, 1), chunks });
    const writeMs = performance.now() - started;
    store.close();
    started = performance.now();
    store = openReplicaStore(dir, IDENTITY);
    const openMs = performance.now() - started;
    started = performance.now();
    const loaded = store.latestSnapshot();
    const loadMs = performance.now() - started;
    store.close();
    if (loaded?.chunks.length !== chunks.length) throw new Error("snapshot did not round-trip");
    return {
      znodes: SNAPSHOT_ZNODES,
      mib: round(bytes / 2 ** 20),
      chunks: chunks.length,
      writeMs: Math.round(writeMs),
      openWithVerifyMs: Math.round(openMs),
      loadMs: Math.round(loadMs),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

const appends = BATCH_SIZES.map(benchBatch);
const groupCommit = await benchGroupCommit();
const snapshot = benchSnapshot();
const result = { txnBytes: TXN_BYTES, node: process.version, tmpdir: tmpdir(), appends, groupCommit, snapshot };

console.table(appends);
console.table([groupCommit]);
console.table([snapshot]);
console.log(JSON.stringify(result));

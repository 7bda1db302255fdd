// `npx tsx bench/startup-bench.ts`: the phases of a replica's start-up with a big tree, in-process
// (no network, no election): open the store (recovery verifies the newest snapshot and the log
// after it), restore the state from the snapshot chunk by chunk, then replay the log after it.
// The tree has the bench's `keel-startup` shape: ZNODES znodes of 10 B under /big, written as
// multi txns of PER_MULTI creates. SNAPSHOT_AT (a fraction, default 1) says after which share of
// the txns the snapshot is taken; 0 means none (the whole tree is replayed from the log, as with
// a txn-count trigger alone). KEEP=1 keeps the store; REUSE_DIR=<dir> times a kept one again.
// Prints one JSON object; the cpuMs figures (user + system) mean more than wall time on a shared machine.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  type ClientRequest,
  type Epoch,
  encodeRequest,
  KeelState,
  type LogEntry,
  OPEN_ACL_UNSAFE,
  ORIGIN_NONE,
  type SessionId,
  type Zxid,
  zxid,
} from "@keel/core";
import { openReplicaStore } from "../src/index.js";

const ZNODES = Number(process.env.ZNODES ?? 1_000_000);
const PER_MULTI = Number(process.env.PER_MULTI ?? 1000);
const SNAPSHOT_AT = Number(process.env.SNAPSHOT_AT ?? 1);
const IDENTITY = { serverId: 1, ensembleId: "bench" };
const DATA = new TextEncoder().encode("0123456789");
const TIME_MS = 1_700_000_000_000;

interface Phase {
  readonly ms: number;
  readonly cpuMs: number;
}

function timed<T>(run: () => T): [T, Phase] {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const result = run();
  const used = process.cpuUsage(cpu);
  return [result, { ms: Math.round(performance.now() - wall), cpuMs: Math.round((used.user + used.system) / 1000) }];
}

/** Writes the tree as a leader would have logged it, with a snapshot after SNAPSHOT_AT of the txns. */
function build(dir: string): number {
  const store = openReplicaStore(dir, IDENTITY);
  store.write({ entries: [], acceptedEpoch: 1 as Epoch, currentEpoch: 1 as Epoch });
  const state = new KeelState();
  state.startLeading(0);
  let counter = 0;
  let logBytes = 0;
  const propose = (request: ClientRequest): LogEntry => {
    const at = zxid(1, ++counter);
    const envelope = { sessionId: 0n as SessionId, cxid: 0, origin: ORIGIN_NONE, auth: [], request };
    const entry = { zxid: at, txn: state.prepare(encodeRequest(envelope), at, TIME_MS) };
    state.apply(entry);
    logBytes += entry.txn.length;
    return entry;
  };
  const root = propose({
    type: "create",
    path: "/big",
    data: new Uint8Array(0),
    acl: OPEN_ACL_UNSAFE,
    kind: "persistent",
  });
  store.write({ entries: [root] });
  const batches = Math.ceil(ZNODES / PER_MULTI);
  const snapshotAfter = Math.round(batches * SNAPSHOT_AT);
  for (let batch = 0; batch < batches; batch++) {
    const ops = Array.from({ length: PER_MULTI }, (_, i) => ({
      type: "create" as const,
      path: `/big/b${batch}-${i}`,
      data: DATA,
      acl: OPEN_ACL_UNSAFE,
      kind: "persistent" as const,
    }));
    store.write({ entries: [propose({ type: "multi", ops })] });
    if (batch + 1 === snapshotAfter) store.saveSnapshot(state.snapshot());
  }
  store.close();
  return logBytes;
}

function startUp(dir: string) {
  const [store, open] = timed(() => openReplicaStore(dir, IDENTITY));
  const header = store.latestSnapshotHeader();
  const [state, restore] = timed(() => {
    if (header === undefined) return new KeelState();
    const chunks = function* () {
      for (let i = 0; i < header.chunkCount; i++) {
        const chunk = store.snapshotChunk(header.zxid, i);
        if (chunk === undefined) throw new Error(`snapshot chunk ${i} missing`);
        yield chunk;
      }
    };
    const restored = KeelState.restore({ zxid: header.zxid, chunks: chunks() });
    if (restored instanceof Error) throw restored;
    return restored;
  });
  const [replayedTxns, replay] = timed(() => {
    let after: Zxid = state.lastAppliedZxid;
    let count = 0;
    for (;;) {
      const entries = store.entriesAfter(after, 1024, 16 * 1024 * 1024);
      if (entries.length === 0) return count;
      for (const entry of entries) state.apply(entry);
      count += entries.length;
      after = (entries.at(-1) as LogEntry).zxid;
    }
  });
  store.close();
  return {
    snapshotMiB: header === undefined ? 0 : Math.round(Number(header.bytesTotal) / 2 ** 20),
    znodes: state.nodeCount,
    open,
    restore,
    replayedTxns,
    replay,
    total: { ms: open.ms + restore.ms + replay.ms, cpuMs: open.cpuMs + restore.cpuMs + replay.cpuMs },
  };
}

const reuse = process.env.REUSE_DIR;
const dir = reuse ?? mkdtempSync(path.join(tmpdir(), "keel-startup-bench-"));
try {
  const [logBytes, buildPhase] = reuse === undefined ? timed(() => build(dir)) : [undefined, undefined];
  const result = startUp(dir);
  const logMiB = logBytes === undefined ? undefined : Math.round(logBytes / 2 ** 20);
  process.stdout.write(
    `${JSON.stringify({ perMulti: PER_MULTI, snapshotAt: SNAPSHOT_AT, logMiB, build: buildPhase, ...result })}\n`,
  );
} finally {
  if (process.env.KEEP === undefined && reuse === undefined) rmSync(dir, { recursive: true, force: true });
  else process.stderr.write(`kept ${dir}\n`);
}

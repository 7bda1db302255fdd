// Checks the ReplicaStore contract core relies on (LogReader + DurableWrite), against real SQLite
// files in temp dirs: append and read back, limits of entriesAfter, truncation, snapshot install,
// epochs across reopen, identity refusal, and that bad writes are assertions that change nothing.
import { crc32c, type Snapshot, snapshotHeaderOf, ZXID_ZERO, zxid } from "@keel/core";
import { describe, expect, it } from "vitest";
import { isStoreError } from "./errors.js";

const ASSERTION = expect.objectContaining({ name: "AssertionError" });

import { entries, epochs, IDENTITY, open, tamper, tempDir, txnFor } from "./test-helpers.js";

/** A snapshot as a SNAP transfer stages it: its header and every chunk with its checksum. */
function staged(snapshot: Snapshot) {
  const header = snapshotHeaderOf(snapshot);
  const chunks = snapshot.chunks.map((data, index) => ({ index, data, checksum: crc32c(data) }));
  return { header, stageChunks: { header, chunks } };
}

describe("ReplicaStore", () => {
  it("starts empty with a PRAGMA-checked WAL file", () => {
    const store = open(tempDir());
    expect(store.lastLoggedZxid()).toBe(ZXID_ZERO);
    expect(store.firstLoggedZxid()).toBeUndefined();
    expect(store.latestSnapshot()).toBeUndefined();
    expect(store.epochs()).toEqual(epochs(0));
    expect(store.meta()).toMatchObject({ serverId: 1, ensembleId: "test-ensemble", formatVersion: 1 });
  });

  it("appends batches durably and reads them back after reopen", () => {
    const dir = tempDir();
    const store = open(dir);
    store.write({ entries: entries(1, 1, 5), ...epochs(1) });
    store.write({ entries: entries(1, 6, 10) });
    store.close();
    const again = open(dir);
    expect(again.lastLoggedZxid()).toBe(zxid(1, 10));
    expect(again.firstLoggedZxid()).toBe(zxid(1, 1));
    expect(again.epochs()).toEqual(epochs(1));
    const read = again.entriesAfter(zxid(1, 3), 100, 1 << 20);
    expect(read.map((e) => e.zxid)).toEqual(entries(1, 4, 10).map((e) => e.zxid));
    expect(Buffer.from(read[0]?.txn ?? [])).toEqual(Buffer.from(txnFor(1, 4)));
  });

  it("bounds entriesAfter by count and bytes, returning at least one entry", () => {
    const store = open(tempDir());
    store.write({ entries: entries(1, 1, 10, 100), ...epochs(1) });
    expect(store.entriesAfter(ZXID_ZERO, 3, 1 << 20)).toHaveLength(3);
    expect(store.entriesAfter(ZXID_ZERO, 100, 250)).toHaveLength(2);
    expect(store.entriesAfter(ZXID_ZERO, 100, 1)).toHaveLength(1);
    expect(store.entriesAfter(zxid(1, 10), 100, 1 << 20)).toHaveLength(0);
  });

  it("truncates after a zxid and appends a new epoch's history", () => {
    const dir = tempDir();
    const store = open(dir);
    store.write({ entries: entries(1, 1, 10), ...epochs(2) });
    store.write({ truncateAfter: zxid(1, 6), entries: entries(2, 1, 3), currentEpoch: epochs(2).currentEpoch });
    expect(store.lastLoggedZxid()).toBe(zxid(2, 3));
    store.close();
    const again = open(dir);
    const all = again.entriesAfter(ZXID_ZERO, 100, 1 << 20).map((e) => e.zxid);
    expect(all).toEqual([...entries(1, 1, 6), ...entries(2, 1, 3)].map((e) => e.zxid));
    again.write({ truncateAfter: ZXID_ZERO, entries: [] });
    expect(again.lastLoggedZxid()).toBe(ZXID_ZERO);
    expect(again.firstLoggedZxid()).toBeUndefined();
  });

  it("installs a leader's snapshot, replacing the whole log and older snapshots", () => {
    const dir = tempDir();
    const store = open(dir);
    store.write({ entries: entries(1, 1, 10), ...epochs(3) });
    store.saveSnapshot({ zxid: zxid(1, 5), chunks: [new Uint8Array([1, 2, 3])] });
    const snapshot = { zxid: zxid(2, 4), chunks: [new Uint8Array([9, 9]), new Uint8Array(0), new Uint8Array([7])] };
    const { header, stageChunks } = staged(snapshot);
    store.write({ stageChunks: { header, chunks: stageChunks.chunks.slice(0, 2) }, entries: [] });
    expect(store.latestSnapshotHeader()?.zxid).toBe(zxid(1, 5)); // staged is not current
    store.write({
      stageChunks: { header, chunks: stageChunks.chunks.slice(2) },
      installSnapshot: header,
      entries: entries(2, 5, 6),
      currentEpoch: epochs(3).currentEpoch,
    });
    expect(store.latestSnapshotHeader()).toEqual(header);
    store.close();
    const again = open(dir);
    expect(again.snapshotInfos().map((s) => s.zxid)).toEqual([zxid(2, 4)]);
    expect(again.latestSnapshot()?.chunks.map((c) => [...c])).toEqual([[9, 9], [], [7]]);
    expect([...(again.snapshotChunk(zxid(2, 4), 2) ?? [])]).toEqual([7]);
    expect(again.firstLoggedZxid()).toBe(zxid(2, 5));
    expect(again.lastLoggedZxid()).toBe(zxid(2, 6));
    const empty = staged({ zxid: zxid(3, 1), chunks: [] });
    again.write({ entries: [], installSnapshot: empty.header, stageChunks: { header: empty.header, chunks: [] } });
    expect(again.lastLoggedZxid()).toBe(zxid(3, 1));
    expect(again.firstLoggedZxid()).toBeUndefined();
  });

  it("drops a torn transfer at open and when a new transfer starts; never installs a partial one", () => {
    const dir = tempDir();
    const store = open(dir);
    store.write({ entries: entries(1, 1, 10), ...epochs(2) });
    const first = staged({ zxid: zxid(2, 8), chunks: [1, 2, 3, 4].map((n) => new Uint8Array([n])) });
    store.write({ stageChunks: { header: first.header, chunks: first.stageChunks.chunks.slice(0, 2) }, entries: [] });
    expect(() => store.write({ installSnapshot: first.header, entries: [] })).toThrow(ASSERTION);
    store.close();
    const warnings: string[] = [];
    const again = open(dir, { onWarning: (w) => warnings.push(w) });
    expect(warnings.join()).toMatch(/dropped 1 incomplete snapshot/);
    expect(again.latestSnapshotHeader()).toBeUndefined();
    expect(again.lastLoggedZxid()).toBe(zxid(1, 10));
    // Chunk 1 of the torn transfer no longer has a transfer to join.
    expect(() =>
      again.write({ stageChunks: { header: first.header, chunks: first.stageChunks.chunks.slice(2, 3) }, entries: [] }),
    ).toThrow(ASSERTION);
    again.write({ stageChunks: { header: first.header, chunks: first.stageChunks.chunks.slice(0, 3) }, entries: [] });
    const second = staged({ zxid: zxid(2, 9), chunks: [new Uint8Array([5])] });
    again.write({ stageChunks: second.stageChunks, installSnapshot: second.header, entries: [] });
    expect(again.snapshotInfos().map((s) => s.zxid)).toEqual([zxid(2, 9)]);
    expect(again.lastLoggedZxid()).toBe(zxid(2, 9));
  });

  it("reads an older snapshot's chunks by zxid and purge keeps what a sync still reads", () => {
    const store = open(tempDir());
    store.write({ entries: entries(1, 1, 30), ...epochs(1) });
    for (const counter of [10, 20, 30])
      store.saveSnapshot({ zxid: zxid(1, counter), chunks: [new Uint8Array([counter])] });
    expect([...(store.snapshotChunk(zxid(1, 10), 0) ?? [])]).toEqual([10]);
    expect(store.snapshotChunk(zxid(1, 10), 1)).toBeUndefined();
    expect(store.purge({ snapshotsToKeep: 1, retainZxid: zxid(1, 15) })).toMatchObject({ snapshotsDeleted: 0 });
    expect(store.firstLoggedZxid()).toBe(zxid(1, 11));
    expect(store.purge({ snapshotsToKeep: 1, retainZxid: zxid(1, 5) })).toMatchObject({ entriesDeleted: 0 });
    expect(store.purge({ snapshotsToKeep: 1 })).toMatchObject({ snapshotsDeleted: 2, logStartZxid: zxid(1, 30) });
    expect(store.snapshotChunk(zxid(1, 10), 0)).toBeUndefined();
  });

  it("purges in bounded steps; a store closed half-way opens consistent", () => {
    const dir = tempDir();
    const store = open(dir);
    store.write({ entries: entries(1, 1, 30), ...epochs(1) });
    for (const counter of [10, 20]) {
      const chunks = Array.from({ length: 5 }, (_, i) => new Uint8Array([counter, i]));
      store.saveSnapshot({ zxid: zxid(1, counter), chunks });
    }
    const step = store.purgeStep({ snapshotsToKeep: 1 }, { chunksMax: 2, entriesMax: 7 });
    expect(step).toEqual({ snapshotsDeleted: 1, entriesDeleted: 7, logStartZxid: zxid(1, 7), done: false });
    expect(store.snapshotInfos().map((s) => s.zxid)).toEqual([zxid(1, 20)]); // hidden at once
    expect(store.snapshotChunk(zxid(1, 10), 4)).toBeUndefined();
    store.close();
    const again = open(dir, { onWarning: () => {} });
    expect(again.firstLoggedZxid()).toBe(zxid(1, 8));
    expect(again.latestSnapshotHeader()?.zxid).toBe(zxid(1, 20));
    let steps = 0;
    for (;;) {
      steps++;
      if (again.purgeStep({ snapshotsToKeep: 1 }, { chunksMax: 2, entriesMax: 7 }).done) break;
    }
    expect(steps).toBe(2);
    expect(again.meta().logStartZxid).toBe(zxid(1, 20));
    expect(again.firstLoggedZxid()).toBe(zxid(1, 21));
  });

  it("writes a snapshot incrementally, invisible until committed; a SNAP install cancels it", () => {
    const dir = tempDir();
    const store = open(dir);
    store.write({ entries: entries(1, 1, 10), ...epochs(2) });
    const write = store.beginSnapshot(zxid(1, 6));
    expect(store.appendSnapshotChunks(write, [new Uint8Array([1]), new Uint8Array([2, 2])])).toBe(true);
    expect(store.latestSnapshotHeader()).toBeUndefined();
    expect(store.appendSnapshotChunks(write, [new Uint8Array([3])])).toBe(true);
    const info = store.commitSnapshot(write);
    expect(info).toMatchObject({ zxid: zxid(1, 6), chunkCount: 3, bytesTotal: 4n });
    store.close();
    const again = open(dir);
    expect(again.latestSnapshot()?.chunks.map((c) => [...c])).toEqual([[1], [2, 2], [3]]);
    const cancelled = again.beginSnapshot(zxid(1, 9));
    again.appendSnapshotChunks(cancelled, [new Uint8Array([4])]);
    const leader = staged({ zxid: zxid(2, 3), chunks: [new Uint8Array([8])] });
    again.write({ stageChunks: leader.stageChunks, installSnapshot: leader.header, entries: [] });
    expect(again.appendSnapshotChunks(cancelled, [new Uint8Array([5])])).toBe(false);
    expect(again.commitSnapshot(cancelled)).toBeUndefined();
    expect(again.snapshotInfos().map((s) => s.zxid)).toEqual([zxid(2, 3)]);
  });

  it("treats out-of-order entries and bad epochs as bugs and leaves the store unchanged", () => {
    const store = open(tempDir());
    store.write({ entries: entries(1, 1, 3), ...epochs(1) });
    expect(() => store.write({ entries: entries(1, 3, 4) })).toThrow(ASSERTION);
    expect(() => store.write({ entries: [...entries(1, 5, 5), ...entries(1, 4, 4)] })).toThrow(ASSERTION);
    expect(() => store.write({ entries: entries(2, 1, 1) })).toThrow(/acceptedEpoch/);
    expect(() => store.write({ entries: [], ...epochs(1, 2) })).toThrow(/currentEpoch/);
    expect(store.lastLoggedZxid()).toBe(zxid(1, 3));
    expect(store.entriesAfter(ZXID_ZERO, 100, 1 << 20)).toHaveLength(3);
    expect(store.epochs()).toEqual(epochs(1));
  });

  it("refuses a data dir of another ensemble or server, and a second opener", () => {
    const dir = tempDir();
    open(dir).close();
    expect(() => open(dir, { ensembleId: "other" })).toThrow(expect.objectContaining({ reason: "ENSEMBLE_MISMATCH" }));
    expect(() => open(dir, { serverId: 2 })).toThrow(expect.objectContaining({ reason: "SERVER_ID_MISMATCH" }));
    expect(() => open(dir, { serverId: 0 })).toThrow(expect.objectContaining({ reason: "BAD_INPUT" }));
    open(dir);
    expect(() => open(dir, { lockWaitMs: 50 })).toThrow(expect.objectContaining({ reason: "LOCKED" }));
  });

  it("refuses an unknown format version and inconsistent epochs", () => {
    const dir = tempDir();
    open(dir).close();
    const file = `${dir}/keel.db`;
    tamper(file, "UPDATE replica_meta SET format_version = 99");
    expect(() => open(dir)).toThrow(expect.objectContaining({ reason: "FORMAT_VERSION" }));
    tamper(file, "UPDATE replica_meta SET format_version = 1, accepted_epoch = 1, current_epoch = 2");
    let error: unknown;
    try {
      open(dir);
    } catch (caught) {
      error = caught;
    }
    expect(isStoreError(error, "INCONSISTENT")).toBe(true);
    expect(String(error)).toMatch(/currentEpoch 2 is after acceptedEpoch 1/);
  });

  it("keeps IDENTITY stable for the other tests", () => {
    expect(IDENTITY).toEqual({ serverId: 1, ensembleId: "test-ensemble" });
  });
});

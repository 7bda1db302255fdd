// Checks the ReplicaStore contract core relies on (LogReader + DurableWrite), against real SQLite
// files in temp dirs: append and read back, limits of entriesAfter, truncation, snapshot install,
// epochs across reopen, identity refusal, and that bad writes are assertions that change nothing.
import { ZXID_ZERO, zxid } from "@keel/core";
import { describe, expect, it } from "vitest";
import { isStoreError } from "./errors.js";

const ASSERTION = expect.objectContaining({ name: "AssertionError" });

import { entries, epochs, IDENTITY, open, tamper, tempDir, txnFor } from "./test-helpers.js";

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
    const chunks = [new Uint8Array([9, 9]), new Uint8Array(0), new Uint8Array([7])];
    store.write({
      snapshot: { zxid: zxid(2, 4), chunks },
      entries: entries(2, 5, 6),
      currentEpoch: epochs(3).currentEpoch,
    });
    store.close();
    const again = open(dir);
    expect(again.snapshotInfos().map((s) => s.zxid)).toEqual([zxid(2, 4)]);
    expect(again.latestSnapshot()?.chunks.map((c) => [...c])).toEqual([[9, 9], [], [7]]);
    expect(again.firstLoggedZxid()).toBe(zxid(2, 5));
    expect(again.lastLoggedZxid()).toBe(zxid(2, 6));
    again.write({ entries: [], snapshot: { zxid: zxid(3, 1), chunks: [] } });
    expect(again.lastLoggedZxid()).toBe(zxid(3, 1));
    expect(again.firstLoggedZxid()).toBeUndefined();
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

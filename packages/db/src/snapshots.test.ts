// Checks snapshots and purge against real files: a 1M-znode (~150 MB) snapshot survives a close
// and reopen byte for byte; purge keeps the newest N snapshots and drops exactly the log entries
// the oldest kept one covers; saving twice at one zxid replaces.
import { ZXID_ZERO, zxid } from "@keel/core";
import { describe, expect, it } from "vitest";
import { countFakeZnodes, fakeTreeChunks } from "./test-data.js";
import { entries, epochs, open, tempDir } from "./test-helpers.js";

const ZNODES = 1_000_000;
const CHUNK_BYTES = 1 << 20;

describe("snapshots", () => {
  it("round-trips a 1M-znode snapshot through close and reopen", { timeout: 60_000 }, () => {
    const dir = tempDir();
    const store = open(dir);
    store.write({ entries: entries(1, 1, 3), ...epochs(1) });
    const chunks = fakeTreeChunks(ZNODES, CHUNK_BYTES);
    const info = store.saveSnapshot({ zxid: zxid(1, 3), chunks });
    expect(info.bytesTotal).toBeGreaterThan(140_000_000n);
    store.close();
    const again = open(dir);
    const loaded = again.latestSnapshot();
    expect(loaded?.zxid).toBe(zxid(1, 3));
    expect(loaded?.chunks).toHaveLength(chunks.length);
    loaded?.chunks.forEach((chunk, index) => {
      expect(Buffer.from(chunk).equals(Buffer.from(chunks[index] ?? []))).toBe(true);
    });
    expect(countFakeZnodes(loaded?.chunks ?? [])).toBe(ZNODES);
  });

  it("purges old snapshots and the log entries the oldest kept one covers", () => {
    const dir = tempDir();
    const store = open(dir);
    store.write({ entries: entries(1, 1, 40), ...epochs(1) });
    for (const counter of [10, 20, 30])
      store.saveSnapshot({ zxid: zxid(1, counter), chunks: [new Uint8Array([counter])] });
    expect(store.purge({ snapshotsToKeep: 2 })).toEqual({
      snapshotsDeleted: 1,
      entriesDeleted: 20,
      logStartZxid: zxid(1, 20),
    });
    expect(store.snapshotInfos().map((s) => s.zxid)).toEqual([zxid(1, 30), zxid(1, 20)]);
    expect(store.firstLoggedZxid()).toBe(zxid(1, 21));
    expect(store.purge({ snapshotsToKeep: 2 })).toEqual({
      snapshotsDeleted: 0,
      entriesDeleted: 0,
      logStartZxid: zxid(1, 20),
    });
    store.close();
    const again = open(dir);
    expect(again.firstLoggedZxid()).toBe(zxid(1, 21));
    expect(again.lastLoggedZxid()).toBe(zxid(1, 40));
    expect(again.latestSnapshot()?.chunks.map((c) => [...c])).toEqual([[30]]);
    expect(again.purge({ snapshotsToKeep: 1 }).entriesDeleted).toBe(10);
    expect(again.entriesAfter(ZXID_ZERO, 100, 1 << 20).map((e) => e.zxid)).toEqual(
      entries(1, 31, 40).map((e) => e.zxid),
    );
    expect(() => again.purge({ snapshotsToKeep: 0 })).toThrow(/snapshotsToKeep/);
  });

  it("replaces a snapshot saved twice at the same zxid and refuses one outside the history", () => {
    const store = open(tempDir());
    store.write({ entries: entries(1, 1, 5), ...epochs(1) });
    store.saveSnapshot({ zxid: zxid(1, 5), chunks: [new Uint8Array([1])] });
    store.saveSnapshot({ zxid: zxid(1, 5), chunks: [new Uint8Array([2])] });
    expect(store.snapshotInfos()).toHaveLength(1);
    expect(store.latestSnapshot()?.chunks.map((c) => [...c])).toEqual([[2]]);
    expect(() => store.saveSnapshot({ zxid: zxid(1, 6), chunks: [] })).toThrow(/outside the logged history/);
  });

  it("drops snapshots past a truncation point, as ZooKeeper's truncateLog does", () => {
    const store = open(tempDir());
    store.write({ entries: entries(1, 1, 10), ...epochs(1) });
    store.saveSnapshot({ zxid: zxid(1, 4), chunks: [] });
    store.saveSnapshot({ zxid: zxid(1, 8), chunks: [] });
    store.write({ truncateAfter: zxid(1, 6), entries: [] });
    expect(store.snapshotInfos().map((s) => s.zxid)).toEqual([zxid(1, 4)]);
    expect(store.lastLoggedZxid()).toBe(zxid(1, 6));
  });
});

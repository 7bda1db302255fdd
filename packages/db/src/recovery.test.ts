// Checks open-time recovery against damaged files (docs/storage.md, "Recovery"): a corrupt log
// tail is cut and never applied, corruption in the middle is refused, an invalid latest snapshot
// falls back to an older one the log still covers (or is refused when it does not). Damage is done
// both through SQL (bit rot inside a row) and to the raw bytes of the DB and WAL files.
import { copyFileSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ZXID_ZERO, zxid } from "@keel/core";
import { describe, expect, it, vi } from "vitest";
import { entries, epochs, open, tamper, tempDir } from "./test-helpers.js";

const ALL = 1 << 30;

function flipTxnSql(fromCounter: number, toCounter: number): string {
  return `UPDATE txn_log SET txn = (CASE WHEN substr(txn, 1, 1) = X'FF' THEN X'00' ELSE X'FF' END) || substr(txn, 2)
    WHERE zxid BETWEEN ${zxid(1, fromCounter)} AND ${zxid(1, toCounter)}`;
}

describe("recovery", () => {
  it("cuts a corrupt tail, warns, and never serves it", () => {
    const dir = tempDir();
    const store = open(dir);
    store.write({ entries: entries(1, 1, 10), ...epochs(1) });
    store.write({ entries: entries(1, 11, 12) });
    store.close();
    tamper(path.join(dir, "keel.db"), flipTxnSql(11, 12));
    const onWarning = vi.fn();
    const again = open(dir, { onWarning });
    expect(again.lastLoggedZxid()).toBe(zxid(1, 10));
    expect(again.entriesAfter(ZXID_ZERO, 100, ALL)).toHaveLength(10);
    expect(onWarning).toHaveBeenCalledWith(expect.stringMatching(/cut 2 invalid entries off the log tail from 0x1:11/));
    again.write({ entries: entries(1, 11, 11) }); // the cut tail can be rewritten
    expect(again.lastLoggedZxid()).toBe(zxid(1, 11));
  });

  it("refuses to start when an invalid entry has valid entries after it", () => {
    const dir = tempDir();
    const store = open(dir);
    store.write({ entries: entries(1, 1, 10), ...epochs(1) });
    store.close();
    tamper(path.join(dir, "keel.db"), flipTxnSql(4, 4));
    expect(() => open(dir)).toThrow(expect.objectContaining({ reason: "INCONSISTENT" }));
    expect(() => open(dir)).toThrow(/corruption in the middle of the log/);
  });

  it("purges corrupt entries the latest snapshot already covers", () => {
    const dir = tempDir();
    const store = open(dir);
    store.write({ entries: entries(1, 1, 10), ...epochs(1) });
    store.saveSnapshot({ zxid: zxid(1, 6), chunks: [new Uint8Array([6])] });
    store.close();
    tamper(path.join(dir, "keel.db"), flipTxnSql(2, 3));
    const onWarning = vi.fn();
    const again = open(dir, { onWarning });
    expect(again.firstLoggedZxid()).toBe(zxid(1, 4));
    expect(again.lastLoggedZxid()).toBe(zxid(1, 10));
    expect(again.meta().logStartZxid).toBe(zxid(1, 3));
    expect(onWarning).toHaveBeenCalledWith(expect.stringMatching(/purged 3 log entries through 0x1:3/));
  });

  it("falls back to the previous snapshot when the latest is corrupt and the log covers it", () => {
    const dir = tempDir();
    const store = open(dir);
    store.write({ entries: entries(1, 1, 10), ...epochs(1) });
    store.saveSnapshot({ zxid: zxid(1, 4), chunks: [new Uint8Array([4]), new Uint8Array([44])] });
    store.saveSnapshot({ zxid: zxid(1, 8), chunks: [new Uint8Array([8]), new Uint8Array([88])] });
    store.close();
    tamper(
      path.join(dir, "keel.db"),
      `UPDATE snapshot_chunks SET data = X'00' WHERE chunk_index = 1 AND snapshot_id = (SELECT id FROM snapshots WHERE zxid = ${zxid(1, 8)})`,
    );
    const onWarning = vi.fn();
    const again = open(dir, { onWarning });
    expect(again.latestSnapshot()?.zxid).toBe(zxid(1, 4));
    expect(again.lastLoggedZxid()).toBe(zxid(1, 10));
    expect(again.entriesAfter(zxid(1, 4), 100, ALL)).toHaveLength(6);
    expect(onWarning).toHaveBeenCalledWith(
      expect.stringMatching(/snapshot at 0x1:8 is invalid \(chunk 1 checksum mismatch\)/),
    );
  });

  it("refuses when the only usable snapshot is corrupt and the log before it was purged", () => {
    const dir = tempDir();
    const store = open(dir);
    store.write({ entries: entries(1, 1, 10), ...epochs(1) });
    store.saveSnapshot({ zxid: zxid(1, 8), chunks: [new Uint8Array([8])] });
    store.purge({ snapshotsToKeep: 1 });
    store.close();
    tamper(path.join(dir, "keel.db"), "DELETE FROM snapshot_chunks");
    expect(() => open(dir)).toThrow(expect.objectContaining({ reason: "INCONSISTENT" }));
    expect(() => open(dir)).toThrow(/no valid snapshot at or after 0x1:8/);
  });

  it("cuts a tail whose bytes were flipped in the database file itself", () => {
    const dir = tempDir();
    const store = open(dir);
    const marker = new TextEncoder().encode("TAIL-MARKER-0123456789");
    store.write({ entries: entries(1, 1, 20, 200), ...epochs(1) });
    store.write({ entries: [{ zxid: zxid(1, 21), txn: marker }] });
    store.close(); // checkpoints the WAL into keel.db
    const file = path.join(dir, "keel.db");
    const bytes = readFileSync(file);
    const at = bytes.indexOf(Buffer.from(marker));
    expect(at).toBeGreaterThan(0);
    bytes[at + 5] = (bytes[at + 5] ?? 0) ^ 0x40;
    writeFileSync(file, bytes);
    const again = open(dir);
    expect(again.lastLoggedZxid()).toBe(zxid(1, 20));
  });

  it("sees only whole batches when the WAL is torn or flipped after a crash", () => {
    const dir = tempDir();
    const store = open(dir);
    const boundaries: bigint[] = [];
    let counter = 0;
    for (let batch = 1; batch <= 5; batch++) {
      const size = batch + 1;
      store.write({ entries: entries(1, counter + 1, counter + size, 1024), ...epochs(1) });
      counter += size;
      boundaries.push(zxid(1, counter));
    }
    // Copy the open store's files: the image a power cut would leave (the WAL is not checkpointed yet).
    const crashImage = (name: string): string => {
      const target = tempDir();
      copyFileSync(path.join(dir, "keel.db"), path.join(target, "keel.db"));
      copyFileSync(path.join(dir, "keel.db-wal"), path.join(target, `${name}`));
      return target;
    };
    const torn = crashImage("keel.db-wal");
    const walBytes = statSync(path.join(torn, "keel.db-wal")).size;
    truncateSync(path.join(torn, "keel.db-wal"), walBytes - 1000);
    const flipped = crashImage("keel.db-wal");
    const wal = readFileSync(path.join(flipped, "keel.db-wal"));
    wal[wal.length - 2000] = (wal[wal.length - 2000] ?? 0) ^ 0xff;
    writeFileSync(path.join(flipped, "keel.db-wal"), wal);
    for (const image of [torn, flipped]) {
      const reopened = open(image);
      const last = reopened.lastLoggedZxid();
      expect(boundaries.slice(0, 4)).toContain(last); // the torn last batch is gone, whole
      expect(reopened.entriesAfter(ZXID_ZERO, 1000, ALL)).toHaveLength(Number(last - zxid(1, 0)));
    }
  });
});

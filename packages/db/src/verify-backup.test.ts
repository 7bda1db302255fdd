// Checks `verifyBackup`: a clean backup is described (identity, epochs, snapshots, log range) with
// nothing to repair; damage a restore would repair is listed; damage a restore would refuse is
// refused the same way; and the file verified is never written to.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { zxid } from "@keel/core";
import { describe, expect, it } from "vitest";
import { entries, epochs, open, tamper, tempDir } from "./test-helpers.js";
import { verifyBackup } from "./verify-backup.js";

/** A backup of a store with log 1..50 and a snapshot at 40 (taken while the store is open). */
async function backupFile(): Promise<string> {
  const store = open(tempDir());
  store.write({ entries: entries(1, 1, 50, 300), ...epochs(2, 1) });
  store.saveSnapshot({ zxid: zxid(1, 40), chunks: [new Uint8Array([4, 0])] });
  const file = path.join(tempDir(), "replica-1.keel-backup");
  await store.backupTo(file);
  store.close();
  return file;
}

const flipTxn = (from: number, to: number) =>
  `UPDATE txn_log SET txn = (CASE WHEN substr(txn, 1, 1) = X'FF' THEN X'00' ELSE X'FF' END) || substr(txn, 2)
    WHERE zxid BETWEEN ${zxid(1, from)} AND ${zxid(1, to)}`;

describe("verifyBackup", () => {
  it("describes a clean backup and finds nothing to repair, without writing to the file", async () => {
    const file = await backupFile();
    const before = readFileSync(file);
    const report = verifyBackup(file);
    expect(report.meta).toMatchObject({ serverId: 1, ensembleId: "test-ensemble", acceptedEpoch: 2, currentEpoch: 1 });
    expect(report.snapshots.map((snapshot) => snapshot.zxid)).toEqual([zxid(1, 40)]);
    expect(report.log?.last).toBe(zxid(1, 50));
    expect(report.repairs).toEqual([]);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("lists what a restore would repair: a corrupt tail is cut", async () => {
    const file = await backupFile();
    tamper(file, flipTxn(49, 50));
    const report = verifyBackup(file);
    expect(report.log?.last).toBe(zxid(1, 48));
    expect(report.repairs.join("\n")).toMatch(/cut|tail/i);
  });

  it("refuses what a restore would refuse: corruption in the middle of the log, a file that is no store", async () => {
    const file = await backupFile();
    tamper(file, flipTxn(45, 45));
    expect(() => verifyBackup(file)).toThrow(/corruption in the middle of the log/);
    const junk = path.join(tempDir(), "junk.db");
    writeFileSync(junk, "not a database at all, just some text long enough to fill a header ...........");
    expect(() => verifyBackup(junk)).toThrow(expect.objectContaining({ reason: "BAD_INPUT" }));
    expect(() => verifyBackup(path.join(tempDir(), "missing.db"))).toThrow(
      expect.objectContaining({ reason: "BAD_INPUT" }),
    );
  });
});

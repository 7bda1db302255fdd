// Checks backup and restore (etcdctl snapshot save/restore): a backup taken while the store is
// open is a consistent copy; restoring writes a new data dir under a new server id, which opens
// with full recovery; restore refuses to overwrite a store, and rejects a file that is no store.
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ZXID_ZERO, zxid } from "@keel/core";
import { describe, expect, it } from "vitest";
import { restoreReplica } from "./restore.js";
import { entries, epochs, open, tempDir } from "./test-helpers.js";

describe("backup and restore", () => {
  it("restores an online backup as another server, leaving later writes out", async () => {
    const source = tempDir();
    const store = open(source);
    store.write({ entries: entries(1, 1, 50, 300), ...epochs(2, 1) });
    store.saveSnapshot({ zxid: zxid(1, 40), chunks: [new Uint8Array([4, 0])] });
    const backupFile = path.join(tempDir(), "replica-1.keel-backup");
    const backup = store.backupTo(backupFile);
    store.write({ entries: entries(1, 51, 51) }); // same connection: folded into the running backup
    await backup;
    store.write({ entries: entries(1, 52, 52) }); // after the backup completed: not in it
    await expect(store.backupTo(backupFile)).rejects.toMatchObject({ reason: "EXISTS" });

    const target = path.join(tempDir(), "data");
    const meta = restoreReplica(backupFile, target, { serverId: 3 });
    expect(meta).toMatchObject({ serverId: 3, ensembleId: "test-ensemble", acceptedEpoch: 2, currentEpoch: 1 });
    const restored = open(target, { serverId: 3 });
    expect([zxid(1, 50), zxid(1, 51)]).toContain(restored.lastLoggedZxid());
    expect(restored.latestSnapshot()?.zxid).toBe(zxid(1, 40));
    expect(restored.entriesAfter(ZXID_ZERO, 1000, 1 << 30).length).toBe(Number(restored.lastLoggedZxid() - zxid(1, 0)));
    expect(() => restoreReplica(backupFile, target, { serverId: 3 })).toThrow(
      expect.objectContaining({ reason: "EXISTS" }),
    );
  });

  it("restores under a new ensemble id and rejects files that are not stores", () => {
    const source = tempDir();
    const store = open(source);
    store.write({ entries: entries(1, 1, 2), ...epochs(1) });
    store.close();
    const target = path.join(tempDir(), "renamed");
    restoreReplica(path.join(source, "keel.db"), target, { serverId: 2, ensembleId: "rebuilt" });
    expect(open(target, { serverId: 2, ensembleId: "rebuilt" }).lastLoggedZxid()).toBe(zxid(1, 2));

    const junk = path.join(tempDir(), "junk.db");
    writeFileSync(junk, "not a database at all, just some text long enough to fill a header ...........");
    const empty = path.join(tempDir(), "empty");
    expect(() => restoreReplica(junk, empty, { serverId: 1 })).toThrow(
      expect.objectContaining({ reason: "BAD_INPUT" }),
    );
    expect(existsSync(path.join(empty, "keel.db"))).toBe(false);
    expect(() => restoreReplica(path.join(source, "missing"), empty, { serverId: 1 })).toThrow(/does not exist/);
  });
});

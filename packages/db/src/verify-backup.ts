/**
 * Verifies a backup file without restoring it (docs/storage.md, "Backup and restore"): the
 * recovery a restore would run (identity, epochs, every snapshot chunk's and log row's checksum,
 * the log's continuity after the snapshot) runs on a throw-away copy, so the file itself is never
 * opened for writing. etcd's `snapshot status` only reads a hash and counts; this reads it all.
 */
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Zxid } from "@keel/core";
import type { ReplicaMeta } from "./epochs.js";
import { StoreError } from "./errors.js";
import { ReplicaStore } from "./replica-store.js";
import { withBackupMeta } from "./restore.js";
import type { SnapshotInfo } from "./snapshots.js";

export interface BackupReport {
  readonly meta: ReplicaMeta;
  readonly snapshots: readonly SnapshotInfo[];
  /** The log the backup holds after its newest usable snapshot; undefined when it holds none. */
  readonly log: { readonly first: Zxid; readonly last: Zxid } | undefined;
  /** What recovery would repair on restore (a torn tail, an incomplete snapshot); empty for a clean backup. */
  readonly repairs: readonly string[];
}

/** Throws StoreError (BAD_INPUT, CORRUPT, FORMAT_VERSION, ...) when the backup could not be restored. */
export function verifyBackup(file: string): BackupReport {
  if (!existsSync(file)) throw new StoreError("BAD_INPUT", `backup file ${file} does not exist`);
  const scratch = mkdtempSync(path.join(tmpdir(), "keel-verify-"));
  try {
    const copy = path.join(scratch, "backup.db");
    copyFileSync(file, copy);
    const meta = withBackupMeta(copy, (_connection, found) => found);
    const repairs: string[] = [];
    const store = ReplicaStore.openFile(copy, {
      serverId: meta.serverId,
      ensembleId: meta.ensembleId,
      onWarning: (message) => repairs.push(message),
    });
    try {
      const first = store.firstLoggedZxid();
      return {
        meta: store.meta(),
        snapshots: store.snapshotInfos(),
        log: first === undefined ? undefined : { first, last: store.lastLoggedZxid() },
        repairs,
      };
    } finally {
      store.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

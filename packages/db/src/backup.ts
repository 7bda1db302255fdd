/**
 * Online backup, like `etcdctl snapshot save` (docs/storage.md, "Backup and restore"). A backup
 * is a plain SQLite file holding the whole store; restore.ts turns one back into a data dir.
 */
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { StoreError } from "./errors.js";

/** Pages copied per backup step; between steps the event loop runs, so a running replica keeps serving. */
const BACKUP_PAGES_PER_STEP = 1_024;

/**
 * SQLite's online backup API through the replica's own connection: writes made through that
 * connection during the backup are copied into it too, so the file is one consistent point in
 * time. It goes to `<file>.partial` and is renamed once complete and fsynced.
 */
export async function backupDatabase(sqlite: Database.Database, file: string): Promise<void> {
  if (existsSync(file)) throw new StoreError("EXISTS", `backup target ${file} already exists`);
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  try {
    await sqlite.backup(partial, { progress: () => BACKUP_PAGES_PER_STEP });
    fsyncFile(partial);
    renameSync(partial, file);
    fsyncFile(path.dirname(file));
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

export function fsyncFile(file: string): void {
  const fd = openSync(file, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

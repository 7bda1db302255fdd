/**
 * Restore, like `etcdctl snapshot restore` (docs/storage.md, "Backup and restore").
 */
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { fsyncFile } from "./backup.js";
import { type Connection, openConnection } from "./connection.js";
import { type ReplicaMeta, readMeta, updateMeta } from "./epochs.js";
import { StoreError } from "./errors.js";
import { STORE_FILE_NAME } from "./limits.js";
import { ReplicaStore, validateIdentity } from "./replica-store.js";

export interface RestoreOptions {
  /** The server id the restored replica runs as (the backup may come from another server). */
  readonly serverId: number;
  /** Rename the ensemble too (restoring a whole ensemble as a new one); default: keep the backup's. */
  readonly ensembleId?: string;
  readonly onWarning?: (message: string) => void;
}

/**
 * Creates a new store in `dir` from a backup file: copies it, rewrites the server id (and
 * optionally the ensemble id), runs full recovery on the copy, and only then moves it into place.
 * Refuses to overwrite an existing store.
 */
export function restoreReplica(backupFile: string, dir: string, options: RestoreOptions): ReplicaMeta {
  if (!existsSync(backupFile)) throw new StoreError("BAD_INPUT", `backup file ${backupFile} does not exist`);
  const target = path.join(dir, STORE_FILE_NAME);
  if (existsSync(target))
    throw new StoreError("EXISTS", `${target} already exists; restore only into an empty data dir`);
  mkdirSync(dir, { recursive: true });
  const staging = `${target}.restoring`;
  rmSync(staging, { force: true });
  try {
    copyFileSync(backupFile, staging);
    const ensembleId = renameMember(staging, options);
    validateIdentity({ serverId: options.serverId, ensembleId });
    const store = ReplicaStore.openFile(staging, { ...options, ensembleId });
    const meta = store.meta();
    store.close();
    fsyncFile(staging);
    renameSync(staging, target);
    fsyncFile(dir);
    return meta;
  } catch (error) {
    rmSync(staging, { force: true });
    rmSync(`${staging}-wal`, { force: true });
    rmSync(`${staging}-shm`, { force: true });
    throw error;
  }
}

/** Rewrites identity in the staged copy; returns the ensemble id it now carries. */
function renameMember(file: string, options: RestoreOptions): string {
  return withBackupMeta(file, (connection, meta) => {
    const ensembleId = options.ensembleId ?? meta.ensembleId;
    updateMeta(connection.db, { serverId: options.serverId, ensembleId });
    return ensembleId;
  });
}

/** Opens a (copied) backup file and hands `use` its replica metadata; BAD_INPUT when it is no Keel store. */
export function withBackupMeta<T>(file: string, use: (connection: Connection, meta: ReplicaMeta) => T): T {
  let connection: Connection;
  try {
    connection = openConnection(file);
  } catch (error) {
    throw new StoreError("BAD_INPUT", `backup file is not a readable SQLite store: ${String(error)}`);
  }
  try {
    const meta = readMeta(connection.db);
    if (meta === undefined) throw new StoreError("BAD_INPUT", "backup file holds no Keel replica metadata");
    return use(connection, meta);
  } finally {
    connection.sqlite.close();
  }
}

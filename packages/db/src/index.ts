/**
 * @keel/db: each replica's durable state (txn log, epochs, snapshots) in one SQLite file through
 * drizzle-orm and better-sqlite3. See docs/storage.md.
 */
export type { ReplicaMeta } from "./epochs.js";
export { isStoreError, StoreError, type StoreErrorReason } from "./errors.js";
export { GroupCommitLog, type GroupCommitStats } from "./group-commit-log.js";
export { FORMAT_VERSION, GROUP_COMMIT_ENTRIES_MAX, SNAPSHOT_CHUNK_BYTES_MAX, STORE_FILE_NAME } from "./limits.js";
export {
  openReplicaStore,
  type PurgeOptions,
  type PurgeResult,
  ReplicaStore,
  type ReplicaStoreOptions,
  type SnapshotInfo,
  SnapshotWrite,
} from "./replica-store.js";
export { type RestoreOptions, restoreReplica } from "./restore.js";
export { type BackupReport, verifyBackup } from "./verify-backup.js";

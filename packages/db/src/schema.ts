/**
 * The drizzle schema of one replica's SQLite file (docs/storage.md, "Schema"). drizzle-kit reads
 * this file to generate migrations/, so it imports nothing but drizzle (no relative imports).
 *
 * Every integer column goes through `int64`/`int32` because the connection reads all integers
 * as bigint (better-sqlite3 `defaultSafeIntegers`): a zxid is 64 bits and a JS number is exact
 * only to 2^53 (style rule 6).
 */
import { sql } from "drizzle-orm";
import { blob, check, customType, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** A signed 64-bit SQLite INTEGER read and written as a bigint (zxids, byte totals). */
export const int64 = customType<{ data: bigint; driverData: bigint | number }>({
  dataType: () => "integer",
  fromDriver: (value) => BigInt(value),
  toDriver: (value) => value,
});

/** An INTEGER that always fits a JS number exactly (ids, epochs, counts, CRCs). */
export const int32 = customType<{ data: number; driverData: bigint | number }>({
  dataType: () => "integer",
  fromDriver: (value) => Number(value),
  toDriver: (value) => value,
});

/** A rowid primary key: SQLite assigns it when the insert leaves it out. */
const rowId = customType<{ data: number; driverData: bigint | number; notNull: true; default: true }>({
  dataType: () => "integer",
  fromDriver: (value) => Number(value),
  toDriver: (value) => value,
});

/** Exactly one row (id = 1): who this replica is and its durable epochs (docs/protocol.md §1). */
export const replicaMeta = sqliteTable(
  "replica_meta",
  {
    id: int32("id").primaryKey(),
    formatVersion: int32("format_version").notNull(),
    serverId: int32("server_id").notNull(),
    ensembleId: text("ensemble_id").notNull(),
    acceptedEpoch: int32("accepted_epoch").notNull(),
    currentEpoch: int32("current_epoch").notNull(),
    /** The log holds every entry with zxid > logStartZxid (0: nothing was ever purged or replaced). */
    logStartZxid: int64("log_start_zxid").notNull(),
  },
  (table) => [check("replica_meta_single_row", sql`${table.id} = 1`)],
);

/**
 * The txn log. `zxid INTEGER PRIMARY KEY` is SQLite's rowid alias, so the log is clustered by
 * zxid: appends go to the right edge of one B-tree and range reads are sequential.
 * `checksum` is CRC-32C over the zxid's 8 big-endian bytes followed by `txn`.
 */
export const txnLog = sqliteTable("txn_log", {
  zxid: int64("zxid").primaryKey(),
  epoch: int32("epoch").notNull(),
  txn: blob("txn", { mode: "buffer" }).notNull(),
  checksum: int32("checksum").notNull(),
});

/**
 * One row per snapshot. `checksum` is CRC-32C over the manifest (zxid, chunk count, total bytes,
 * every chunk's checksum in order), so a missing, extra or reordered chunk is caught without
 * hashing the data twice. `complete` is 0 while an incremental writer is still adding chunks.
 */
export const snapshots = sqliteTable("snapshots", {
  id: rowId("id").primaryKey(),
  zxid: int64("zxid").notNull(),
  chunkCount: int32("chunk_count").notNull(),
  bytesTotal: int64("bytes_total").notNull(),
  checksum: int32("checksum").notNull(),
  complete: int32("complete").notNull(),
});

/** The chunks of a snapshot, in order; `checksum` is CRC-32C of `data`. */
export const snapshotChunks = sqliteTable(
  "snapshot_chunks",
  {
    snapshotId: int32("snapshot_id")
      .notNull()
      .references(() => snapshots.id, { onDelete: "cascade" }),
    chunkIndex: int32("chunk_index").notNull(),
    data: blob("data", { mode: "buffer" }).notNull(),
    checksum: int32("checksum").notNull(),
  },
  (table) => [primaryKey({ columns: [table.snapshotId, table.chunkIndex] })],
);

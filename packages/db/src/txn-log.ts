/**
 * The txn log table: append, range reads, truncation and purge (docs/storage.md, "Txn log").
 *
 * The append and read paths use prepared better-sqlite3 statements on the drizzle-managed
 * connection instead of drizzle's query builder: they run once per entry on the hot path, and a
 * prepared statement skips building and mapping the query each time (measured by `npm run bench`).
 * Cold paths (deletes) go through drizzle. The log's bounds are two prepared lookups at the
 * b-tree's edges (see the constructor: one query asking for both scans the table).
 */
import { assert, type LogEntry, type Zxid, zxidEpoch } from "@keel/core";
import type Database from "better-sqlite3";
import { asc, gt, lte } from "drizzle-orm";
import { logEntryChecksum } from "./checksums.js";
import type { Connection, Drizzle } from "./connection.js";
import { StoreError } from "./errors.js";
import { ZXID_STORABLE_MAX } from "./limits.js";
import { txnLog } from "./schema.js";

/** A row as SQLite returns it; typed loosely because a corrupt file can hold anything. */
interface RawLogRow {
  readonly zxid: unknown;
  readonly epoch: unknown;
  readonly txn: unknown;
  readonly checksum: unknown;
}

export type VerifiedRow =
  | { readonly ok: true; readonly entry: LogEntry }
  | { readonly ok: false; readonly zxid: bigint; readonly why: string };

/** Checks one row against its checksum and the zxid/epoch relation; never throws on bad data. */
export function verifyLogRow(row: RawLogRow): VerifiedRow {
  const zxid = typeof row.zxid === "bigint" ? row.zxid : -1n;
  if (zxid <= 0n) return { ok: false, zxid, why: `bad zxid ${String(row.zxid)}` };
  if (!(row.txn instanceof Uint8Array)) return { ok: false, zxid, why: "txn is not a blob" };
  if (typeof row.checksum !== "bigint" || typeof row.epoch !== "bigint")
    return { ok: false, zxid, why: "bad column type" };
  if (Number(row.epoch) !== zxidEpoch(zxid as Zxid))
    return { ok: false, zxid, why: `epoch ${row.epoch} != zxid epoch` };
  if (Number(row.checksum) !== logEntryChecksum(zxid as Zxid, row.txn))
    return { ok: false, zxid, why: "checksum mismatch" };
  return { ok: true, entry: { zxid: zxid as Zxid, txn: row.txn } };
}

export class TxnLog {
  readonly #db: Drizzle;
  readonly #insert: Database.Statement;
  readonly #after: Database.Statement;
  readonly #all: Database.Statement;
  readonly #first: Database.Statement;
  readonly #last: Database.Statement;

  constructor(connection: Connection) {
    this.#db = connection.db;
    const { sqlite } = connection;
    this.#insert = sqlite.prepare("INSERT INTO txn_log (zxid, epoch, txn, checksum) VALUES (?, ?, ?, ?)");
    this.#after = sqlite.prepare("SELECT zxid, epoch, txn, checksum FROM txn_log WHERE zxid > ? ORDER BY zxid LIMIT ?");
    this.#all = sqlite.prepare("SELECT zxid, epoch, txn, checksum FROM txn_log ORDER BY zxid");
    // Two statements, not one `SELECT min(zxid), max(zxid)`: SQLite answers a lone min() or max()
    // of the primary key from the b-tree's edge, but scans the whole table for both at once
    // (12.8 ms with 50,000 1 KiB txns against 1.6 µs), and a purge asks after every step: that
    // scan was 7% of a leader's CPU under a write load.
    this.#first = sqlite.prepare("SELECT zxid FROM txn_log ORDER BY zxid ASC LIMIT 1").pluck();
    this.#last = sqlite.prepare("SELECT zxid FROM txn_log ORDER BY zxid DESC LIMIT 1").pluck();
  }

  /** Inserts entries (the caller checked their order); runs inside the caller's transaction. */
  append(entries: readonly LogEntry[]): void {
    for (const { zxid, txn } of entries) {
      assert(zxid > 0n && zxid <= ZXID_STORABLE_MAX, `txn-log: zxid ${zxid} does not fit a signed 64-bit INTEGER`);
      assert(txn instanceof Uint8Array, "txn-log: txn must be a Uint8Array");
      const bytes = Buffer.from(txn.buffer, txn.byteOffset, txn.byteLength);
      this.#insert.run(zxid, zxidEpoch(zxid), bytes, logEntryChecksum(zxid, txn));
    }
  }

  /** Entries with zxid > after, verified: a checksum mismatch here is bit rot after start, a typed error. */
  entriesAfter(after: Zxid, countMax: number, bytesMax: number): LogEntry[] {
    assert(Number.isInteger(countMax) && countMax >= 1, `entriesAfter: countMax must be >= 1, got ${countMax}`);
    const entries: LogEntry[] = [];
    let bytesTotal = 0;
    for (const row of this.#after.iterate(after, countMax) as IterableIterator<RawLogRow>) {
      const verified = verifyLogRow(row);
      if (!verified.ok) throw new StoreError("CORRUPT", `txn log row ${verified.zxid}: ${verified.why}`);
      bytesTotal += verified.entry.txn.byteLength;
      if (entries.length > 0 && bytesTotal > bytesMax) break;
      entries.push(verified.entry);
    }
    return entries;
  }

  /** Every row in zxid order, unverified (recovery verifies and classifies them). */
  scan(): IterableIterator<RawLogRow> {
    return this.#all.iterate() as IterableIterator<RawLogRow>;
  }

  deleteAfter(zxid: Zxid): number {
    return this.#db.delete(txnLog).where(gt(txnLog.zxid, zxid)).run().changes;
  }

  deleteThrough(zxid: Zxid): number {
    return this.#db.delete(txnLog).where(lte(txnLog.zxid, zxid)).run().changes;
  }

  /** Deletes the oldest entries with zxid <= `through`, at most `countMax`; returns how many and the last one deleted. */
  deleteOldest(through: Zxid, countMax: number): { deleted: number; last: Zxid | undefined } {
    const rows = this.#db
      .select({ zxid: txnLog.zxid })
      .from(txnLog)
      .where(lte(txnLog.zxid, through))
      .orderBy(asc(txnLog.zxid))
      .limit(countMax)
      .all();
    const last = rows.at(-1)?.zxid as Zxid | undefined;
    if (last === undefined) return { deleted: 0, last };
    return { deleted: this.#db.delete(txnLog).where(lte(txnLog.zxid, last)).run().changes, last };
  }

  deleteAll(): number {
    return this.#db.delete(txnLog).run().changes;
  }

  /** Lowest and highest logged zxid, undefined when the log is empty. */
  bounds(): { first: Zxid; last: Zxid } | undefined {
    const first = this.#first.get() as bigint | undefined;
    const last = this.#last.get() as bigint | undefined;
    if (first === undefined || last === undefined) return undefined;
    return { first: first as Zxid, last: last as Zxid };
  }
}

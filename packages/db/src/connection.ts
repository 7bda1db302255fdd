/**
 * Opens one replica's SQLite file with the PRAGMAs durability depends on, then applies the
 * committed drizzle-kit migrations (docs/storage.md, "Durability").
 */
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { StoreError } from "./errors.js";
import * as schema from "./schema.js";

/** Works from both src/ (tests, tsx) and dist/ (built package): migrations/ sits beside both. */
const MIGRATIONS_FOLDER = fileURLToPath(new URL("../migrations", import.meta.url));

/** How long an opener waits by default for a previous owner (say, a replica still exiting) to release the file. */
const LOCK_WAIT_MS_DEFAULT = 2_000;
/** Checkpoint the WAL into the main file after about this many 4 KiB pages (~16 MiB). */
const WAL_AUTOCHECKPOINT_PAGES = 4_096;
/** After a checkpoint, shrink the WAL file back to at most this size so it does not keep a snapshot's worth of disk. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

export type Drizzle = BetterSQLite3Database<typeof schema>;

export interface Connection {
  readonly sqlite: Database.Database;
  readonly db: Drizzle;
}

export interface ConnectionOptions {
  /** Open read-only and skip migrations (used to inspect a backup file). */
  readonly readonly?: boolean;
  /** How long to wait for another process to release the file before failing with LOCKED. */
  readonly lockWaitMs?: number;
}

/**
 * WAL + synchronous=FULL: every COMMIT fsyncs the WAL before it returns, so "write() returned"
 * means "on disk" (with synchronous=NORMAL, WAL commits are not fsynced and a power loss can
 * drop the last transactions). foreign_keys makes deleting a snapshot cascade to its chunks.
 */
export function openConnection(file: string, options: ConnectionOptions = {}): Connection {
  const sqlite = new Database(file, { readonly: options.readonly === true, fileMustExist: options.readonly === true });
  try {
    sqlite.defaultSafeIntegers(true);
    sqlite.pragma(`busy_timeout = ${options.lockWaitMs ?? LOCK_WAIT_MS_DEFAULT}`);
    if (options.readonly !== true) {
      // One replica owns its file: EXCLUSIVE keeps the lock from the first access until close, so a
      // second server pointed at the same dir fails fast instead of interleaving writes. The kernel
      // drops the lock when the process dies, so a crashed replica's successor can open it.
      sqlite.pragma("locking_mode = EXCLUSIVE");
      const journalMode = sqlite.pragma("journal_mode = WAL", { simple: true });
      if (journalMode !== "wal") throw new Error(`SQLite refused WAL mode (got ${String(journalMode)}) for ${file}`);
      sqlite.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    }
    sqlite.pragma("synchronous = FULL");
    sqlite.pragma("foreign_keys = ON");
    const synchronous = sqlite.pragma("synchronous", { simple: true });
    if (BigInt(synchronous as bigint | number) !== 2n)
      throw new Error(`SQLite synchronous is ${String(synchronous)}, not FULL`);
    const db = drizzle(sqlite, { schema });
    if (options.readonly !== true) migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    return { sqlite, db };
  } catch (error) {
    sqlite.close();
    if (error instanceof Error && "code" in error && error.code === "SQLITE_BUSY") {
      throw new StoreError("LOCKED", `${file} is open in another process (one replica per data dir)`);
    }
    throw error;
  }
}

/** Every bound the store enforces, in one place (style rule 4). */

/** The on-disk format this code writes and the only one it opens (bump with a migration + upgrade path). */
export const FORMAT_VERSION = 1;

/** The data file inside a replica's data dir. */
export const STORE_FILE_NAME = "keel.db";

/**
 * Zxids are stored as SQLite INTEGER, a signed 64-bit value, so epoch must stay below 2^31
 * (2^31 leader elections: far beyond any real ensemble's life).
 */
export const ZXID_STORABLE_MAX = (1n << 63n) - 1n;

/** One snapshot chunk must stay well under SQLite's 1e9-byte blob limit (SQLITE_MAX_LENGTH). */
export const SNAPSHOT_CHUNK_BYTES_MAX = 256 * 1024 * 1024;

/** Snapshots a purge must keep: at least the newest one, or nothing would rebuild the state. */
export const SNAPSHOTS_TO_KEEP_MIN = 1;

/** Group commit flushes at once when this many entries wait, so one turn cannot build an unbounded transaction. */
export const GROUP_COMMIT_ENTRIES_MAX = 10_000;

/**
 * Snapshot storage: a header row per snapshot (zxid, chunk count, bytes, manifest checksum, state)
 * and chunk rows with per-chunk checksums (docs/storage.md, "Snapshots"). Snapshots are opaque:
 * the store never parses a chunk. A snapshot row is in one of three states: being written by the
 * host's incremental writer, complete, or staged from a leader's SNAP; only complete ones are
 * ever read as state, and open() drops the other two.
 */
import { assert, type Snapshot, type SnapshotHeader, type StagedChunks, type Zxid } from "@keel/core";
import type Database from "better-sqlite3";
import { and, desc, eq, gt, lt, ne } from "drizzle-orm";
import { chunkChecksum, snapshotChecksum } from "./checksums.js";
import type { Connection, Drizzle } from "./connection.js";
import { SNAPSHOT_CHUNK_BYTES_MAX, ZXID_STORABLE_MAX } from "./limits.js";
import { snapshots } from "./schema.js";

/** What the store knows about a snapshot without reading its chunks. */
export interface SnapshotInfo {
  readonly id: number;
  readonly zxid: Zxid;
  readonly chunkCount: number;
  readonly bytesTotal: bigint;
  readonly checksum: number;
}

/**
 * The `complete` column: a row is being written, complete (usable), staged by a SNAP transfer, or
 * doomed (purged: hidden at once, its chunks deleted a few at a time).
 */
export const SNAPSHOT_STATE = { writing: 0, complete: 1, staged: 2, doomed: 3 } as const;

export function headerOf(info: SnapshotInfo): SnapshotHeader {
  return { zxid: info.zxid, chunkCount: info.chunkCount, bytesTotal: Number(info.bytesTotal), checksum: info.checksum };
}

export type LoadedSnapshot =
  | { readonly ok: true; readonly snapshot: Snapshot }
  | { readonly ok: false; readonly why: string };

interface RawChunkRow {
  readonly chunk_index: unknown;
  readonly data: unknown;
  readonly checksum: unknown;
}

export class SnapshotStore {
  readonly #db: Drizzle;
  readonly #insertChunk: Database.Statement;
  readonly #chunks: Database.Statement;
  readonly #chunk: Database.Statement;
  readonly #byZxid: Database.Statement;
  readonly #stagedRow: Database.Statement;
  readonly #chunkStats: Database.Statement;
  readonly #setHeader: Database.Statement;
  readonly #deleteChunks: Database.Statement;

  constructor(connection: Connection) {
    this.#db = connection.db;
    const { sqlite } = connection;
    this.#chunk = sqlite.prepare(
      "SELECT data, checksum FROM snapshot_chunks WHERE snapshot_id = ? AND chunk_index = ?",
    );
    this.#byZxid = sqlite.prepare(
      `SELECT id FROM snapshots WHERE zxid = ? AND complete = ${SNAPSHOT_STATE.complete} ORDER BY id DESC LIMIT 1`,
    );
    this.#stagedRow = sqlite.prepare(
      `SELECT id, zxid, chunk_count, bytes_total, checksum FROM snapshots WHERE complete = ${SNAPSHOT_STATE.staged} ORDER BY id DESC LIMIT 1`,
    );
    this.#chunkStats = sqlite.prepare(
      "SELECT count(*) AS n, coalesce(max(chunk_index), -1) AS last FROM snapshot_chunks WHERE snapshot_id = ?",
    );
    this.#deleteChunks = sqlite.prepare(
      "DELETE FROM snapshot_chunks WHERE snapshot_id = ? AND chunk_index IN (SELECT chunk_index FROM snapshot_chunks WHERE snapshot_id = ? ORDER BY chunk_index LIMIT ?)",
    );
    this.#setHeader = sqlite.prepare(
      "UPDATE snapshots SET chunk_count = ?, bytes_total = ?, checksum = ?, complete = ? WHERE id = ?",
    );
    this.#insertChunk = connection.sqlite.prepare(
      "INSERT INTO snapshot_chunks (snapshot_id, chunk_index, data, checksum) VALUES (?, ?, ?, ?)",
    );
    this.#chunks = connection.sqlite.prepare(
      "SELECT chunk_index, data, checksum FROM snapshot_chunks WHERE snapshot_id = ? ORDER BY chunk_index",
    );
  }

  /** Writes a complete snapshot; runs inside the caller's transaction. */
  insert(snapshot: Snapshot): SnapshotInfo {
    assert(snapshot.zxid >= 0n && snapshot.zxid <= ZXID_STORABLE_MAX, `snapshot: zxid ${snapshot.zxid} out of range`);
    const checksums: number[] = [];
    let bytesTotal = 0n;
    for (const chunk of snapshot.chunks) {
      assert(chunk instanceof Uint8Array, "snapshot: every chunk must be a Uint8Array");
      assert(
        chunk.byteLength <= SNAPSHOT_CHUNK_BYTES_MAX,
        `snapshot: chunk of ${chunk.byteLength} bytes over the limit`,
      );
      checksums.push(chunkChecksum(chunk));
      bytesTotal += BigInt(chunk.byteLength);
    }
    const checksum = snapshotChecksum(snapshot.zxid, bytesTotal, checksums);
    const row = this.#db
      .insert(snapshots)
      .values({ zxid: snapshot.zxid, chunkCount: checksums.length, bytesTotal, checksum, complete: 1 })
      .returning({ id: snapshots.id })
      .get();
    snapshot.chunks.forEach((chunk, index) => {
      const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      this.#insertChunk.run(row.id, index, bytes, checksums[index]);
    });
    return { id: row.id, zxid: snapshot.zxid, chunkCount: checksums.length, bytesTotal, checksum };
  }

  /** Chunk `index` of the complete snapshot at `zxid`, verified; undefined when missing, `corrupt` on a checksum mismatch. */
  readChunk(zxid: Zxid, index: number): Uint8Array | "corrupt" | undefined {
    const row = this.#byZxid.get(zxid) as { id: unknown } | undefined;
    if (row === undefined) return undefined;
    const chunk = this.#chunk.get(row.id, index) as { data: unknown; checksum: unknown } | undefined;
    if (chunk === undefined || !(chunk.data instanceof Uint8Array)) return undefined;
    return chunkChecksum(chunk.data) === Number(chunk.checksum) ? chunk.data : "corrupt";
  }

  // ---- SNAP staging (docs/storage.md, "Staged snapshot chunks"); runs inside the write transaction

  /** Stages received chunks; a run starting at chunk 0 first discards whatever was staged (a new transfer). */
  stage(staged: StagedChunks): void {
    const first = staged.chunks[0];
    if (first === undefined) return;
    const { header } = staged;
    const id = first.index === 0 ? this.#startStaging(header) : this.#stagedIdFor(header);
    const stats = this.#chunkStats.get(id) as { n: bigint; last: bigint };
    let next = Number(stats.n);
    for (const chunk of staged.chunks) {
      assert(chunk.index === next, `stage: chunk ${chunk.index} while ${next} is next`);
      assert(chunk.data.byteLength <= SNAPSHOT_CHUNK_BYTES_MAX, "stage: chunk over the limit");
      this.#insertChunk.run(
        id,
        chunk.index,
        Buffer.from(chunk.data.buffer, chunk.data.byteOffset, chunk.data.byteLength),
        chunk.checksum,
      );
      next += 1;
    }
  }

  /**
   * Makes the fully staged snapshot `header` describes the only snapshot: every other one (and any
   * half-written local one) is deleted. Core verified the manifest as the chunks arrived; the
   * chunk count is checked here again, so a partly staged snapshot can never become current.
   */
  installStaged(header: SnapshotHeader): SnapshotInfo {
    // An empty snapshot has no chunk to stage: its transfer is the header alone.
    const id = header.chunkCount === 0 ? this.#startStaging(header) : this.#stagedIdFor(header);
    const stats = this.#chunkStats.get(id) as { n: bigint };
    assert(Number(stats.n) === header.chunkCount, `install: ${stats.n} of ${header.chunkCount} chunks staged`);
    this.#db.delete(snapshots).where(ne(snapshots.id, id)).run();
    this.#db.update(snapshots).set({ complete: SNAPSHOT_STATE.complete }).where(eq(snapshots.id, id)).run();
    return {
      id,
      zxid: header.zxid,
      chunkCount: header.chunkCount,
      bytesTotal: BigInt(header.bytesTotal),
      checksum: header.checksum,
    };
  }

  /** A new transfer: whatever an earlier one staged goes. */
  #startStaging(header: SnapshotHeader): number {
    this.#db.delete(snapshots).where(eq(snapshots.complete, SNAPSHOT_STATE.staged)).run();
    return this.#db
      .insert(snapshots)
      .values({
        zxid: header.zxid,
        chunkCount: header.chunkCount,
        bytesTotal: BigInt(header.bytesTotal),
        checksum: header.checksum,
        complete: SNAPSHOT_STATE.staged,
      })
      .returning({ id: snapshots.id })
      .get().id;
  }

  #stagedIdFor(header: SnapshotHeader): number {
    const row = this.#stagedRow.get() as
      | { id: bigint; zxid: bigint; chunk_count: bigint; bytes_total: bigint; checksum: bigint }
      | undefined;
    assert(
      row !== undefined &&
        row.zxid === header.zxid &&
        Number(row.chunk_count) === header.chunkCount &&
        Number(row.bytes_total) === header.bytesTotal &&
        Number(row.checksum) === header.checksum,
      "stage: no staged transfer matches this header",
    );
    return Number(row.id);
  }

  // ---- the host's incremental writer (docs/storage.md, "Incremental snapshots")

  /** Starts a snapshot at `zxid` in state `writing`; chunks follow in separate short transactions. */
  begin(zxid: Zxid): number {
    assert(zxid >= 0n && zxid <= ZXID_STORABLE_MAX, `snapshot: zxid ${zxid} out of range`);
    return this.#db
      .insert(snapshots)
      .values({ zxid, chunkCount: 0, bytesTotal: 0n, checksum: 0, complete: SNAPSHOT_STATE.writing })
      .returning({ id: snapshots.id })
      .get().id;
  }

  /** Appends the next chunk of a snapshot being written; returns its checksum. */
  appendChunk(id: number, index: number, chunk: Uint8Array): number {
    assert(chunk.byteLength <= SNAPSHOT_CHUNK_BYTES_MAX, `snapshot: chunk of ${chunk.byteLength} bytes over the limit`);
    const checksum = chunkChecksum(chunk);
    this.#insertChunk.run(id, index, Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), checksum);
    return checksum;
  }

  /** Seals a written snapshot: the header row gets its totals and manifest and becomes complete. */
  seal(id: number, zxid: Zxid, bytesTotal: bigint, chunkChecksums: readonly number[]): SnapshotInfo {
    const checksum = snapshotChecksum(zxid, bytesTotal, chunkChecksums);
    const changed = this.#setHeader.run(
      chunkChecksums.length,
      bytesTotal,
      checksum,
      SNAPSHOT_STATE.complete,
      id,
    ).changes;
    assert(changed === 1, `snapshot ${id} vanished while it was written`);
    return { id, zxid, chunkCount: chunkChecksums.length, bytesTotal, checksum };
  }

  /** True while the row `id` still exists in state `writing` (a SNAP install deletes it). */
  isWriting(id: number): boolean {
    const row = this.#db.select({ complete: snapshots.complete }).from(snapshots).where(eq(snapshots.id, id)).get();
    return row?.complete === SNAPSHOT_STATE.writing;
  }

  /** Complete snapshots, newest first. */
  list(): SnapshotInfo[] {
    return this.#db
      .select()
      .from(snapshots)
      .where(eq(snapshots.complete, SNAPSHOT_STATE.complete))
      .orderBy(desc(snapshots.zxid), desc(snapshots.id))
      .all()
      .map((row) => ({
        id: row.id,
        zxid: row.zxid as Zxid,
        chunkCount: row.chunkCount,
        bytesTotal: row.bytesTotal,
        checksum: row.checksum,
      }));
  }

  latest(): SnapshotInfo | undefined {
    return this.list()[0];
  }

  /** Reads and verifies every chunk and the manifest; never throws on bad data. */
  load(info: SnapshotInfo): LoadedSnapshot {
    const chunks: Uint8Array[] = [];
    const checksums: number[] = [];
    let bytesTotal = 0n;
    for (const row of this.#chunks.iterate(info.id) as IterableIterator<RawChunkRow>) {
      if (row.chunk_index !== BigInt(chunks.length)) return { ok: false, why: `chunk ${chunks.length} is missing` };
      if (!(row.data instanceof Uint8Array) || typeof row.checksum !== "bigint") {
        return { ok: false, why: `chunk ${chunks.length} has bad column types` };
      }
      const checksum = chunkChecksum(row.data);
      if (checksum !== Number(row.checksum)) return { ok: false, why: `chunk ${chunks.length} checksum mismatch` };
      chunks.push(row.data);
      checksums.push(checksum);
      bytesTotal += BigInt(row.data.byteLength);
    }
    if (chunks.length !== info.chunkCount)
      return { ok: false, why: `${chunks.length} chunks, expected ${info.chunkCount}` };
    if (bytesTotal !== info.bytesTotal) return { ok: false, why: `${bytesTotal} bytes, expected ${info.bytesTotal}` };
    if (snapshotChecksum(info.zxid, bytesTotal, checksums) !== info.checksum) {
      return { ok: false, why: "manifest checksum mismatch" };
    }
    return { ok: true, snapshot: { zxid: info.zxid, chunks } };
  }

  /** Hides a purged snapshot at once; its chunks go later, a few per `deleteDoomedChunks`. */
  doom(id: number): void {
    this.#db.update(snapshots).set({ complete: SNAPSHOT_STATE.doomed }).where(eq(snapshots.id, id)).run();
  }

  /** Deletes at most `countMax` chunks of doomed snapshots, and the rows left empty; true when none is left. */
  deleteDoomedChunks(countMax: number): boolean {
    const doomed = this.#db
      .select({ id: snapshots.id })
      .from(snapshots)
      .where(eq(snapshots.complete, SNAPSHOT_STATE.doomed))
      .all();
    let budget = countMax;
    for (const { id } of doomed) {
      if (budget <= 0) return false;
      budget -= this.#deleteChunks.run(id, id, budget).changes;
      if ((this.#chunkStats.get(id) as { n: bigint }).n === 0n) this.delete(id);
      else return false;
    }
    return true;
  }

  /** Deletes one snapshot; its chunks go with it (ON DELETE CASCADE). */
  delete(id: number): void {
    this.#db.delete(snapshots).where(eq(snapshots.id, id)).run();
  }

  deleteAbove(zxid: Zxid): number {
    return this.#db.delete(snapshots).where(gt(snapshots.zxid, zxid)).run().changes;
  }

  deleteBelow(zxid: Zxid): number {
    return this.#db.delete(snapshots).where(lt(snapshots.zxid, zxid)).run().changes;
  }

  /** Rows an interrupted writer or a torn SNAP transfer left behind (not complete). */
  deleteIncomplete(): number {
    return this.#db.delete(snapshots).where(ne(snapshots.complete, SNAPSHOT_STATE.complete)).run().changes;
  }

  /** Deletes a snapshot at the same zxid as `zxid` other than `keepId` (saving twice at one zxid replaces). */
  deleteSameZxid(zxid: Zxid, keepId: number): number {
    return this.#db
      .delete(snapshots)
      .where(and(eq(snapshots.zxid, zxid), ne(snapshots.id, keepId)))
      .run().changes;
  }
}

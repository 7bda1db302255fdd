/**
 * Snapshot storage: chunked rows with per-chunk checksums plus a manifest checksum
 * (docs/storage.md, "Snapshots"). Snapshots are opaque: the store never parses a chunk.
 */
import { assert, type Snapshot, type Zxid } from "@keel/core";
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

  constructor(connection: Connection) {
    this.#db = connection.db;
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

  /** Complete snapshots, newest first. */
  list(): SnapshotInfo[] {
    return this.#db
      .select()
      .from(snapshots)
      .where(eq(snapshots.complete, 1))
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

  /** Deletes one snapshot; its chunks go with it (ON DELETE CASCADE). */
  delete(id: number): void {
    this.#db.delete(snapshots).where(eq(snapshots.id, id)).run();
  }

  deleteAll(): number {
    return this.#db.delete(snapshots).run().changes;
  }

  deleteAbove(zxid: Zxid): number {
    return this.#db.delete(snapshots).where(gt(snapshots.zxid, zxid)).run().changes;
  }

  deleteBelow(zxid: Zxid): number {
    return this.#db.delete(snapshots).where(lt(snapshots.zxid, zxid)).run().changes;
  }

  /** Rows an interrupted writer left behind (complete = 0). */
  deleteIncomplete(): number {
    return this.#db.delete(snapshots).where(ne(snapshots.complete, 1)).run().changes;
  }

  /** Deletes a snapshot at the same zxid as `zxid` other than `keepId` (saving twice at one zxid replaces). */
  deleteSameZxid(zxid: Zxid, keepId: number): number {
    return this.#db
      .delete(snapshots)
      .where(and(eq(snapshots.zxid, zxid), ne(snapshots.id, keepId)))
      .run().changes;
  }
}

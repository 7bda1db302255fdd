/**
 * The snapshot manifest checksum, shared by the store (its header row) and SNAP (the learner
 * verifies a transfer against the header the leader sent): CRC-32C over the zxid (u64), the chunk
 * count (u64), the total bytes (u64), then every chunk's CRC-32C (u32) in order, all big-endian.
 * A missing, extra, reordered or altered chunk changes it, without hashing the data twice.
 */
import { crc32c } from "../codec/crc32c.js";
import type { Zxid } from "../ids.js";
import type { Snapshot, SnapshotHeader } from "./io.js";

/** Computes the manifest checksum one chunk checksum at a time (a transfer never holds them all). */
export class ManifestChecksum {
  private crc: number;
  private readonly word = new Uint8Array(4);

  constructor(zxid: Zxid, chunkCount: number, bytesTotal: number) {
    const prefix = new Uint8Array(24);
    const view = new DataView(prefix.buffer);
    view.setBigUint64(0, BigInt.asUintN(64, zxid));
    view.setBigUint64(8, BigInt(chunkCount));
    view.setBigUint64(16, BigInt(bytesTotal));
    this.crc = crc32c(prefix);
  }

  addChunk(chunkChecksum: number): void {
    new DataView(this.word.buffer).setUint32(0, chunkChecksum >>> 0);
    this.crc = crc32c(this.word, this.crc);
  }

  get value(): number {
    return this.crc;
  }
}

export function manifestChecksum(zxid: Zxid, bytesTotal: number, chunkChecksums: readonly number[]): number {
  const manifest = new ManifestChecksum(zxid, chunkChecksums.length, bytesTotal);
  for (const checksum of chunkChecksums) manifest.addChunk(checksum);
  return manifest.value;
}

/** The header of an in-memory snapshot (the simulator's disk, tests). */
export function snapshotHeaderOf(snapshot: Snapshot): SnapshotHeader {
  const checksums = snapshot.chunks.map((chunk) => crc32c(chunk));
  const bytesTotal = snapshot.chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  return {
    zxid: snapshot.zxid,
    chunkCount: snapshot.chunks.length,
    bytesTotal,
    checksum: manifestChecksum(snapshot.zxid, bytesTotal, checksums),
  };
}

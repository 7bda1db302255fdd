/**
 * The checksums every row carries (docs/storage.md, "Checksums"). They use core's CRC-32C so the
 * log, the wire and snapshots agree on one function.
 */
import { crc32c, manifestChecksum, type Zxid } from "@keel/core";

function int64Bytes(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt.asUintN(64, value));
  return bytes;
}

/** CRC-32C over the zxid (8 bytes, big-endian) then the txn: a row moved to another zxid fails too. */
export function logEntryChecksum(zxid: Zxid, txn: Uint8Array): number {
  return crc32c(txn, crc32c(int64Bytes(zxid)));
}

export function chunkChecksum(data: Uint8Array): number {
  return crc32c(data);
}

/**
 * CRC-32C over the manifest: zxid, chunk count, total bytes, then each chunk's checksum in order.
 * Core's manifestChecksum is the one definition: a SNAP header carries the same value.
 */
export function snapshotChecksum(zxid: Zxid, bytesTotal: bigint, chunkChecksums: readonly number[]): number {
  return manifestChecksum(zxid, Number(bytesTotal), chunkChecksums);
}

/** Deterministic test data, free of vitest so the crash child process can import it too. Not built. */
import { type Epoch, type LogEntry, zxid } from "@keel/core";

/** Deterministic txn bytes for (epoch, counter): tests can recompute what must be stored. */
export function txnFor(epoch: number, counter: number, bytes = 32): Uint8Array {
  const txn = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) txn[i] = (epoch * 31 + counter * 7 + i) & 0xff;
  return txn;
}

/** Entries epoch:from .. epoch:to inclusive. */
export function entries(epoch: number, from: number, to: number, bytes = 32): LogEntry[] {
  const result: LogEntry[] = [];
  for (let counter = from; counter <= to; counter++)
    result.push({ zxid: zxid(epoch, counter), txn: txnFor(epoch, counter, bytes) });
  return result;
}

export function epochs(accepted: number, current = accepted): { acceptedEpoch: Epoch; currentEpoch: Epoch } {
  return { acceptedEpoch: accepted as Epoch, currentEpoch: current as Epoch };
}

/** The crash child's batch sizes: 1..13 entries, varied so a torn batch could not hide at a round number. */
export function batchSize(batch: number): number {
  return 1 + ((batch * 7) % 13);
}

/** The batch that follows a log ending at `counter` (a batch boundary), so a restarted child keeps the schedule. */
export function nextBatch(counter: number): number {
  let end = 0;
  let batch = 1;
  while (end < counter) {
    end += batchSize(batch);
    batch += 1;
  }
  if (end !== counter) throw new Error(`counter ${counter} is not a batch boundary`);
  return batch;
}

/** Bytes per fake znode record: a path, a stat-sized block and some data, about what the tree serializer writes. */
const FAKE_STAT_BYTES = 80;
const FAKE_DATA_BYTES = 40;

/**
 * A stand-in for a serialized tree of `znodeCount` znodes (~150 bytes each) in chunks of about
 * `chunkBytes`: records of [u16 length][path][stat][data]. The store sees opaque chunks, so only
 * size and shape matter; `countFakeZnodes` reads them back.
 */
export function fakeTreeChunks(znodeCount: number, chunkBytes: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let chunk = Buffer.alloc(chunkBytes);
  let offset = 0;
  for (let i = 0; i < znodeCount; i++) {
    const pathText = `/keel/services/app-${i % 97}/members/node-${i.toString().padStart(10, "0")}`;
    const recordBytes = 2 + pathText.length + FAKE_STAT_BYTES + FAKE_DATA_BYTES;
    if (offset + recordBytes > chunkBytes) {
      chunks.push(chunk.subarray(0, offset));
      chunk = Buffer.alloc(chunkBytes);
      offset = 0;
    }
    chunk.writeUInt16BE(recordBytes - 2, offset);
    chunk.write(pathText, offset + 2, "latin1");
    chunk.fill(i & 0xff, offset + 2 + pathText.length, offset + recordBytes);
    offset += recordBytes;
  }
  if (offset > 0) chunks.push(chunk.subarray(0, offset));
  return chunks;
}

export function countFakeZnodes(chunks: readonly Uint8Array[]): number {
  let count = 0;
  for (const chunk of chunks) {
    const view = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    for (let offset = 0; offset < view.length; offset += 2 + view.readUInt16BE(offset)) count += 1;
  }
  return count;
}

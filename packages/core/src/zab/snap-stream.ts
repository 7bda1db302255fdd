/**
 * The two ends of a SNAP transfer (docs/protocol.md, "SNAP stream"), kept apart from the roles so
 * the flow control and the verification are small and testable on their own.
 *
 * The leader sends SNAP (the header), then SNAPCHUNK 0..n-1 read lazily from its store, never more
 * than SNAP_WINDOW_CHUNKS_MAX ahead of the learner's cumulative SNAPACK. The learner checks each
 * chunk's position and size, stages it durably, acks it after the write, and installs the snapshot
 * only when the last chunk is in and the manifest checksum matches the header. A transfer that
 * breaks for any reason is not resumed: the next sync starts a new one at chunk 0.
 */
import { crc32c } from "../codec/crc32c.js";
import { SNAP_WINDOW_CHUNKS_MAX, SNAPSHOT_TRANSFER_CHUNK_BYTES_MAX } from "../limits.js";
import type { SnapshotHeader } from "./io.js";
import { ManifestChecksum } from "./snapshot-manifest.js";

/**
 * Leader side: which chunk goes next and how many are unacknowledged. Sending is also ack-clocked:
 * each chunk spends one credit; a SNAPACK returns one credit per chunk it newly acknowledges and a
 * tick adds one when none is left. So the window fills one chunk per tick and then each ack
 * releases one chunk: a step sends about as many chunks as acks arrived, never a burst of reads and
 * encodes that would hold the leader's event loop (and its PINGs) for long.
 */
export class SnapSender {
  /** Next chunk index to send. */
  nextIndex = 0;
  /** Chunks the learner has staged durably (its SNAPACKs are cumulative). */
  ackedCount = 0;
  private credit = 1;

  constructor(
    readonly header: SnapshotHeader,
    private readonly windowChunks = SNAP_WINDOW_CHUNKS_MAX,
  ) {}

  /** Every chunk has been sent (acks may still be outstanding: entries after the snapshot may follow). */
  get allSent(): boolean {
    return this.nextIndex >= this.header.chunkCount;
  }

  /** True while chunks remain, the window has room and a credit is left. */
  canSend(): boolean {
    return !this.allSent && this.credit > 0 && this.nextIndex - this.ackedCount < this.windowChunks;
  }

  sent(): void {
    this.nextIndex += 1;
    this.credit -= 1;
  }

  /** A SNAPACK for `index`; false when it acknowledges a chunk never sent (a confused peer, ignored). */
  onAck(index: number): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.nextIndex) return false;
    if (index + 1 > this.ackedCount) {
      this.credit += index + 1 - this.ackedCount;
      this.ackedCount = index + 1;
    }
    return true;
  }

  /** A tick: one more chunk may go (how the window fills up to its size). */
  tick(): void {
    if (this.credit === 0) this.credit = 1;
  }
}

export type ReceiveResult =
  | { readonly type: "CHUNK"; readonly checksum: number; readonly complete: boolean }
  | { readonly type: "ERROR"; readonly reason: string };

/** Learner side: verifies chunks as they arrive, in order, against the header. */
export class SnapReceiver {
  private next = 0;
  private bytes = 0;
  private readonly manifest: ManifestChecksum;

  constructor(readonly header: SnapshotHeader) {
    this.manifest = new ManifestChecksum(header.zxid, header.chunkCount, header.bytesTotal);
  }

  /** Chunks received so far. */
  get received(): number {
    return this.next;
  }

  /** A header announcing no chunks is complete at once (when it verifies). */
  emptyComplete(): ReceiveResult | undefined {
    if (this.header.chunkCount !== 0) return undefined;
    return this.verifyEnd(0);
  }

  accept(index: number, data: Uint8Array): ReceiveResult {
    if (index !== this.next) return { type: "ERROR", reason: `chunk ${index} while expecting ${this.next}` };
    if (index >= this.header.chunkCount) return { type: "ERROR", reason: `chunk ${index} beyond the announced count` };
    if (data.byteLength > SNAPSHOT_TRANSFER_CHUNK_BYTES_MAX) return { type: "ERROR", reason: "chunk too large" };
    if (this.bytes + data.byteLength > this.header.bytesTotal) {
      return { type: "ERROR", reason: "chunks exceed the announced bytes" };
    }
    const checksum = crc32c(data);
    this.manifest.addChunk(checksum);
    this.bytes += data.byteLength;
    this.next += 1;
    if (this.next < this.header.chunkCount) return { type: "CHUNK", checksum, complete: false };
    return this.verifyEnd(checksum);
  }

  private verifyEnd(checksum: number): ReceiveResult {
    if (this.bytes !== this.header.bytesTotal) return { type: "ERROR", reason: "byte total differs from the header" };
    if (this.manifest.value !== this.header.checksum) return { type: "ERROR", reason: "manifest checksum mismatch" };
    return { type: "CHUNK", checksum, complete: true };
  }
}

/**
 * Memory storage for one simulated replica: implements core's `LogReader` and applies
 * `DurableWrite`s exactly as io.ts specifies. The driver persists synchronously, so whatever this
 * holds is "durable"; a crash loses the replica object (and any Ready it was in the middle of).
 */
import { assert } from "../assert.js";
import type { Epoch, Zxid } from "../ids.js";
import { ZXID_ZERO } from "../ids.js";
import type { DurableWrite, LogEntry, LogReader, ReplicaEpochs, Snapshot, SnapshotHeader } from "../zab/io.js";
import { snapshotHeaderOf } from "../zab/snapshot-manifest.js";

export class MemoryDisk implements LogReader {
  entries: LogEntry[] = [];
  snapshot: Snapshot | undefined;
  private header: SnapshotHeader | undefined;
  /** SNAP chunks staged and not yet installed (dropped by `open`, as the SQLite store drops them). */
  staged: { header: SnapshotHeader; chunks: Uint8Array[] } | undefined;
  acceptedEpoch = 0 as Epoch;
  currentEpoch = 0 as Epoch;
  writes = 0;

  lastLoggedZxid(): Zxid {
    return this.entries.at(-1)?.zxid ?? this.snapshot?.zxid ?? ZXID_ZERO;
  }

  firstLoggedZxid(): Zxid | undefined {
    return this.entries[0]?.zxid;
  }

  private indexAfter(after: Zxid): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.entries[mid] as LogEntry).zxid <= after) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  entriesAfter(after: Zxid, countMax: number, bytesMax: number): LogEntry[] {
    const out: LogEntry[] = [];
    let bytes = 0;
    for (let i = this.indexAfter(after); i < this.entries.length && out.length < countMax; i++) {
      const entry = this.entries[i] as LogEntry;
      if (out.length > 0 && bytes + entry.txn.length > bytesMax) break;
      out.push(entry);
      bytes += entry.txn.length;
    }
    return out;
  }

  latestSnapshotHeader(): SnapshotHeader | undefined {
    return this.header;
  }

  snapshotChunk(zxid: Zxid, index: number): Uint8Array | undefined {
    return this.snapshot?.zxid === zxid ? this.snapshot.chunks[index] : undefined;
  }

  /** What a restart does to the disk: a torn SNAP transfer is discarded, never loaded. */
  open(): void {
    this.staged = undefined;
  }

  epochs(): ReplicaEpochs {
    return { acceptedEpoch: this.acceptedEpoch, currentEpoch: this.currentEpoch };
  }

  find(zxid: Zxid): LogEntry | undefined {
    const entry = this.entries[this.indexAfter((zxid - 1n) as Zxid)];
    return entry?.zxid === zxid ? entry : undefined;
  }

  write(write: DurableWrite): void {
    this.writes += 1;
    if (write.stageChunks !== undefined) this.stage(write.stageChunks.header, write.stageChunks.chunks);
    if (write.installSnapshot !== undefined) {
      const header = write.installSnapshot;
      // An empty snapshot has no chunk to stage: its transfer is the header alone.
      if (header.chunkCount === 0) this.staged = { header, chunks: [] };
      const { staged } = this;
      assert(staged !== undefined && staged.header === header, "disk: installing a snapshot that is not staged");
      assert(staged.chunks.length === header.chunkCount, "disk: installing a partly staged snapshot");
      this.setSnapshot({ zxid: header.zxid, chunks: staged.chunks });
      assert(this.header?.checksum === header.checksum, "disk: staged snapshot differs from its header");
      this.staged = undefined;
      this.entries = [];
    }
    if (write.truncateAfter !== undefined) this.entries.length = this.indexAfter(write.truncateAfter);
    for (const entry of write.entries) {
      assert(entry.zxid > this.lastLoggedZxid(), "disk: appended zxids must strictly increase");
      this.entries.push(entry);
    }
    if (write.acceptedEpoch !== undefined) this.acceptedEpoch = write.acceptedEpoch;
    if (write.currentEpoch !== undefined) this.currentEpoch = write.currentEpoch;
    assert(this.currentEpoch <= this.acceptedEpoch, "disk: currentEpoch above acceptedEpoch");
  }

  private stage(header: SnapshotHeader, chunks: readonly { index: number; data: Uint8Array }[]): void {
    const first = chunks[0];
    if (first === undefined) return;
    if (first.index === 0) this.staged = { header, chunks: [] };
    const { staged } = this;
    assert(staged !== undefined && staged.header.checksum === header.checksum, "disk: chunks of an unknown transfer");
    for (const chunk of chunks) {
      assert(chunk.index === staged.chunks.length, "disk: staged chunks out of order");
      staged.chunks.push(chunk.data);
    }
  }

  private setSnapshot(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.header = snapshotHeaderOf(snapshot);
  }

  /** The host's own snapshot of applied state; purges the entries it covers (keeps io.ts's invariant). */
  takeSnapshot(snapshot: Snapshot): void {
    assert(snapshot.zxid <= this.lastLoggedZxid(), "disk: snapshot beyond the log");
    this.setSnapshot(snapshot);
    this.entries = this.entries.slice(this.indexAfter(snapshot.zxid));
  }
}

/**
 * The replica's view of its log: what is durable (read through `LogReader`) plus what it has asked
 * to write and is not yet durable (etcd raft's "unstable"). Writes accumulate into one
 * `DurableWrite` that `Ready` hands to the host; `advance()` forgets them once durable.
 */
import { assert } from "../assert.js";
import type { Epoch, Zxid } from "../ids.js";
import { ZXID_ZERO } from "../ids.js";
import type { DurableWrite, LogEntry, LogReader, SnapshotHeader, StagedChunk, StagedChunks } from "./io.js";
import { RecentEntries } from "./recent-entries.js";

export class ReplicaLog {
  private unstable: LogEntry[] = [];
  private truncateAfter: Zxid | undefined;
  /** SNAP chunks to stage (durable, not yet current). */
  private staged: { header: SnapshotHeader; chunks: StagedChunk[] } | undefined;
  /** A fully staged snapshot to install, replacing the whole log. */
  private snapshot: SnapshotHeader | undefined;
  private acceptedEpochPending: Epoch | undefined;
  private currentEpochPending: Epoch | undefined;
  /** The durable tail, in memory: what was just written is streamed and applied without a storage read. */
  private readonly recent = new RecentEntries();

  constructor(readonly reader: LogReader) {}

  /** Highest zxid this replica holds, counting writes not yet durable. */
  lastLogged(): Zxid {
    const last = this.unstable.at(-1);
    if (last !== undefined) return last.zxid;
    if (this.snapshot !== undefined) return this.snapshot.zxid;
    const durable = this.reader.lastLoggedZxid();
    if (this.truncateAfter !== undefined && durable > this.truncateAfter) return this.truncateAfter;
    return durable;
  }

  /** Highest zxid already durable. */
  lastDurable(): Zxid {
    return this.reader.lastLoggedZxid();
  }

  acceptedEpoch(): Epoch {
    return this.acceptedEpochPending ?? this.reader.epochs().acceptedEpoch;
  }

  currentEpoch(): Epoch {
    return this.currentEpochPending ?? this.reader.epochs().currentEpoch;
  }

  /** Zxid covered by the newest snapshot (pending or durable), 0 when none. */
  snapshotZxid(): Zxid {
    return this.snapshotHeader()?.zxid ?? ZXID_ZERO;
  }

  /** Header of the newest snapshot (pending install or durable); no chunk is read. */
  snapshotHeader(): SnapshotHeader | undefined {
    return this.snapshot ?? this.reader.latestSnapshotHeader();
  }

  hasPendingWrite(): boolean {
    return (
      this.unstable.length > 0 ||
      this.truncateAfter !== undefined ||
      this.staged !== undefined ||
      this.snapshot !== undefined ||
      this.acceptedEpochPending !== undefined ||
      this.currentEpochPending !== undefined
    );
  }

  append(entries: readonly LogEntry[]): void {
    let last = this.lastLogged();
    for (const entry of entries) {
      assert(entry.zxid > last, "log: appended zxids must strictly increase");
      last = entry.zxid;
      this.unstable.push(entry);
    }
  }

  /** Drops every entry after `zxid` (TRUNC). Composes with earlier pending writes. */
  truncate(zxid: Zxid): void {
    this.unstable = this.unstable.filter((entry) => entry.zxid <= zxid);
    if (this.snapshot !== undefined) {
      assert(zxid >= this.snapshot.zxid, "log: truncating below a snapshot being installed");
      return;
    }
    if (this.reader.lastLoggedZxid() > zxid) {
      assert(this.unstable.length === 0, "log: truncate below durable with unstable entries left");
      this.truncateAfter = this.truncateAfter === undefined || zxid < this.truncateAfter ? zxid : this.truncateAfter;
    }
  }

  /**
   * Stages one received SNAP chunk (durable with the next write, not current). Chunk 0 starts a new
   * transfer: chunks staged before it, pending or durable, are discarded.
   */
  stageChunk(header: SnapshotHeader, chunk: StagedChunk): void {
    if (chunk.index === 0 || this.staged === undefined) this.staged = { header, chunks: [] };
    assert(this.staged.header === header, "log: staged chunks of two transfers in one write");
    const last = this.staged.chunks.at(-1);
    assert(last === undefined || last.index + 1 === chunk.index, "log: staged chunks out of order");
    this.staged.chunks.push(chunk);
  }

  /** Replaces the whole log with the fully staged snapshot `header` describes (SNAP complete). */
  installSnapshot(header: SnapshotHeader): void {
    this.unstable = [];
    this.truncateAfter = undefined;
    this.snapshot = header;
  }

  setAcceptedEpoch(value: Epoch): void {
    assert(value >= this.acceptedEpoch(), "log: acceptedEpoch must not decrease");
    this.acceptedEpochPending = value;
  }

  setCurrentEpoch(value: Epoch): void {
    assert(value >= this.currentEpoch(), "log: currentEpoch must not decrease");
    assert(value <= this.acceptedEpoch(), "log: currentEpoch above acceptedEpoch");
    this.currentEpochPending = value;
  }

  /** True when the replica's history holds `zxid` (0 and the snapshot's zxid always count). */
  contains(zxid: Zxid): boolean {
    if (zxid === ZXID_ZERO || zxid === this.snapshotZxid()) return true;
    if (zxid < this.snapshotZxid()) return false;
    const found = this.entriesAfter((zxid - 1n) as Zxid, 1, 0)[0];
    return found?.zxid === zxid;
  }

  /** Entries after `after` in zxid order: at most `countMax`, about `bytesMax` bytes, at least one if any. */
  entriesAfter(after: Zxid, countMax: number, bytesMax: number): LogEntry[] {
    if (this.snapshot === undefined) {
      const durableLast = this.reader.lastLoggedZxid();
      const limit = this.truncateAfter ?? durableLast;
      if (after < durableLast && after < limit) {
        const source = this.recent.covers(after)
          ? this.recent.after(after, countMax, bytesMax)
          : this.reader.entriesAfter(after, countMax, bytesMax);
        const durable = source.filter((entry) => entry.zxid <= limit);
        if (durable.length > 0) return durable;
      }
    }
    const out: LogEntry[] = [];
    let bytes = 0;
    for (const entry of this.unstable) {
      if (entry.zxid <= after) continue;
      if (out.length >= countMax || (out.length > 0 && bytes + entry.txn.length > bytesMax)) break;
      out.push(entry);
      bytes += entry.txn.length;
    }
    return out;
  }

  /** Hands the pending write to `Ready`; the replica's view already reflects it. */
  takeWrite(): DurableWrite | undefined {
    if (!this.hasPendingWrite()) return undefined;
    const write: { -readonly [K in keyof DurableWrite]: DurableWrite[K] } = { entries: this.unstable };
    if (this.staged !== undefined) write.stageChunks = this.staged satisfies StagedChunks;
    if (this.snapshot !== undefined) write.installSnapshot = this.snapshot;
    if (this.truncateAfter !== undefined) write.truncateAfter = this.truncateAfter;
    if (this.acceptedEpochPending !== undefined) write.acceptedEpoch = this.acceptedEpochPending;
    if (this.currentEpochPending !== undefined) write.currentEpoch = this.currentEpochPending;
    return write;
  }

  /** The write returned by `takeWrite` is durable: read it back through the reader from now on. */
  markDurable(write: DurableWrite): void {
    const last = write.entries.at(-1);
    if (last !== undefined) assert(this.reader.lastLoggedZxid() === last.zxid, "log: persisted entries not visible");
    if (write.acceptedEpoch !== undefined)
      assert(this.reader.epochs().acceptedEpoch === write.acceptedEpoch, "log: acceptedEpoch not persisted");
    if (write.currentEpoch !== undefined)
      assert(this.reader.epochs().currentEpoch === write.currentEpoch, "log: currentEpoch not persisted");
    // Same order as the write itself: snapshot, truncate, append.
    if (write.installSnapshot !== undefined) this.recent.clear();
    if (write.truncateAfter !== undefined) this.recent.truncateAfter(write.truncateAfter);
    this.recent.push(write.entries);
    this.unstable = [];
    this.truncateAfter = undefined;
    this.staged = undefined;
    this.snapshot = undefined;
    this.acceptedEpochPending = undefined;
    this.currentEpochPending = undefined;
  }
}

/**
 * The seam between the pure replica and the storage that the caller owns (layout.md, "How the
 * pieces meet"). Core never writes storage: it *reads* through the synchronous, read-only
 * `LogReader` (like etcd raft's `Storage`) and *asks* for writes through `DurableWrite` in
 * `Ready`. packages/db implements both over SQLite; the simulator over memory.
 */
import type { Epoch, Zxid } from "../ids.js";

/** One logged txn. `txn` is opaque to ZAB: the state machine's codec defines it. */
export interface LogEntry {
  readonly zxid: Zxid;
  readonly txn: Uint8Array;
}

/**
 * A serialized state machine (tree + sessions) that covers every txn up to and including `zxid`.
 * It comes in chunks so that a large tree can be written, stored and sent without one huge buffer
 * and across several event-loop turns.
 */
export interface Snapshot {
  readonly zxid: Zxid;
  readonly chunks: readonly Uint8Array[];
}

/**
 * What a store knows about a snapshot without reading its chunks (the header row): enough to plan a
 * SNAP and to verify a transfer. `checksum` is the manifest CRC (zab/snapshot-manifest.ts) over the
 * zxid, chunk count, total bytes and every chunk's CRC-32C in order.
 */
export interface SnapshotHeader {
  readonly zxid: Zxid;
  readonly chunkCount: number;
  readonly bytesTotal: number;
  readonly checksum: number;
}

/** Snapshot chunks received through SNAP, staged (durable, not yet current) in index order. */
export interface StagedChunks {
  readonly header: SnapshotHeader;
  /** Consecutive chunks; a run starting at index 0 discards whatever was staged before (a new transfer). */
  readonly chunks: readonly StagedChunk[];
}

export interface StagedChunk {
  readonly index: number;
  readonly data: Uint8Array;
  /** CRC-32C of `data`, computed by the receiver as it arrived. */
  readonly checksum: number;
}

/** The epochs every replica persists (docs/protocol.md §1). */
export interface ReplicaEpochs {
  /** The last epoch this replica promised to follow (set before sending ACKEPOCH). */
  readonly acceptedEpoch: Epoch;
  /** The epoch of the last leader whose NEWLEADER it acknowledged. */
  readonly currentEpoch: Epoch;
}

/**
 * Read-only, synchronous view of what is durable. Invariant kept by every implementation: every
 * entry after the latest snapshot is still in the log (purging only removes entries a snapshot
 * covers), so "latest snapshot + entries after it" always rebuilds the logged history.
 */
export interface LogReader {
  /** Highest logged zxid, or the latest snapshot's zxid if the log after it is empty, or 0. */
  lastLoggedZxid(): Zxid;
  /** Lowest zxid still in the log, or undefined when the log is empty. */
  firstLoggedZxid(): Zxid | undefined;
  /** Entries with zxid > `after`, in zxid order, at most `countMax` entries and about `bytesMax` bytes (at least one entry if any). */
  entriesAfter(after: Zxid, countMax: number, bytesMax: number): LogEntry[];
  /** The newest durable (installed) snapshot's header, if any; cheap (no chunk is read). */
  latestSnapshotHeader(): SnapshotHeader | undefined;
  /**
   * Chunk `index` of the installed snapshot at `zxid`, read on demand (so a leader streams a big
   * snapshot without holding it), or undefined when that snapshot is gone (replaced or purged) or
   * the chunk fails its checksum.
   */
  snapshotChunk(zxid: Zxid, index: number): Uint8Array | undefined;
  epochs(): ReplicaEpochs;
}

/**
 * One durable write, performed atomically and fsynced before the driver continues. The parts are
 * applied in this order: stage `stageChunks` (SNAP chunks, not yet current), install
 * `installSnapshot` (the staged snapshot with that header, complete and verified, becomes current
 * and replaces the whole log: entries after it follow in `entries`), then `truncateAfter` (drop
 * every entry with zxid > it), then append `entries` (strictly increasing, all greater than what
 * remains), then set the epochs. A store discards staged chunks when it opens: a torn transfer is
 * never loaded.
 */
export interface DurableWrite {
  readonly stageChunks?: StagedChunks;
  readonly installSnapshot?: SnapshotHeader;
  readonly truncateAfter?: Zxid;
  readonly entries: readonly LogEntry[];
  readonly acceptedEpoch?: Epoch;
  readonly currentEpoch?: Epoch;
}

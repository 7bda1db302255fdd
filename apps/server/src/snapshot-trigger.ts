/**
 * When the host starts a periodic snapshot. Counting txns alone (ZooKeeper's snapCount) does not
 * bound what a restart replays: one multi of 1,000 creates is one txn, so 100,000 of them is a
 * whole tree's worth of log. So a snapshot is also due once the txns applied since the last one
 * reach a number of bytes (ZooKeeper's snapSizeLimitInKb plays this part, at 4 GB).
 *
 * The bytes threshold is `everyBytes` or an eighth of the newest snapshot's size, whichever is
 * larger: replay after a restart then costs a fraction of loading the snapshot (replaying a txn
 * costs more per znode than restoring one), while the snapshot bytes written per logged byte
 * stay at most 8 (a fixed small threshold would rewrite a 1 GiB tree every few MiB of writes).
 */
import type { LogEntry } from "@keel/core";

export interface SnapshotPolicy {
  /** Txns applied since the last snapshot that make the next one due. */
  readonly everyTxns: number;
  /** Bytes of txns applied since the last snapshot that make the next one due (at least). */
  readonly everyBytes: number;
}

/** The bytes threshold grows with the tree: a snapshot is due after 1/SIZE_DIVISOR of its size in log. */
export const SNAPSHOT_SIZE_DIVISOR = 8;

export class SnapshotTrigger {
  private txns = 0;
  private bytes = 0;

  constructor(
    private readonly policy: SnapshotPolicy,
    /** Size of the newest snapshot on disk (0 when there is none). */
    private lastSnapshotBytes = 0,
  ) {}

  /** Counts txns the state just applied. */
  applied(entries: readonly LogEntry[]): void {
    this.txns += entries.length;
    for (const entry of entries) this.bytes += entry.txn.length;
  }

  /** Bytes of applied txns that make a snapshot due now. */
  get bytesThreshold(): number {
    return Math.max(this.policy.everyBytes, Math.floor(this.lastSnapshotBytes / SNAPSHOT_SIZE_DIVISOR));
  }

  /** What made a snapshot due, or undefined when none is. */
  due(): "txns" | "bytes" | undefined {
    if (this.txns >= this.policy.everyTxns) return "txns";
    if (this.bytes >= this.bytesThreshold) return "bytes";
    return undefined;
  }

  /** A snapshot of the state as it is now was started: count afresh from here. */
  started(): void {
    this.txns = 0;
    this.bytes = 0;
  }

  /** A snapshot of `bytes` bytes was committed (or installed from the leader). */
  written(bytes: number): void {
    this.lastSnapshotBytes = bytes;
  }

  get txnsSince(): number {
    return this.txns;
  }

  get bytesSince(): number {
    return this.bytes;
  }
}

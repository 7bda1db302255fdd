/**
 * A bounded ring of recently applied txns and their node changes, by zxid, so a watch stream can
 * resume after zxid Z by replaying exactly what it missed, or learn that Z is older than what is
 * kept (docs/data-model.md §7: Keel's improvement on setWatches). Not replicated: each replica keeps its own.
 */
import { assert } from "../assert.js";
import { ZXID_ZERO, type Zxid } from "../ids.js";
import { HISTORY_CHANGES_MAX } from "../limits.js";
import type { SessionEndReason } from "../tree/delete-cause.js";
import type { NodeChange, TxnResult } from "../tree/results.js";
import type { TxnHeader, TxnType } from "../tree/txn.js";

export interface HistoryEntry {
  readonly zxid: Zxid;
  readonly header: TxnHeader;
  readonly txnType: TxnType;
  readonly result: TxnResult;
  readonly changes: readonly NodeChange[];
  /** For a closeSession: whether the client closed it or it was expired (by the leader or an operator). */
  readonly sessionEnd?: SessionEndReason;
  /** For a closeSession: the ended session's recorded client address (the record is gone once applied). */
  readonly clientAddress?: string;
}

export type HistoryRead =
  | { readonly type: "ok"; readonly entries: readonly HistoryEntry[] }
  /** `floorZxid`: the oldest zxid a stream can still resume after. */
  | { readonly type: "tooOld"; readonly floorZxid: Zxid };

export class TxnHistory {
  private readonly ring: (HistoryEntry | undefined)[];
  private start = 0;
  private length = 0;
  /** Every entry with zxid > floor is in the ring. */
  private floor: Zxid;
  /** Sum of the kept entries' weights (their change counts, at least 1 each). */
  private weight = 0;

  constructor(
    readonly capacity: number,
    floorZxid: Zxid = ZXID_ZERO,
    /** Bound on the kept entries' changes in all (HISTORY_CHANGES_MAX), besides `capacity` entries. */
    readonly changesMax = HISTORY_CHANGES_MAX,
  ) {
    assert(Number.isInteger(capacity) && capacity > 0, "history capacity must be positive");
    assert(Number.isInteger(changesMax) && changesMax > 0, "history changesMax must be positive");
    this.ring = new Array(capacity);
    this.floor = floorZxid;
  }

  push(entry: HistoryEntry): void {
    const last =
      this.length === 0 ? this.floor : (this.ring[(this.start + this.length - 1) % this.capacity] as HistoryEntry).zxid;
    assert(entry.zxid > last, () => `history: zxid ${entry.zxid} not after ${last}`);
    const weight = weightOf(entry);
    while (this.length > 0 && (this.length === this.capacity || this.weight + weight > this.changesMax)) {
      this.dropOldest();
    }
    this.ring[(this.start + this.length) % this.capacity] = entry;
    this.length++;
    this.weight += weight;
  }

  private dropOldest(): void {
    const oldest = this.ring[this.start] as HistoryEntry;
    this.floor = oldest.zxid;
    this.weight -= weightOf(oldest);
    this.ring[this.start] = undefined;
    this.start = (this.start + 1) % this.capacity;
    this.length--;
  }

  /** Entries with zxid > `after`, oldest first, at most `countMax`; tooOld when some were evicted. */
  after(after: Zxid, countMax = Number.MAX_SAFE_INTEGER): HistoryRead {
    if (after < this.floor) return { type: "tooOld", floorZxid: this.floor };
    const entries: HistoryEntry[] = [];
    // Binary search for the first entry after `after`: entries are in zxid order.
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.at(mid).zxid <= after) low = mid + 1;
      else high = mid;
    }
    for (let i = low; i < this.length && entries.length < countMax; i++) entries.push(this.at(i));
    return { type: "ok", entries };
  }

  private at(index: number): HistoryEntry {
    return this.ring[(this.start + index) % this.capacity] as HistoryEntry;
  }

  /** Forgets everything (after a snapshot restore): only txns after `floorZxid` can be replayed. */
  reset(floorZxid: Zxid): void {
    this.ring.fill(undefined);
    this.start = 0;
    this.length = 0;
    this.weight = 0;
    this.floor = floorZxid;
  }

  get floorZxid(): Zxid {
    return this.floor;
  }

  get size(): number {
    return this.length;
  }
}

/** What an entry costs the history: its changes (each with a result behind it), at least 1. */
function weightOf(entry: HistoryEntry): number {
  return Math.max(1, entry.changes.length);
}

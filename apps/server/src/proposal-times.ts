/**
 * When this leader logged each recent proposal, by zxid, so the console can say how long a
 * learner's oldest unacknowledged proposal has waited (`lagMs`). Core knows no time, so the host
 * keeps this beside it. A fixed ring: proposals older than the last PROPOSAL_TIMES_MAX are
 * forgotten, and a learner further behind reports the age of the oldest one kept (a lower bound).
 */
import { assert, type Zxid } from "@keel/core";

export const PROPOSAL_TIMES_MAX = 8192;

export class ProposalTimes {
  private readonly zxids: BigUint64Array;
  private readonly atMs: Float64Array;
  /** Slot of the oldest kept entry; entries run `size` slots from it (wrapping), zxids increasing. */
  private head = 0;
  private size = 0;

  constructor(readonly capacity = PROPOSAL_TIMES_MAX) {
    assert(Number.isInteger(capacity) && capacity > 0, "proposal ring capacity must be positive");
    this.zxids = new BigUint64Array(capacity);
    this.atMs = new Float64Array(capacity);
  }

  /** Records `zxid`, logged at `atMs`. A zxid not after the last one (a new term after a truncation) starts over. */
  record(zxid: Zxid, atMs: number): void {
    if (this.size > 0 && zxid <= this.zxidAt(this.size - 1)) this.clear();
    const slot = (this.head + this.size) % this.capacity;
    this.zxids[slot] = zxid;
    this.atMs[slot] = atMs;
    if (this.size < this.capacity) this.size += 1;
    else this.head = (this.head + 1) % this.capacity;
  }

  clear(): void {
    this.head = 0;
    this.size = 0;
  }

  /** When the first kept proposal after `zxid` was logged; undefined when none is kept. */
  firstAfterMs(zxid: Zxid): number | undefined {
    let low = 0;
    let high = this.size;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.zxidAt(middle) <= zxid) low = middle + 1;
      else high = middle;
    }
    return low < this.size ? (this.atMs[(this.head + low) % this.capacity] as number) : undefined;
  }

  private zxidAt(index: number): bigint {
    return this.zxids[(this.head + index) % this.capacity] as bigint;
  }
}

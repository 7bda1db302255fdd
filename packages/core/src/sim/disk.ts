/**
 * Memory storage for one simulated replica: implements core's `LogReader` and applies
 * `DurableWrite`s exactly as io.ts specifies. The driver persists synchronously, so whatever this
 * holds is "durable"; a crash loses the replica object (and any Ready it was in the middle of).
 */
import { assert } from "../assert.js";
import type { Epoch, Zxid } from "../ids.js";
import { ZXID_ZERO } from "../ids.js";
import type { DurableWrite, LogEntry, LogReader, ReplicaEpochs, Snapshot } from "../zab/io.js";

export class MemoryDisk implements LogReader {
  entries: LogEntry[] = [];
  snapshot: Snapshot | undefined;
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

  latestSnapshot(): Snapshot | undefined {
    return this.snapshot;
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
    if (write.snapshot !== undefined) {
      this.snapshot = write.snapshot;
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

  /** The host's own snapshot of applied state; purges the entries it covers (keeps io.ts's invariant). */
  takeSnapshot(snapshot: Snapshot): void {
    assert(snapshot.zxid <= this.lastLoggedZxid(), "disk: snapshot beyond the log");
    this.snapshot = snapshot;
    this.entries = this.entries.slice(this.indexAfter(snapshot.zxid));
  }
}

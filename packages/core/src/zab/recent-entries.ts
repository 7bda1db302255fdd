/**
 * The durable tail of the log, kept in memory so the hot paths (a leader streaming proposals to
 * its learners, every replica handing committed txns to its state machine) read entries it has
 * just written from memory instead of back from storage, as ZooKeeper applies from its in-memory
 * queue. Bounded by count and bytes: older entries are dropped first and read from the
 * `LogReader` as before, so the cache only ever changes speed, never answers.
 */
import { assert } from "../assert.js";
import type { Zxid } from "../ids.js";
import { RECENT_LOG_BYTES_MAX, RECENT_LOG_ENTRIES_MAX } from "../limits.js";
import type { LogEntry } from "./io.js";

export class RecentEntries {
  private entries: LogEntry[] = [];
  /** Index of the oldest kept entry; the array is compacted when half of it is dead. */
  private head = 0;
  private bytes = 0;

  constructor(
    private readonly entriesMax = RECENT_LOG_ENTRIES_MAX,
    private readonly bytesMax = RECENT_LOG_BYTES_MAX,
  ) {}

  get size(): number {
    return this.entries.length - this.head;
  }

  /** Appends entries that just became durable, right after the last kept one. */
  push(entries: readonly LogEntry[]): void {
    for (const entry of entries) {
      const last = this.entries.at(-1);
      assert(this.size === 0 || (last !== undefined && entry.zxid > last.zxid), "recent: zxids must increase");
      this.entries.push(entry);
      this.bytes += entry.txn.length;
    }
    while (this.size > 0 && (this.size > this.entriesMax || this.bytes > this.bytesMax)) this.dropOldest();
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Forgets every entry after `zxid` (the log was truncated there). */
  truncateAfter(zxid: Zxid): void {
    while (this.size > 0 && (this.entries.at(-1) as LogEntry).zxid > zxid) {
      this.bytes -= (this.entries.pop() as LogEntry).txn.length;
    }
  }

  clear(): void {
    this.entries = [];
    this.head = 0;
    this.bytes = 0;
  }

  /**
   * True when every durable entry after `after` is here: `after` is at or past the oldest kept
   * entry (zxids are not contiguous across epochs, so nothing below it can be vouched for).
   */
  covers(after: Zxid): boolean {
    const first = this.entries[this.head];
    return first !== undefined && after >= first.zxid;
  }

  /** Entries after `after`: at most `countMax`, about `bytesMax` bytes (at least one if any). */
  after(after: Zxid, countMax: number, bytesMax: number): LogEntry[] {
    let low = this.head;
    let high = this.entries.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.entries[mid] as LogEntry).zxid <= after) low = mid + 1;
      else high = mid;
    }
    const out: LogEntry[] = [];
    let bytes = 0;
    for (let i = low; i < this.entries.length && out.length < countMax; i++) {
      const entry = this.entries[i] as LogEntry;
      if (out.length > 0 && bytes + entry.txn.length > bytesMax) break;
      out.push(entry);
      bytes += entry.txn.length;
    }
    return out;
  }

  private dropOldest(): void {
    const entry = this.entries[this.head] as LogEntry;
    this.bytes -= entry.txn.length;
    this.entries[this.head] = undefined as unknown as LogEntry; // let it be collected
    this.head += 1;
  }
}

/**
 * Changes prepared but not yet applied (ZooKeeper's outstandingChanges / ChangeRecord). Prepare
 * validates each request against the tree *seen through* this overlay, so a pipelined setData
 * after an unapplied create finds the node, and two creates under one parent get different
 * sequential numbers. Keyed by path, so a lookup is O(1); applies drop records in zxid order.
 */
import { assert } from "../assert.js";
import type { SessionId, Zxid } from "../ids.js";
import type { NodeView } from "./znode.js";

export interface NodeSource {
  /** The node at `path` as the next prepared txn will find it; undefined when absent. */
  view(path: string): NodeView | undefined;
}

export interface NodeSink extends NodeSource {
  /** Records the node's state after the txn being prepared (null: deleted). */
  put(path: string, view: NodeView | null): void;
}

/** A writable view over a source; used alone for one multi's scratch space. */
export class ChangeOverlay implements NodeSink {
  readonly changes = new Map<string, NodeView | null>();

  constructor(private readonly base: NodeSource) {}

  view(path: string): NodeView | undefined {
    const change = this.changes.get(path);
    if (change !== undefined) return change ?? undefined;
    return this.base.view(path);
  }

  put(path: string, view: NodeView | null): void {
    this.changes.set(path, view);
  }
}

interface PendingRecord {
  readonly zxid: Zxid;
  readonly view: NodeView | null;
}

export class PendingChanges implements NodeSink {
  private readonly records = new Map<string, PendingRecord>();
  /** Paths touched per prepared zxid, oldest first, so applied ones can be dropped cheaply. */
  private readonly queue: { zxid: Zxid; paths: string[] }[] = [];
  private queueHead = 0;
  /** Ephemerals created by pending txns, per owner, so closeSession can find them before they apply. */
  private readonly pendingEphemerals = new Map<SessionId, Set<string>>();
  private readonly ephemeralOwnerByPath = new Map<string, SessionId>();
  private currentZxid: Zxid | undefined;

  constructor(private readonly base: NodeSource) {}

  /** Starts recording the changes of the txn to be proposed at `zxid` (must increase). */
  begin(zxid: Zxid): void {
    const last = this.queue[this.queue.length - 1];
    assert(last === undefined || zxid > last.zxid, () => `pending: zxid ${zxid} not increasing`);
    this.currentZxid = zxid;
  }

  view(path: string): NodeView | undefined {
    const record = this.records.get(path);
    if (record !== undefined) return record.view ?? undefined;
    return this.base.view(path);
  }

  put(path: string, view: NodeView | null): void {
    const zxid = this.currentZxid;
    assert(zxid !== undefined, "pending.put outside begin()");
    this.records.set(path, { zxid, view });
    let entry = this.queue[this.queue.length - 1];
    if (entry === undefined || entry.zxid !== zxid || this.queue.length === this.queueHead) {
      entry = { zxid, paths: [] };
      this.queue.push(entry);
    }
    entry.paths.push(path);
    if (view !== null && view.kind === "ephemeral") {
      let paths = this.pendingEphemerals.get(view.ephemeralOwner);
      if (paths === undefined) {
        paths = new Set();
        this.pendingEphemerals.set(view.ephemeralOwner, paths);
      }
      paths.add(path);
      this.ephemeralOwnerByPath.set(path, view.ephemeralOwner);
    }
  }

  /** Moves a multi's scratch changes in, all at the current zxid. */
  merge(scratch: ChangeOverlay): void {
    for (const [path, view] of scratch.changes) this.put(path, view);
  }

  /** Ephemeral paths of `sessionId` created by pending txns (they may since have been deleted: check view()). */
  pendingEphemeralsOf(sessionId: SessionId): ReadonlySet<string> | undefined {
    return this.pendingEphemerals.get(sessionId);
  }

  /** Forgets every record written at or before `zxid`, which the tree now reflects. */
  dropThrough(zxid: Zxid): void {
    while (this.queueHead < this.queue.length) {
      const entry = this.queue[this.queueHead];
      assert(entry !== undefined, "pending queue hole");
      if (entry.zxid > zxid) break;
      for (const path of entry.paths) {
        const record = this.records.get(path);
        if (record !== undefined && record.zxid === entry.zxid) {
          this.records.delete(path);
          this.forgetEphemeral(path);
        }
      }
      this.queueHead++;
    }
    if (this.queueHead === this.queue.length) {
      this.queue.length = 0;
      this.queueHead = 0;
    } else if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
  }

  private forgetEphemeral(path: string): void {
    const owner = this.ephemeralOwnerByPath.get(path);
    if (owner === undefined) return;
    this.ephemeralOwnerByPath.delete(path);
    const paths = this.pendingEphemerals.get(owner);
    paths?.delete(path);
    if (paths?.size === 0) this.pendingEphemerals.delete(owner);
  }

  clear(): void {
    this.records.clear();
    this.queue.length = 0;
    this.queueHead = 0;
    this.pendingEphemerals.clear();
    this.ephemeralOwnerByPath.clear();
    this.currentZxid = undefined;
  }

  get size(): number {
    return this.records.size;
  }
}

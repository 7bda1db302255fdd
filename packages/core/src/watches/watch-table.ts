/**
 * Watches of one server (not replicated): one-shot data/exist/child watches and persistent /
 * persistent-recursive watches (docs/data-model.md §7), per watcher id (a connection or
 * a watch stream). `trigger` turns the node changes of one applied txn into the events each
 * watcher must receive, in change order. The host delivers them *before* the reply of that txn,
 * so a client sees the event before the data that caused it (docs/data-model.md, "How a write flows").
 *
 * A watcher may carry a persistent-event filter (setPersistentEventFilter): an event that reaches
 * it only through a persistent or persistent-recursive watch is dropped unless the filter passes
 * its path. One-shot watches need none: reading the node to set one already checked READ.
 */
import { type KeelError, keelError } from "../errors.js";
import type { Zxid } from "../ids.js";
import { WATCHES_PER_WATCHER_MAX } from "../limits.js";
import type { Acl } from "../tree/acl.js";
import type { DeleteCause } from "../tree/delete-cause.js";
import { parentPath } from "../tree/path.js";
import type { NodeChange } from "../tree/results.js";

export type WatcherId = number;

/** data: getData / exists on an existing node; exist: exists on a missing node; child: getChildren. */
export type OneShotWatchKind = "data" | "exist" | "child";
export type PersistentWatchMode = "persistent" | "persistentRecursive";
/** removeWatches types: CHILDREN 1, DATA 2, ANY 3 (persistent watches are removed by ANY). */
export type RemoveWatchType = "children" | "data" | "any";

export type WatchEventType = "nodeCreated" | "nodeDeleted" | "nodeDataChanged" | "nodeChildrenChanged";

export interface WatchEvent {
  readonly type: WatchEventType;
  readonly path: string;
  /** The zxid of the txn that fired it, so a stream can resume after it. */
  readonly zxid: Zxid;
  /** On nodeDeleted only: why the node went, from the committed txn (tree/delete-cause.ts). */
  readonly cause?: DeleteCause;
  /** The node's ACL when it changed (NodeChange.acl), to judge who may hear of it; absent on nodeChildrenChanged. */
  readonly acl?: Acl;
}

type Registry = Map<string, Set<WatcherId>>;

/**
 * Whether a watcher may see an event about `path`, asked when the event fires (after its txn
 * applied): the ZooKeeper port passes KeelReads.canSeeEvent with the connection's identities.
 */
/** `acl`: the node's ACL when the change happened (NodeChange.acl); absent for nodeChildrenChanged. */
export type WatchEventFilter = (path: string, acl: Acl | undefined) => boolean;

export class WatchTable {
  // Exist and data watches share one registry, as in ZooKeeper: the same events fire them.
  private readonly data: Registry = new Map();
  private readonly child: Registry = new Map();
  private readonly persistent: Registry = new Map();
  private readonly recursive: Registry = new Map();
  private readonly countByWatcher = new Map<WatcherId, number>();
  private readonly persistentFilters = new Map<WatcherId, WatchEventFilter>();

  constructor(private readonly watchesPerWatcherMax = WATCHES_PER_WATCHER_MAX) {}

  /** Sets a one-shot watch; setting the same one twice keeps one (it fires once). */
  addOneShot(watcher: WatcherId, path: string, kind: OneShotWatchKind): KeelError | undefined {
    return this.add(kind === "child" ? this.child : this.data, watcher, path);
  }

  /** addWatch: the node need not exist. */
  addPersistent(watcher: WatcherId, path: string, mode: PersistentWatchMode): KeelError | undefined {
    return this.add(mode === "persistent" ? this.persistent : this.recursive, watcher, path);
  }

  private add(registry: Registry, watcher: WatcherId, path: string): KeelError | undefined {
    let watchers = registry.get(path);
    if (watchers?.has(watcher) === true) return undefined;
    const count = this.countByWatcher.get(watcher) ?? 0;
    if (count >= this.watchesPerWatcherMax) {
      return keelError("THROTTLEDOP", `watcher ${watcher} already holds ${count} watches`, path);
    }
    if (watchers === undefined) {
      watchers = new Set();
      registry.set(path, watchers);
    }
    watchers.add(watcher);
    this.countByWatcher.set(watcher, count + 1);
    return undefined;
  }

  /**
   * Filters the events `watcher` gets through its persistent and persistent-recursive watches
   * (undefined: none). Without it a persistent-recursive watch on / would report the paths of
   * nodes the watcher may not read (ZooKeeper's CVE-2024-23944). Dropped with removeWatcher.
   */
  setPersistentEventFilter(watcher: WatcherId, filter: WatchEventFilter | undefined): void {
    if (filter === undefined) this.persistentFilters.delete(watcher);
    else this.persistentFilters.set(watcher, filter);
  }

  /**
   * removeWatches(path, type): CHILDREN removes the child watch; DATA the data/exist watch; ANY
   * both plus persistent ones. NOWATCHER when the watcher had none of that type on the path.
   */
  remove(watcher: WatcherId, path: string, type: RemoveWatchType): KeelError | undefined {
    let removed = false;
    if (type !== "data") removed = this.removeOne(this.child, watcher, path) || removed;
    if (type !== "children") removed = this.removeOne(this.data, watcher, path) || removed;
    if (type === "any") {
      removed = this.removeOne(this.persistent, watcher, path) || removed;
      removed = this.removeOne(this.recursive, watcher, path) || removed;
    }
    return removed ? undefined : keelError("NOWATCHER", `no ${type} watch on ${path} for watcher ${watcher}`, path);
  }

  /** checkWatches: whether `remove(watcher, path, type)` would remove something, without removing it. */
  has(watcher: WatcherId, path: string, type: RemoveWatchType): boolean {
    const holds = (registry: Registry) => registry.get(path)?.has(watcher) === true;
    if (type !== "data" && holds(this.child)) return true;
    if (type !== "children" && holds(this.data)) return true;
    return type === "any" && (holds(this.persistent) || holds(this.recursive));
  }

  /** Paths `watcher` holds a data/exist watch on, and child watches on (ZooKeeper's wchc). */
  pathsOf(watcher: WatcherId): { data: string[]; child: string[] } {
    const of = (registry: Registry) => [...registry].filter(([, set]) => set.has(watcher)).map(([path]) => path);
    return { data: of(this.data), child: of(this.child) };
  }

  /** Data/exist watch paths with their watchers: ZooKeeper's wchs/wchp count these only. */
  dataWatchPaths(): ReadonlyMap<string, ReadonlySet<WatcherId>> {
    return this.data;
  }

  /** Drops every watch of a watcher (its connection closed). */
  removeWatcher(watcher: WatcherId): void {
    this.persistentFilters.delete(watcher);
    if (!this.countByWatcher.has(watcher)) return;
    for (const registry of [this.data, this.child, this.persistent, this.recursive]) {
      for (const [path, watchers] of registry) {
        if (watchers.delete(watcher) && watchers.size === 0) registry.delete(path);
      }
    }
    this.countByWatcher.delete(watcher);
  }

  private removeOne(registry: Registry, watcher: WatcherId, path: string): boolean {
    const watchers = registry.get(path);
    if (watchers === undefined || !watchers.delete(watcher)) return false;
    if (watchers.size === 0) registry.delete(path);
    this.release(watcher, 1);
    return true;
  }

  private release(watcher: WatcherId, count: number): void {
    const left = (this.countByWatcher.get(watcher) ?? 0) - count;
    if (left <= 0) this.countByWatcher.delete(watcher);
    else this.countByWatcher.set(watcher, left);
  }

  watchCount(watcher?: WatcherId): number {
    if (watcher !== undefined) return this.countByWatcher.get(watcher) ?? 0;
    let total = 0;
    for (const count of this.countByWatcher.values()) total += count;
    return total;
  }

  /**
   * Events for the changes of one txn applied at `zxid`, per watcher, in change order (docs/data-model.md §7):
   * created P → nodeCreated on P, then nodeChildrenChanged on parent(P); deleted P →
   * nodeDeleted on P (data and child watches), then nodeChildrenChanged on parent(P); dataChanged
   * P → nodeDataChanged on P; aclChanged fires nothing. A watcher gets one event per (type, path).
   * A nodeDeleted event carries the deletion's cause; its parent's nodeChildrenChanged does not.
   */
  trigger(changes: readonly NodeChange[], zxid: Zxid): Map<WatcherId, WatchEvent[]> {
    const out = new Map<WatcherId, WatchEvent[]>();
    for (const change of changes) {
      switch (change.type) {
        case "created":
          this.fire(out, withAcl({ type: "nodeCreated", path: change.path, zxid }, change.acl), [this.data]);
          this.fireParent(out, change.path, zxid);
          break;
        case "deleted":
          this.fire(out, withAcl({ type: "nodeDeleted", path: change.path, zxid, cause: change.cause }, change.acl), [
            this.data,
            this.child,
          ]);
          this.fireParent(out, change.path, zxid);
          break;
        case "dataChanged":
          this.fire(out, withAcl({ type: "nodeDataChanged", path: change.path, zxid }, change.acl), [this.data]);
          break;
        case "aclChanged":
          break;
      }
    }
    return out;
  }

  private fireParent(out: Map<WatcherId, WatchEvent[]>, path: string, zxid: Zxid): void {
    if (path === "/") return;
    const parent = parentPath(path);
    const recipients = new Set<WatcherId>();
    this.take(this.child, parent, recipients);
    this.addPersistentRecipients(recipients, this.persistent.get(parent), parent, undefined);
    deliver(out, recipients, { type: "nodeChildrenChanged", path: parent, zxid });
  }

  /** Delivers `event` to the watchers of its path; every recipient shares the one frozen-by-contract event. */
  private fire(out: Map<WatcherId, WatchEvent[]>, event: WatchEvent, oneShot: Registry[]): void {
    const { path } = event;
    const recipients = new Set<WatcherId>();
    for (const registry of oneShot) this.take(registry, path, recipients);
    this.addPersistentRecipients(recipients, this.persistent.get(path), path, event.acl);
    if (this.recursive.size > 0) {
      // Persistent recursive watches on P or any ancestor see created/deleted/dataChanged, never childrenChanged.
      for (let at = path; ; at = parentPath(at)) {
        this.addPersistentRecipients(recipients, this.recursive.get(at), path, event.acl);
        if (at === "/") break;
      }
    }
    deliver(out, recipients, event);
  }

  /**
   * Adds persistent watchers of an event about `path` to `recipients`, each past its filter. A
   * watcher already there (through a one-shot watch, or another persistent one) is not asked again.
   */
  private addPersistentRecipients(
    recipients: Set<WatcherId>,
    watchers: ReadonlySet<WatcherId> | undefined,
    path: string,
    acl: Acl | undefined,
  ): void {
    for (const watcher of watchers ?? []) {
      if (recipients.has(watcher)) continue;
      const filter = this.persistentFilters.get(watcher);
      if (filter === undefined || filter(path, acl)) recipients.add(watcher);
    }
  }

  /** Removes one-shot watches on `path` from `registry`, adding their watchers to `into`. */
  private take(registry: Registry, path: string, into: Set<WatcherId>): void {
    const watchers = registry.get(path);
    if (watchers === undefined) return;
    registry.delete(path);
    for (const watcher of watchers) {
      into.add(watcher);
      this.release(watcher, 1);
    }
  }
}

function deliver(out: Map<WatcherId, WatchEvent[]>, recipients: Set<WatcherId>, event: WatchEvent): void {
  for (const watcher of recipients) {
    let events = out.get(watcher);
    if (events === undefined) {
      events = [];
      out.set(watcher, events);
    }
    events.push(event);
  }
}

/** The event with the changed node's ACL, when the change carried one. */
function withAcl(event: WatchEvent, acl: Acl | undefined): WatchEvent {
  return acl === undefined ? event : { ...event, acl };
}

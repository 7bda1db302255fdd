/**
 * Znode kinds, the Stat (docs/data-model.md §2) and the in-memory node. A node is a
 * compact class instance (no closures, children allocated lazily, small data as a one-byte string:
 * znode-data.ts) because a tree holds millions of them; the tree keys nodes by full path, so a
 * node does not store its own.
 */
import { unreachable } from "../assert.js";
import type { SessionId, Zxid } from "../ids.js";
import { SESSION_NONE } from "../ids.js";
import type { Acl } from "./acl.js";
import { EMPTY_DATA, EMPTY_STORED_DATA, loadData, type StoredData, storeData } from "./znode-data.js";

/** What a node is, once created. Sequential is a naming rule at create time, not a kind. */
export type NodeKind = "persistent" | "ephemeral" | "container" | "ttl";

/** ZooKeeper's CreateMode (docs/data-model.md §2), spelled out. */
export type CreateMode =
  | "persistent"
  | "ephemeral"
  | "persistentSequential"
  | "ephemeralSequential"
  | "container"
  | "ttl"
  | "ttlSequential";

export const CREATE_MODES: readonly CreateMode[] = [
  "persistent",
  "ephemeral",
  "persistentSequential",
  "ephemeralSequential",
  "container",
  "ttl",
  "ttlSequential",
];

export function modeKind(mode: CreateMode): NodeKind {
  switch (mode) {
    case "persistent":
    case "persistentSequential":
      return "persistent";
    case "ephemeral":
    case "ephemeralSequential":
      return "ephemeral";
    case "container":
      return "container";
    case "ttl":
    case "ttlSequential":
      return "ttl";
    default:
      return unreachable(mode);
  }
}

export function modeIsSequential(mode: CreateMode): boolean {
  return mode === "persistentSequential" || mode === "ephemeralSequential" || mode === "ttlSequential";
}

/** ZooKeeper's Stat, field for field. Versions are signed 32-bit; times are ms since the epoch (leader's clock). */
export interface Stat {
  readonly czxid: Zxid;
  readonly mzxid: Zxid;
  readonly pzxid: Zxid;
  readonly ctime: number;
  readonly mtime: number;
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
  /** Owner session for ephemerals, 0 for every other kind (Keel keeps kind and TTL as fields instead of ZooKeeper's markers). */
  readonly ephemeralOwner: SessionId;
  readonly dataLength: number;
  readonly numChildren: number;
}

/**
 * The part of a node that request preparation needs, whether it comes from the applied tree or
 * from a change prepared but not yet applied (pending-changes.ts). `Znode` satisfies it directly.
 */
export interface NodeView {
  readonly kind: NodeKind;
  readonly ephemeralOwner: SessionId;
  readonly acl: Acl;
  /** The zxid that created the node (for a pending create, the zxid being prepared). */
  readonly czxid: Zxid;
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
  readonly numChildren: number;
  readonly mtime: number;
  readonly ttlMs: number;
}

export { EMPTY_DATA } from "./znode-data.js";

export class Znode implements NodeView {
  /** The data in its compact form (znode-data.ts); read it through `data`. */
  private stored: StoredData;
  acl: Acl;
  readonly kind: NodeKind;
  readonly ephemeralOwner: SessionId;
  /** TTL in ms for kind "ttl", else 0. */
  readonly ttlMs: number;
  readonly czxid: Zxid;
  mzxid: Zxid;
  pzxid: Zxid;
  readonly ctime: number;
  mtime: number;
  version = 0;
  cversion = 0;
  aversion = 0;
  /**
   * Child names; null until the first child (most nodes are leaves). A node restored from a
   * snapshot gets them as a sorted array (they arrive sorted: appending costs no hashing and a
   * quarter of a Set's memory); the first create or delete under it turns them into a Set, whose
   * names are sorted on read.
   */
  children: Set<string> | string[] | null = null;

  constructor(
    data: Uint8Array,
    acl: Acl,
    kind: NodeKind,
    ephemeralOwner: SessionId,
    ttlMs: number,
    zxid: Zxid,
    timeMs: number,
  ) {
    this.stored = data.length === 0 ? EMPTY_STORED_DATA : storeData(data);
    this.acl = acl;
    this.kind = kind;
    this.ephemeralOwner = kind === "ephemeral" ? ephemeralOwner : SESSION_NONE;
    this.ttlMs = ttlMs;
    this.czxid = zxid;
    this.mzxid = zxid;
    this.pzxid = zxid;
    this.ctime = timeMs;
    this.mtime = timeMs;
  }

  /** The node's bytes: a fresh copy for small values, a shared read-only array for big ones. Never mutate it. */
  get data(): Uint8Array {
    return loadData(this.stored);
  }

  /** Replaces the data with a private copy of `bytes`. */
  set data(bytes: Uint8Array) {
    this.stored = storeData(bytes);
  }

  /** The compact form itself, for the snapshot writer (no copy). */
  get storedData(): StoredData {
    return this.stored;
  }

  get dataLength(): number {
    return this.stored.length;
  }

  /** A detached copy of every field but the children (stored data and ACLs are immutable and shared). */
  copyFields(): Znode {
    const copy = new Znode(EMPTY_DATA, this.acl, this.kind, this.ephemeralOwner, this.ttlMs, this.czxid, this.ctime);
    copy.stored = this.stored;
    copy.mzxid = this.mzxid;
    copy.pzxid = this.pzxid;
    copy.mtime = this.mtime;
    copy.version = this.version;
    copy.cversion = this.cversion;
    copy.aversion = this.aversion;
    return copy;
  }

  get numChildren(): number {
    const children = this.children;
    if (children === null) return 0;
    return Array.isArray(children) ? children.length : children.size;
  }

  stat(): Stat {
    return {
      czxid: this.czxid,
      mzxid: this.mzxid,
      pzxid: this.pzxid,
      ctime: this.ctime,
      mtime: this.mtime,
      version: this.version,
      cversion: this.cversion,
      aversion: this.aversion,
      ephemeralOwner: this.ephemeralOwner,
      dataLength: this.stored.length,
      numChildren: this.numChildren,
    };
  }
}

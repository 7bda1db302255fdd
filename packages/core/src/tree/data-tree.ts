/**
 * The znode tree (ZooKeeper's DataTree): nodes keyed by full path, each holding its children's
 * names; per-session ephemeral index; the container and TTL indexes housekeeping scans; and the
 * replicated session table. `apply` is the only mutator and is deterministic: it reads nothing
 * but the txn and the zxid, so the same log gives the same tree on every replica.
 *
 * Apply trusts the txn: prepare already validated it against this tree plus the pending changes,
 * so a txn that does not fit is a bug and trips an assertion (style rule 5) instead of diverging.
 */
import { assert, unreachable } from "../assert.js";
import { utf8Encode } from "../codec/bytes.js";
import { keelError } from "../errors.js";
import { SESSION_NONE, type SessionId, ZXID_ZERO, type Zxid } from "../ids.js";
import { SORTED_CHILDREN_CACHED_NODES_MAX } from "../limits.js";
import { type SessionRecord, SessionTable } from "../sessions/session-table.js";
import { formatMembership } from "../zab/membership.js";
import { type Acl, aclKey, OPEN_ACL_UNSAFE, READ_ACL_UNSAFE } from "./acl.js";
import { deleteOpCause, type SessionEndReason, sessionEndCause } from "./delete-cause.js";
import { baseName, int32Add, parentPath, validatePath } from "./path.js";
import type { ApplyOutcome, NodeChange, OpResult, TxnResult } from "./results.js";
import { type CaptureSource, type SnapshotSourceTree, TreeCapture } from "./tree-capture.js";
import type { Txn, TxnBody, TxnHeader, TxnOp } from "./txn.js";
import { EMPTY_DATA, type NodeView, Znode } from "./znode.js";

/** System roots every tree starts with (docs/data-model.md §1); clients cannot delete them. */
export const RESERVED_ROOTS: readonly string[] = ["/zookeeper", "/keel"];
/** Where the replicated membership is kept, in ZooKeeper's text form (zab/membership.ts). */
export const CONFIG_PATH = "/zookeeper/config";
/** ZooKeeper's own nodes under /zookeeper (read-only, like all of /zookeeper: prepare-ops.ts SYSTEM_ROOT). */
export const SYSTEM_NODES: readonly { readonly path: string; readonly acl: Acl; readonly aversion: number }[] = [
  // ZooKeeper creates /zookeeper/config with aversion -1 (its clients see it so).
  { path: "/zookeeper/config", acl: READ_ACL_UNSAFE, aversion: -1 },
  { path: "/zookeeper/quota", acl: OPEN_ACL_UNSAFE, aversion: 0 },
];

export class DataTree implements SnapshotSourceTree, CaptureSource {
  private readonly nodes = new Map<string, Znode>();
  /** Views at an earlier zxid being serialized (tree-capture.ts); each gets a pre-image before a path changes. */
  private readonly captures = new Set<TreeCapture>();
  private readonly ephemeralsBySession = new Map<SessionId, Set<string>>();
  private readonly containerPaths = new Set<string>();
  private readonly ttlPaths = new Set<string>();
  /** One shared frozen copy per distinct ACL (ZooKeeper's ReferenceCountedACLCache, without counts). */
  private readonly aclCache = new Map<string, Acl>();
  /** The values of aclCache, so an ACL that is already the shared copy is recognised without building its key. */
  private readonly internedAcls = new Set<Acl>();
  /**
   * Sorted child names of the nodes paged most recently (childrenPage), each until a create or
   * delete under that node; at most SORTED_CHILDREN_CACHED_NODES_MAX, the oldest dropped first.
   */
  private readonly sortedChildrenCache = new Map<Znode, readonly string[]>();
  /** The parent the last restored node went under: snapshots list siblings together, so most lookups hit it. */
  private restoreParentPath = "";
  private restoreParent: Znode | undefined;
  readonly sessions = new SessionTable();
  private lastZxid: Zxid = ZXID_ZERO;

  constructor(options: { empty?: boolean } = {}) {
    if (options.empty === true) return;
    this.nodes.set(
      "/",
      new Znode(EMPTY_DATA, this.internAcl(OPEN_ACL_UNSAFE), "persistent", SESSION_NONE, 0, ZXID_ZERO, 0),
    );
    // Like ZooKeeper's /zookeeper, the genesis nodes exist from the start without being created by
    // a txn. ZooKeeper reports cversion as 2 × children created − children present, so a parent
    // whose children were there from the start reports minus their count (its /zookeeper shows -2),
    // and its sequential suffix, the count of children created so far, is (cversion + numChildren) / 2
    // (path.ts sequentialNumber). Keel starts every genesis parent the same way.
    for (const path of RESERVED_ROOTS)
      this.restoreNode(path, this.newNode(EMPTY_DATA, OPEN_ACL_UNSAFE, "persistent", SESSION_NONE, 0, ZXID_ZERO, 0));
    for (const { path, acl, aversion } of SYSTEM_NODES) {
      const node = this.newNode(EMPTY_DATA, acl, "persistent", SESSION_NONE, 0, ZXID_ZERO, 0);
      node.aversion = aversion;
      this.restoreNode(path, node);
    }
    for (const parent of ["/", "/zookeeper"]) {
      const node = this.nodes.get(parent) as Znode;
      node.cversion = -node.numChildren;
    }
  }

  get lastAppliedZxid(): Zxid {
    return this.lastZxid;
  }

  get nodeCount(): number {
    return this.nodes.size;
  }

  // ---- consistent views for incremental snapshots (tree-capture.ts)

  /** A read-only view of the tree as it is now that stays put while later txns apply; release it when done. */
  capture(): TreeCapture {
    const capture = new TreeCapture(this, this.lastZxid, this.sessions.sorted());
    this.captures.add(capture);
    return capture;
  }

  liveNode(path: string): Znode | undefined {
    return this.nodes.get(path);
  }

  release(capture: TreeCapture): void {
    this.captures.delete(capture);
  }

  get captureCount(): number {
    return this.captures.size;
  }

  sortedSessions(): SessionRecord[] {
    return this.sessions.sorted();
  }

  /** Before `path` changes (its fields, or it appears or goes): captures keep its old version. */
  private preserve(path: string): void {
    for (const capture of this.captures) capture.preserve(path);
  }

  apply(txn: Txn, zxid: Zxid): ApplyOutcome {
    assert(zxid > this.lastZxid, () => `apply: zxid ${zxid} not after ${this.lastZxid}`);
    this.lastZxid = zxid;
    const changes: NodeChange[] = [];
    const result = this.applyBody(txn.body, txn.header, zxid, changes);
    return { result, changes };
  }

  private applyBody(body: TxnBody, header: TxnHeader, zxid: Zxid, changes: NodeChange[]): TxnResult {
    switch (body.type) {
      case "create":
      case "delete":
      case "setData":
      case "setACL":
      case "check":
        return this.applyOp(body, header, zxid, changes);
      case "multi":
        return { type: "multi", results: body.ops.map((op) => this.applyOp(op, header, zxid, changes)) };
      case "createSession":
        this.sessions.add({
          sessionId: header.sessionId,
          timeoutMs: body.timeoutMs,
          password: body.password.slice(),
          createdAtMs: header.timeMs,
          ...(body.clientAddress === "" ? {} : { clientAddress: body.clientAddress }),
        });
        return { type: "createSession", sessionId: header.sessionId, timeoutMs: body.timeoutMs };
      case "closeSession":
        return this.applyCloseSession(body.paths, body.reason, header.sessionId, zxid, changes);
      case "reconfig": {
        // ZooKeeper's clients read (and watch) the membership here, in its text form.
        const node = this.mustGet(CONFIG_PATH);
        const data = utf8Encode(formatMembership({ version: zxid, members: body.members }));
        return this.applyOp(
          { type: "setData", path: CONFIG_PATH, data, version: int32Add(node.version, 1) },
          header,
          zxid,
          changes,
        );
      }
      case "error": {
        const error = keelError(body.code, body.message, body.path === "" ? undefined : body.path);
        return { type: "rejected", error, results: body.opCodes.map((code) => ({ type: "error", code })) };
      }
      default:
        return unreachable(body);
    }
  }

  private applyOp(op: TxnOp, header: TxnHeader, zxid: Zxid, changes: NodeChange[]): OpResult {
    switch (op.type) {
      case "create": {
        const node = this.createNode(op, header, zxid);
        changes.push({ type: "created", path: op.path, acl: node.acl });
        return { type: "create", path: op.path, stat: node.stat() };
      }
      case "delete": {
        const { acl } = this.deleteNode(op.path, zxid);
        changes.push({ type: "deleted", path: op.path, cause: deleteOpCause(op.cause, header), acl });
        return { type: "delete", path: op.path };
      }
      case "setData": {
        const node = this.mustGet(op.path);
        this.preserve(op.path);
        assert(
          op.version === int32Add(node.version, 1),
          () => `setData ${op.path}: version ${op.version} after ${node.version}`,
        );
        node.data = op.data; // the node keeps its own copy (znode-data.ts)
        node.version = op.version;
        node.mzxid = zxid;
        node.mtime = header.timeMs;
        changes.push({ type: "dataChanged", path: op.path, acl: node.acl });
        return { type: "setData", path: op.path, stat: node.stat() };
      }
      case "setACL": {
        const node = this.mustGet(op.path);
        this.preserve(op.path);
        assert(op.aversion === int32Add(node.aversion, 1), () => `setACL ${op.path}: aversion ${op.aversion}`);
        node.acl = this.internAcl(op.acl);
        node.aversion = op.aversion;
        changes.push({ type: "aclChanged", path: op.path, acl: node.acl });
        return { type: "setACL", path: op.path, stat: node.stat() };
      }
      case "check":
        return { type: "check", path: op.path };
      default:
        return unreachable(op);
    }
  }

  private createNode(op: TxnOp & { type: "create" }, header: TxnHeader, zxid: Zxid): Znode {
    assert(!this.nodes.has(op.path), () => `create ${op.path}: exists`);
    const parent = this.mustGet(parentPath(op.path));
    assert(parent.kind !== "ephemeral", () => `create ${op.path}: parent is ephemeral`);
    this.preserve(op.path);
    this.preserve(parentPath(op.path));
    const node = this.newNode(op.data, op.acl, op.kind, header.sessionId, op.ttlMs, zxid, header.timeMs);
    this.nodes.set(op.path, node);
    childSet(parent).add(baseName(op.path));
    this.sortedChildrenCache.delete(parent);
    parent.cversion = int32Add(parent.cversion, 1);
    parent.pzxid = zxid;
    this.indexKind(op.path, node);
    return node;
  }

  /** Removes the node (which has no children) and returns it. */
  private deleteNode(path: string, zxid: Zxid): Znode {
    const node = this.mustGet(path);
    assert(node.numChildren === 0, () => `delete ${path}: has children`);
    const parent = this.mustGet(parentPath(path));
    this.preserve(path);
    this.preserve(parentPath(path));
    this.nodes.delete(path);
    childSet(parent).delete(baseName(path));
    this.sortedChildrenCache.delete(parent);
    parent.cversion = int32Add(parent.cversion, 1);
    parent.pzxid = zxid;
    this.unindexKind(path, node);
    return node;
  }

  private applyCloseSession(
    paths: readonly string[],
    reason: SessionEndReason,
    sessionId: SessionId,
    zxid: Zxid,
    changes: NodeChange[],
  ): TxnResult {
    const cause = sessionEndCause(reason, sessionId); // one shared, read-only object for every path
    for (const path of paths) {
      assert(
        this.nodes.get(path)?.ephemeralOwner === sessionId,
        () => `closeSession ${sessionId}: ${path} not its ephemeral`,
      );
      const { acl } = this.deleteNode(path, zxid);
      changes.push({ type: "deleted", path, cause, acl });
    }
    assert(!this.ephemeralsBySession.has(sessionId), () => `closeSession ${sessionId}: ephemerals left behind`);
    this.sessions.remove(sessionId);
    return { type: "closeSession", sessionId, deletedPaths: paths };
  }

  private newNode(
    data: Uint8Array,
    acl: Acl,
    kind: Znode["kind"],
    owner: SessionId,
    ttlMs: number,
    zxid: Zxid,
    timeMs: number,
  ): Znode {
    return new Znode(data, this.internAcl(acl), kind, owner, ttlMs, zxid, timeMs);
  }

  private indexKind(path: string, node: Znode): void {
    if (node.kind === "ephemeral") {
      let paths = this.ephemeralsBySession.get(node.ephemeralOwner);
      if (paths === undefined) {
        paths = new Set();
        this.ephemeralsBySession.set(node.ephemeralOwner, paths);
      }
      paths.add(path);
    } else if (node.kind === "container") this.containerPaths.add(path);
    else if (node.kind === "ttl") this.ttlPaths.add(path);
  }

  private unindexKind(path: string, node: Znode): void {
    if (node.kind === "ephemeral") {
      const paths = this.ephemeralsBySession.get(node.ephemeralOwner);
      paths?.delete(path);
      if (paths?.size === 0) this.ephemeralsBySession.delete(node.ephemeralOwner);
    } else if (node.kind === "container") this.containerPaths.delete(path);
    else if (node.kind === "ttl") this.ttlPaths.delete(path);
  }

  private mustGet(path: string): Znode {
    const node = this.nodes.get(path);
    assert(node !== undefined, () => `no node ${path}`);
    return node;
  }

  /** The tree's shared frozen copy of `acl` (snapshot restore interns each distinct ACL once through this). */
  internAcl(acl: Acl): Acl {
    if (this.internedAcls.has(acl)) return acl;
    const key = aclKey(acl);
    let shared = this.aclCache.get(key);
    if (shared === undefined) {
      shared = Object.freeze(acl.map((e) => Object.freeze({ perms: e.perms, scheme: e.scheme, id: e.id })));
      this.aclCache.set(key, shared);
      this.internedAcls.add(shared);
    }
    return shared;
  }

  // ---- reads (the caller checks ACLs; see app/keel-state.ts)

  /** The node at `path`, read-only by contract: callers must not mutate it. */
  node(path: string): Readonly<Znode> | undefined {
    return this.nodes.get(path);
  }

  view(path: string): NodeView | undefined {
    return this.nodes.get(path);
  }

  /** Child names sorted by UTF-16 code units (Keel sorts; ZooKeeper returns them unordered). */
  childrenSorted(path: string): string[] | undefined {
    const node = this.nodes.get(path);
    if (node === undefined) return undefined;
    if (node.children === null) return [];
    return Array.isArray(node.children) ? node.children.slice() : [...node.children].sort();
  }

  /**
   * The child names sorted after `after` (all when undefined), at most `limit`, and whether more
   * follow. Cost: a binary search and a copy of the page when the names are at hand sorted (a
   * node restored from a snapshot and not changed since, or one paged before with no create or
   * delete under it since); else one sort of the child set, O(n log n): 50-110 ms for 100k names
   * on the idle 2-core dev machine, whose result is kept (sortedChildrenCache) so the next pages are
   * cheap. Writes pay nothing for it but one Map delete (converting back to a Set would cost them
   * O(n), 55-90 ms for 100k names, on the apply path).
   */
  childrenPage(
    path: string,
    after: string | undefined,
    limit: number,
  ): { children: string[]; more: boolean } | undefined {
    const node = this.nodes.get(path);
    if (node === undefined) return undefined;
    const sorted = this.sortedChildrenOf(node);
    const start = after === undefined ? 0 : firstIndexAfter(sorted, after);
    const end = Math.min(sorted.length, start + limit);
    return { children: sorted.slice(start, end), more: end < sorted.length };
  }

  private sortedChildrenOf(node: Znode): readonly string[] {
    const children = node.children;
    if (children === null) return EMPTY_NAMES;
    if (Array.isArray(children)) return children; // restored, sorted, unchanged since
    const cached = this.sortedChildrenCache.get(node);
    if (cached !== undefined) return cached;
    const sorted = [...children].sort();
    if (this.sortedChildrenCache.size >= SORTED_CHILDREN_CACHED_NODES_MAX) {
      this.sortedChildrenCache.delete(this.sortedChildrenCache.keys().next().value as Znode);
    }
    this.sortedChildrenCache.set(node, sorted);
    return sorted;
  }

  /** Every descendant of `path` (not counting itself), as ZooKeeper's getAllChildrenNumber. */
  descendantCount(path: string): number {
    const node = this.nodes.get(path);
    if (node === undefined || node.children === null) return 0;
    let count = 0;
    const prefix = path === "/" ? "/" : `${path}/`;
    for (const name of node.children) count += 1 + this.descendantCount(prefix + name);
    return count;
  }

  ephemerals(sessionId: SessionId): ReadonlySet<string> {
    return this.ephemeralsBySession.get(sessionId) ?? EMPTY_SET;
  }

  ephemeralCount(): number {
    let count = 0;
    for (const paths of this.ephemeralsBySession.values()) count += paths.size;
    return count;
  }

  containers(): ReadonlySet<string> {
    return this.containerPaths;
  }

  ttlNodes(): ReadonlySet<string> {
    return this.ttlPaths;
  }

  // ---- snapshot restore (codec/snapshot-codec.ts): nodes arrive parents first

  /** Inserts a node read from a snapshot; its parent must already be present (or it is the root). */
  restoreNode(path: string, node: Znode): void {
    const refused = this.restoreChecked(path, node);
    assert(refused === undefined, () => `restore ${path}: ${refused}`);
  }

  /**
   * Inserts a node read from a snapshot (parents first), or says why the input cannot be one: a
   * bad path, a duplicate or a missing parent. Constant work per node: the parent is usually the
   * previous node's (siblings are consecutive), found without building its path.
   */
  restoreChecked(path: string, node: Znode): string | undefined {
    if (this.nodes.size === 0) {
      if (path !== "/") return `bad node path ${path}: the first node must be /`;
    } else {
      if (validatePath(path) !== undefined || path === "/") return `bad node path ${path}`;
      const slash = path.lastIndexOf("/");
      const parentLength = slash === 0 ? 1 : slash;
      let parent = this.restoreParent;
      if (
        parent === undefined ||
        this.restoreParentPath.length !== parentLength ||
        !path.startsWith(this.restoreParentPath)
      ) {
        const parentPathText = path.slice(0, parentLength);
        parent = this.nodes.get(parentPathText);
        if (parent === undefined) return `node ${path} out of order (no parent)`;
        this.restoreParentPath = parentPathText;
        this.restoreParent = parent;
      }
      const name = path.slice(slash + 1);
      const children = parent.children;
      if (children === null) parent.children = [name];
      else if (Array.isArray(children) && (children[children.length - 1] as string) < name) children.push(name);
      else {
        // Not after the last sibling (a snapshot from elsewhere, or a duplicate): fall back to a
        // Set; a duplicate shows as a set that did not grow (the reader then fails the snapshot).
        const set = childSet(parent);
        const siblings = set.size;
        set.add(name);
        if (set.size === siblings) return `node ${path} out of order (duplicate)`;
      }
    }
    node.acl = this.internAcl(node.acl);
    this.nodes.set(path, node);
    this.indexKind(path, node);
    return undefined;
  }

  /** Sets the zxid a restored snapshot covers. */
  restoreLastZxid(zxid: Zxid): void {
    assert(this.lastZxid === ZXID_ZERO, "restoreLastZxid: tree already applied txns");
    this.lastZxid = zxid;
    this.restoreParent = undefined; // restore is over: hold no node past it
    this.restoreParentPath = "";
  }
}

const EMPTY_SET: ReadonlySet<string> = new Set();

const EMPTY_NAMES: readonly string[] = [];

/** The index of the first name sorted after `after` (binary search; `<` compares UTF-16 code units, as sort). */
function firstIndexAfter(sorted: readonly string[], after: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as string) <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The node's children as a Set, made from the restored sorted array (or from nothing) on first need. */
function childSet(node: Znode): Set<string> {
  const children = node.children;
  if (children instanceof Set) return children;
  const set = new Set<string>(children ?? []);
  node.children = set;
  return set;
}

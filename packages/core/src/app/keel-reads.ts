/**
 * The read side of KeelState (docs/data-model.md §4: getData, exists, getChildren2, getEphemerals,
 * getAllChildrenNumber, getACL), each checking READ where ZooKeeper does, plus the filters the API
 * and the ZooKeeper port apply to listings, watch events and log entries (canRead, canSeeEvent).
 * Everything in /keel/auth is refused to callers without a super identity (tree/auth-root.ts),
 * exists included. Reads are local to a replica (ZooKeeper semantics: a read may lag the leader;
 * sync first for fresher data). Returned data and Stats are copies-by-reference: callers must not
 * mutate `data`.
 */
import { assert } from "../assert.js";
import { type KeelError, keelError } from "../errors.js";
import type { SessionId } from "../ids.js";
import { CHILDREN_PAGE_LIMIT_MAX, SESSION_LIST_LIMIT_MAX } from "../limits.js";
import type { SessionRecord } from "../sessions/session-table.js";
import { type Acl, type AclPolicy, type AuthId, checkAcl, isSuper, PERMS, redactAcl } from "../tree/acl.js";
import { AUTH_ROOT, authRootRefusal } from "../tree/auth-root.js";
import type { DataTree } from "../tree/data-tree.js";
import { isWithin, parentPath, validatePath } from "../tree/path.js";
import type { NodeKind, Stat } from "../tree/znode.js";

export interface NodeData {
  readonly data: Uint8Array;
  readonly stat: Stat;
  readonly kind: NodeKind;
  /** TTL in ms for kind "ttl", else 0. */
  readonly ttlMs: number;
}

export interface NodeChildren {
  /** Sorted (Keel differs from ZooKeeper here: docs/data-model.md). */
  readonly children: readonly string[];
  readonly stat: Stat;
}

/** One page of a node's children (KeelReads.childrenPage). */
export interface NodeChildrenPage {
  /** Sorted by name (UTF-16 code units), only names after the page's `after`, at most its `limit`. */
  readonly children: readonly string[];
  readonly stat: Stat;
  /** The last name of this page when more children follow it; null on the last page. */
  readonly nextAfter: string | null;
}

export interface ChildrenPageOptions {
  /** Only names sorted after this one (a child name from an earlier page's nextAfter). */
  readonly after?: string;
  /** 1..CHILDREN_PAGE_LIMIT_MAX (the API validates it; here it is asserted). */
  readonly limit: number;
}

export interface NodeAcl {
  readonly acl: Acl;
  readonly stat: Stat;
}

/** One page of the session table (KeelReads.listSessions). */
export interface SessionListing {
  readonly sessions: readonly {
    readonly sessionId: SessionId;
    readonly timeoutMs: number;
    readonly ephemerals: number;
    readonly createdAtMs: number | undefined;
    readonly clientAddress: string | undefined;
  }[];
  readonly truncated: boolean;
}

export class KeelReads {
  constructor(
    protected tree: DataTree,
    private readonly aclPolicy: AclPolicy,
  ) {}

  /** getData: NONODE when missing, NOAUTH without READ. */
  get(path: string, auth: readonly AuthId[] = []): NodeData | KeelError {
    const node = this.readable(path, auth);
    if (node instanceof Error) return node;
    return { data: node.data, stat: node.stat(), kind: node.kind, ttlMs: node.ttlMs };
  }

  /**
   * exists: the Stat or null. No ACL check, as in ZooKeeper, except in /keel/auth, where it is
   * NOAUTH for non-super callers so that user names and token ids cannot be probed.
   */
  exists(path: string, auth: readonly AuthId[] = []): Stat | null | KeelError {
    const invalid = validatePath(path) ?? authRootRefusal(path, auth, this.aclPolicy);
    if (invalid !== undefined) return invalid;
    return this.tree.node(path)?.stat() ?? null;
  }

  /** getChildren2: sorted names and the parent's Stat. */
  children(path: string, auth: readonly AuthId[] = []): NodeChildren | KeelError {
    const node = this.readable(path, auth);
    if (node instanceof Error) return node;
    return { children: this.tree.childrenSorted(path) ?? [], stat: node.stat() };
  }

  /**
   * One page of getChildren2: the names after `after`, sorted, at most `limit`. The tree keeps a
   * sorted copy of a large child set between changes (DataTree.childrenPage), so following the
   * pages of 100k children costs one sort, not one per page.
   */
  childrenPage(path: string, auth: readonly AuthId[], options: ChildrenPageOptions): NodeChildrenPage | KeelError {
    const { after, limit } = options;
    assert(
      Number.isInteger(limit) && limit >= 1 && limit <= CHILDREN_PAGE_LIMIT_MAX,
      () => `children page limit ${limit} outside 1..${CHILDREN_PAGE_LIMIT_MAX}`,
    );
    const node = this.readable(path, auth);
    if (node instanceof Error) return node;
    const page = this.tree.childrenPage(path, after, limit);
    assert(page !== undefined, () => `childrenPage ${path}: readable but not in the tree`);
    const nextAfter = page.more ? (page.children[page.children.length - 1] as string) : null;
    return { children: page.children, stat: node.stat(), nextAfter };
  }

  /**
   * The session's ephemeral paths starting with `prefix` (a string prefix, as ZooKeeper), sorted.
   * With `auth`, only those the caller may read (canRead): the listing is a read of each node.
   */
  getEphemerals(sessionId: SessionId, prefix = "/", auth?: readonly AuthId[]): string[] {
    const paths = [...this.tree.ephemerals(sessionId)].filter((path) => path.startsWith(prefix));
    return (auth === undefined ? paths : paths.filter((path) => this.canRead(path, auth))).sort();
  }

  /**
   * getAllChildrenNumber. For a non-super caller counting an ancestor of /keel/auth, the nodes
   * below /keel/auth are left out: their number would tell how many users and tokens exist.
   */
  getAllChildrenNumber(path: string, auth: readonly AuthId[] = []): number | KeelError {
    const node = this.readable(path, auth);
    if (node instanceof Error) return node;
    const count = this.tree.descendantCount(path);
    if (!isWithin(AUTH_ROOT, path) || isSuper(auth, this.aclPolicy)) return count;
    return count - this.tree.descendantCount(AUTH_ROOT);
  }

  /** getACL: needs READ; digest ids are redacted unless the caller also has ADMIN (CVE-2019-0201). */
  getACL(path: string, auth: readonly AuthId[] = []): NodeAcl | KeelError {
    const node = this.readable(path, auth);
    if (node instanceof Error) return node;
    const admin = checkAcl(node.acl, PERMS.ADMIN, auth, this.aclPolicy);
    return { acl: admin ? node.acl : redactAcl(node.acl), stat: node.stat() };
  }

  /**
   * Whether the caller may read the node at `path`: it exists and its ACL grants READ (always, for
   * a super identity; never in /keel/auth for anyone else). The filter for listings (ephemerals,
   * find) of nodes that exist.
   */
  canRead(path: string, auth: readonly AuthId[]): boolean {
    return !(this.readable(path, auth) instanceof Error);
  }

  /**
   * Whether the caller may learn of an event or log entry about `path`, which may no longer exist
   * (deleted by the txn that fired it): READ on the node if it exists, else READ on its nearest
   * existing ancestor (the node whose child list changed); never anything in /keel/auth for a
   * non-super caller. The ZooKeeper port filters persistent watch events by it (ZooKeeper's
   * CVE-2024-23944); the API filters watch streams and log entries by it.
   */
  canSeeEvent(path: string, auth: readonly AuthId[]): boolean {
    if (validatePath(path) !== undefined) return false;
    if (authRootRefusal(path, auth, this.aclPolicy) !== undefined) return false;
    let at = path;
    let node = this.tree.node(at);
    while (node === undefined) {
      assert(at !== "/", "the root always exists");
      at = parentPath(at);
      node = this.tree.node(at);
    }
    return checkAcl(node.acl, PERMS.READ, auth, this.aclPolicy);
  }

  /**
   * Whether the caller may learn of a change to `path` whose node had `acl` when it changed (the
   * NodeChange's or WatchEvent's acl): judged by the node as it was, so a private node's changes
   * stay private after it and its parents are gone (ZooKeeper's fix for CVE-2024-23944 passes the
   * deleted node's ACL the same way). Without an acl (a parent's childrenChanged), canSeeEvent.
   */
  canSeeChange(path: string, acl: Acl | undefined, auth: readonly AuthId[]): boolean {
    if (acl === undefined) return this.canSeeEvent(path, auth);
    if (validatePath(path) !== undefined) return false;
    if (authRootRefusal(path, auth, this.aclPolicy) !== undefined) return false;
    return checkAcl(acl, PERMS.READ, auth, this.aclPolicy);
  }

  /** A session's replicated record (timeout, password) for reconnect checks. */
  session(sessionId: SessionId): SessionRecord | undefined {
    return this.tree.sessions.get(sessionId);
  }

  /**
   * The first `limit` live sessions by id, with their negotiated timeout and ephemeral count (the
   * admin listing behind `session.list`); `truncated` when more exist. The password never leaves.
   */
  listSessions(limit: number): SessionListing {
    assert(Number.isInteger(limit) && limit > 0 && limit <= SESSION_LIST_LIMIT_MAX, `session list limit ${limit}`);
    const all = this.tree.sessions.sorted();
    const sessions = all.slice(0, limit).map((record) => ({
      sessionId: record.sessionId,
      timeoutMs: record.timeoutMs,
      ephemerals: this.tree.ephemerals(record.sessionId).size,
      createdAtMs: record.createdAtMs,
      clientAddress: record.clientAddress,
    }));
    return { sessions, truncated: all.length > limit };
  }

  sessionPasswordMatches(sessionId: SessionId, password: Uint8Array): boolean {
    return this.tree.sessions.passwordMatches(sessionId, password);
  }

  get nodeCount(): number {
    return this.tree.nodeCount;
  }

  get sessionCount(): number {
    return this.tree.sessions.size;
  }

  get ephemeralCount(): number {
    return this.tree.ephemeralCount();
  }

  /** The node if the caller may read it; the refusal in /keel/auth comes before NONODE (no probing). */
  private readable(path: string, auth: readonly AuthId[]) {
    const invalid = validatePath(path) ?? authRootRefusal(path, auth, this.aclPolicy);
    if (invalid !== undefined) return invalid;
    const node = this.tree.node(path);
    if (node === undefined) return keelError("NONODE", `${path} does not exist`, path);
    if (!checkAcl(node.acl, PERMS.READ, auth, this.aclPolicy))
      return keelError("NOAUTH", `no READ permission on ${path}`, path);
    return node;
  }
}

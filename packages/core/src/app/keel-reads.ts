/**
 * The read side of KeelState (docs/data-model.md §4: getData, exists, getChildren2, getEphemerals,
 * getAllChildrenNumber, getACL), each checking READ where ZooKeeper does. Reads are local to a
 * replica (ZooKeeper semantics: a read may lag the leader; sync first for fresher data).
 * Returned data and Stats are copies-by-reference: callers must not mutate `data`.
 */
import { assert } from "../assert.js";
import { type KeelError, keelError } from "../errors.js";
import type { SessionId } from "../ids.js";
import { SESSION_LIST_LIMIT_MAX } from "../limits.js";
import type { SessionRecord } from "../sessions/session-table.js";
import { type Acl, type AclPolicy, type AuthId, checkAcl, PERMS, redactAcl } from "../tree/acl.js";
import type { DataTree } from "../tree/data-tree.js";
import { validatePath } from "../tree/path.js";
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

  /** exists: the Stat or null. No ACL check, as in ZooKeeper. */
  exists(path: string): Stat | null | KeelError {
    const invalid = validatePath(path);
    if (invalid !== undefined) return invalid;
    return this.tree.node(path)?.stat() ?? null;
  }

  /** getChildren2: sorted names and the parent's Stat. */
  children(path: string, auth: readonly AuthId[] = []): NodeChildren | KeelError {
    const node = this.readable(path, auth);
    if (node instanceof Error) return node;
    return { children: this.tree.childrenSorted(path) ?? [], stat: node.stat() };
  }

  /** The session's ephemeral paths starting with `prefix` (a string prefix, as ZooKeeper), sorted. */
  getEphemerals(sessionId: SessionId, prefix = "/"): string[] {
    return [...this.tree.ephemerals(sessionId)].filter((path) => path.startsWith(prefix)).sort();
  }

  getAllChildrenNumber(path: string, auth: readonly AuthId[] = []): number | KeelError {
    const node = this.readable(path, auth);
    if (node instanceof Error) return node;
    return this.tree.descendantCount(path);
  }

  /** getACL: needs READ; digest ids are redacted unless the caller also has ADMIN (CVE-2019-0201). */
  getACL(path: string, auth: readonly AuthId[] = []): NodeAcl | KeelError {
    const node = this.readable(path, auth);
    if (node instanceof Error) return node;
    const admin = checkAcl(node.acl, PERMS.ADMIN, auth, this.aclPolicy);
    return { acl: admin ? node.acl : redactAcl(node.acl), stat: node.stat() };
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

  private readable(path: string, auth: readonly AuthId[]) {
    const invalid = validatePath(path);
    if (invalid !== undefined) return invalid;
    const node = this.tree.node(path);
    if (node === undefined) return keelError("NONODE", `${path} does not exist`, path);
    if (!checkAcl(node.acl, PERMS.READ, auth, this.aclPolicy))
      return keelError("NOAUTH", `no READ permission on ${path}`, path);
    return node;
  }
}

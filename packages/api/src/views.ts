/**
 * The JSON shapes the API returns. 64-bit values (zxids, session ids) travel as decimal strings
 * because JSON numbers lose precision past 2^53; data travels as UTF-8 text and as base64 so that
 * both curl users and binary clients are served.
 */
export interface StatView {
  czxid: string;
  mzxid: string;
  pzxid: string;
  ctime: number;
  mtime: number;
  version: number;
  cversion: number;
  aversion: number;
  /** The owning session id for ephemerals, "0" otherwise (as in ZooKeeper). */
  ephemeralOwner: string;
  dataLength: number;
  numChildren: number;
}

export type NodeKind =
  | "persistent"
  | "persistent_sequential"
  | "ephemeral"
  | "ephemeral_sequential"
  | "container"
  | "ttl"
  | "ttl_sequential";

export interface NodeView {
  path: string;
  /** The data decoded as UTF-8 (lossy for binary data; use dataBase64 then). */
  data: string;
  dataBase64: string;
  stat: StatView;
}

export interface ChildView {
  name: string;
  stat?: StatView;
}

export interface AclEntry {
  /** Bit set: READ 1, WRITE 2, CREATE 4, DELETE 8, ADMIN 16 (ALL 31). */
  perms: number;
  scheme: "world" | "digest" | "ip" | "auth" | "super";
  id: string;
}

export type OpResultView =
  | { type: "create"; path: string; stat: StatView }
  | { type: "delete" }
  | { type: "set"; stat: StatView }
  | { type: "check" }
  | { type: "error"; code: string; wireCode: number; message: string };

export interface SessionView {
  sessionId: string;
  /** The secret that proves ownership when keeping the session alive or resuming it elsewhere. */
  secret: string;
  /** The timeout the ensemble granted, clamped to the server's [min, max]. */
  timeoutMs: number;
}

/**
 * Why a node was deleted, on NodeDeleted events. Taken from the committed txn, so every server
 * and every resumed stream reports the same cause for the same deletion. Session ids are decimal
 * strings; "0" is no session (a plain HTTP call without one).
 */
export type DeleteCauseView =
  /** An explicit node.delete, or a delete inside node.multi, by that session. */
  | { kind: "delete"; sessionId: string }
  /** An operator's node.delete with `forceRelease: { reason }`, by that session. */
  | { kind: "forceRelease"; sessionId: string; reason: string }
  /** An ephemeral removed because its owner's session expired. */
  | { kind: "sessionExpired"; sessionId: string }
  /** An ephemeral removed because its owner closed its session. */
  | { kind: "sessionClosed"; sessionId: string }
  /** A TTL node that went unmodified for longer than its TTL. */
  | { kind: "ttlExpired" }
  /** A container whose last child went. */
  | { kind: "containerEmpty" };

export interface WatchEventView {
  /**
   * NodeCreated, NodeDeleted, NodeDataChanged, NodeChildrenChanged (ZooKeeper's event names), or
   * Progress: the stream was idle and every event up to `zxid` has been delivered. Clients must
   * ignore types they do not know.
   */
  type: "NodeCreated" | "NodeDeleted" | "NodeDataChanged" | "NodeChildrenChanged" | "Progress";
  /** The node the event is about; for Progress, the watched path. */
  path: string;
  /**
   * The zxid of the txn that caused the event (for Progress, the server's last applied zxid);
   * resume a stream after it with `afterZxid`.
   */
  zxid: string;
  /** On NodeDeleted: why the node was deleted. */
  cause?: DeleteCauseView;
}

/** One live session in an admin listing (`session.list`); the secret is never listed. */
export interface SessionSummaryView {
  sessionId: string;
  /** The negotiated timeout. */
  timeoutMs: number;
  /** Ephemeral nodes the session owns. */
  ephemerals: number;
}

export interface SessionListView {
  /** Sessions ordered by id, at most the `limit` asked for. */
  sessions: SessionSummaryView[];
  /** True when more sessions exist than were listed. */
  truncated: boolean;
}

export interface MemberView {
  id: number;
  role: "voter" | "observer";
  clientUrl: string;
  connected: boolean;
}

export interface ClusterStatusView {
  serverId: number;
  ensembleId: string;
  /** looking | following | leading | observing */
  role: string;
  leaderId: number | null;
  acceptedEpoch: number;
  currentEpoch: number;
  lastLoggedZxid: string;
  lastAppliedZxid: string;
  /** True when this server is in a quorum and up to date (its /ready answers 200). */
  ready: boolean;
  members: MemberView[];
  znodes: number;
  sessions: number;
  watches: number;
  electionCount: number;
  /** How this server last caught up with a leader (a learner's view): DIFF, TRUNC or SNAP. */
  lastSyncType: "DIFF" | "TRUNC" | "SNAP" | null;
}

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
  /** How the node was created (container, TTL, sequential, ephemeral). */
  kind: NodeKind;
  /** For TTL nodes: the TTL in ms (it expires when unmodified for this long and childless). */
  ttlMs?: number;
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
  scheme: "world" | "digest" | "ip" | "auth" | "user" | "super";
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
  /** When the session was created (the createSession txn's time); null for sessions from before it was recorded. */
  createdAtMs: number | null;
  /** The address the session was opened from (recorded in the createSession txn), when known. */
  clientAddress: string | null;
  /** Set only by the member that holds the session's connection; merge the members' listings. */
  attached: SessionAttachmentView | null;
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

// --- the console's views (cluster.events, cluster.metrics, log.events, node.find, session.list) ---

/** What a member is doing: electing, catching up with a leader, or serving clients. */
export type MemberState = "looking" | "syncing" | "serving";

/** A learner's progress as its leader sees it (only the leader reports these). */
export interface LearnerLagView {
  id: number;
  /** The leader's sync stage for this learner (e.g. SYNCING, UPTODATE). */
  stage: string;
  /** The last zxid this learner acknowledged. */
  ackedZxid: string;
  /** Txns the leader proposed that this learner has not acknowledged yet. */
  lagTxns: number;
  /** How long the oldest of those has waited for its ack, in ms (0 when lagTxns is 0). */
  lagMs: number;
}

/** One leader this server followed or was, in the order it saw them (newest last). */
export interface LeaderChangeView {
  epoch: number;
  leaderId: number;
  /** This server's wall clock when it began serving under that leader. */
  atMs: number;
}

/** `cluster.events` and `cluster.status`: ClusterStatusView plus what the console's cluster page shows. */
export interface MemberStatusView extends ClusterStatusView {
  state: MemberState;
  version: string;
  startedAtMs: number;
  uptimeMs: number;
  /** This server's wall clock when the view was taken. */
  nowMs: number;
  clientConnections: number;
  outstandingRequests: number;
  /** On the leader, every learner's lag; empty on other members. */
  learners: LearnerLagView[];
  /** The last few leaders this server served under (bounded), newest last. */
  leaderChanges: LeaderChangeView[];
}

/** One op's request counters in a metrics sample. */
export interface OpMetricsView {
  op: string;
  /** Cumulative since the server started: the console differences consecutive samples. */
  count: number;
  errors: number;
  /** Latency over the last sample interval (0 when no request finished in it). */
  latencyMsP50: number;
  latencyMsP99: number;
}

/** `cluster.metrics`: one sample per interval from one member. */
export interface MetricsSampleView {
  serverId: number;
  atMs: number;
  ops: OpMetricsView[];
  outstandingRequests: number;
  /** Cumulative fsyncs and their latency over the last interval. */
  fsyncs: number;
  fsyncMsP50: number;
  fsyncMsP99: number;
  /** Cumulative txns applied (committed) on this server. */
  commits: number;
  sessions: number;
  znodes: number;
  watches: number;
  clientConnections: number;
}

/** One committed txn in the audit feed (`log.events`), taken from the applied history. */
export interface LogEntryView {
  zxid: string;
  /** The txn's time as the leader stamped it. */
  timeMs: number;
  /** create, delete, setData, setACL, multi, createSession, closeSession, forceRelease, expireSession, error, ... */
  op: string;
  /** The paths the txn changed: a closed or expired session's ephemerals too; empty for failed txns. */
  paths: string[];
  /** The session that issued the txn ("0": none). */
  sessionId: string;
  /** Where that session was opened from, when the ensemble knows (recorded with the session). */
  clientAddress: string | null;
  /** "ok", or the error code a failed txn committed with. */
  result: string;
  /** For deletions: why (as on NodeDeleted watch events). */
  causes?: DeleteCauseView[];
}

/** `node.find`: nodes under a path whose name or data matches. */
export interface FindResultView {
  matches: { path: string; stat: StatView }[];
  /** Nodes visited; the scan stops at a bound and reports `truncated`. */
  scanned: number;
  truncated: boolean;
}

/** Where a session is connected, as known by the member holding its connection. */
export interface SessionAttachmentView {
  serverId: number;
  clientAddress: string;
  sinceMs: number;
  /** The last time the session was touched (a keep-alive, a request, a WebSocket ping). */
  lastHeartbeatMs: number;
  /** Watch streams open on the session's connection. */
  watches: number;
}

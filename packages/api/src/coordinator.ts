/**
 * What the API needs from a running Keel server. apps/server implements it over its replica host;
 * the router only validates, delegates and shapes errors, so the API never imports server code
 * (layout.md: dependencies point one way). Every method rejects with a core `KeelError` for
 * ZooKeeper-style outcomes (NONODE, BADVERSION, SESSIONEXPIRED, CONNECTIONLOSS, ...).
 */

import type { Caller } from "./caller.js";
import type {
  ChildrenInput,
  CreateInput,
  DeleteInput,
  EphemeralsInput,
  FindInput,
  MultiInput,
  OpenSessionInput,
  ReadInput,
  SessionRef,
  SetAclInput,
  SetInput,
  WatchMode,
} from "./schemas.js";
import type { ConnectionBudget } from "./trpc.js";
import type {
  AclEntry,
  ChildView,
  FindResultView,
  LogEntryView,
  MemberStatusView,
  MetricsSampleView,
  NodeView,
  OpResultView,
  SessionListView,
  SessionView,
  StatView,
  WatchEventView,
} from "./views.js";

export interface AttachOptions {
  session: SessionRef;
  lastZxidSeen: bigint;
  signal: AbortSignal;
  /** The connection's address, shown in `session.list` as the session's attachment. */
  clientAddress?: string;
  /** The connection the stream runs on (its watch streams count in the attachment). */
  connection?: ConnectionBudget;
}

export interface WatchOptions {
  path: string;
  mode: WatchMode;
  /** Replay every event after this zxid before live events, or fail with a typed error if it is too old. */
  afterZxid: bigint | undefined;
  signal: AbortSignal;
  /** Events about nodes the caller may not read (or outside its token's scope) are left out. */
  caller: Caller;
}

/** Session state pushed to a client whose session is bound to its WebSocket. */
export type SessionEventView =
  | { type: "attached"; sessionId: string; timeoutMs: number; serverId: number; lastZxid: string }
  | { type: "expired"; sessionId: string }
  /**
   * The server stopped serving (it lost its leader or its quorum) and ends the stream: the session
   * may still be alive, or may expire without this server hearing of it. Attach to another server
   * within the timeout, and until a serving server confirms the session treat it as possibly
   * expired (docs/api.md, "Sessions: the client-side rule").
   */
  | { type: "disconnected"; sessionId: string; serverId: number; reason: string };

/**
 * `caller`: whose identities core checks the node ACLs against (the router has already checked
 * the caller's role and token scope).
 */
export interface Coordinator {
  create(input: CreateInput, caller: Caller): Promise<{ path: string; stat: StatView }>;
  set(input: SetInput, caller: Caller): Promise<{ stat: StatView }>;
  delete(input: DeleteInput, caller: Caller): Promise<{ zxid: string }>;
  multi(input: MultiInput, caller: Caller): Promise<{ results: OpResultView[] }>;
  get(input: ReadInput, caller: Caller): Promise<NodeView>;
  exists(input: ReadInput, caller: Caller): Promise<{ stat: StatView | null }>;
  /** One page: sorted names after `input.after`, at most `input.limit`; `nextAfter` when more remain. */
  children(
    input: ChildrenInput,
    caller: Caller,
  ): Promise<{ children: ChildView[]; stat: StatView; nextAfter: string | null }>;
  childCount(input: ReadInput, caller: Caller): Promise<{ count: number }>;
  sync(path: string): Promise<{ zxid: string }>;
  getAcl(input: ReadInput, caller: Caller): Promise<{ acl: AclEntry[]; stat: StatView }>;
  setAcl(input: SetAclInput, caller: Caller): Promise<{ stat: StatView }>;
  /** The session's ephemerals under the prefix that the caller may read. */
  ephemerals(input: EphemeralsInput, caller: Caller): Promise<{ paths: string[] }>;

  /** `clientAddress`: where the caller connected from, recorded with the session (session.list, log.events). */
  openSession(input: OpenSessionInput, clientAddress?: string): Promise<SessionView>;
  keepAlive(session: SessionRef): Promise<{ timeoutMs: number }>;
  closeSession(session: SessionRef): Promise<{ closed: true }>;
  /** Live sessions by id, at most `limit` (admin listing for the CLI and console). */
  listSessions(input: { limit: number }): Promise<SessionListView>;
  /** Binds a session to a long-lived connection: touched while the stream is open. */
  attachSession(options: AttachOptions): AsyncIterable<SessionEventView>;

  watch(options: WatchOptions): AsyncIterable<WatchEventView>;
  status(): Promise<MemberStatusView>;

  // --- membership (docs/operations.md, "Membership changes") ---
  /** The configuration this member has applied. */
  members(): Promise<MembersView>;
  /** Proposes one membership change and answers the configuration it committed. */
  reconfigure(change: MembershipChange, caller: Caller): Promise<MembersView>;

  // --- the console (docs/api.md, "Console procedures") ---
  /** Bounded scan of a subtree by name prefix and/or data substring. */
  find(input: FindInput, caller: Caller): Promise<FindResultView>;
  /** An operator expires a session: its ephemerals go with cause sessionExpired. */
  expireSession(input: { sessionId: string }): Promise<{ expired: true }>;
  /** An operator lists a session's ephemerals by id (no secret), at most `limit`, sorted. */
  sessionEphemerals(
    input: { sessionId: string; limit: number },
    caller: Caller,
  ): Promise<{ paths: string[]; truncated: boolean }>;
  /** This member's status now, then on every change and at least every API_STATUS_PUSH_MS. */
  statusEvents(signal: AbortSignal): AsyncIterable<MemberStatusView>;
  /** One metrics sample every `intervalMs`. */
  metricsSamples(options: { intervalMs: number; signal: AbortSignal }): AsyncIterable<MetricsSampleView>;
  /** Committed txns: a replay (after `afterZxid`, or the last `backlog`), then live. */
  logEvents(options: LogEventsOptions): AsyncIterable<LogEntryView>;
}

export interface ConfiguredMemberView {
  id: number;
  role: "voter" | "observer";
  host: string;
  peerPort: number;
  clientPort: number;
}

/** `version`: the zxid (decimal) of the change that made this configuration, "0" for the --peer list. */
export interface MembersView {
  version: string;
  members: ConfiguredMemberView[];
}

/** Exactly one of `add` and `remove`; `fromVersion` (a decimal zxid): refuse with BADVERSION unless current. */
export interface MembershipChange {
  add?: ConfiguredMemberView;
  remove?: number;
  fromVersion?: string | undefined;
}

export interface LogEventsOptions {
  afterZxid: bigint | undefined;
  backlog: number;
  pathPrefix: string | undefined;
  signal: AbortSignal;
  /** Entries' paths the caller may not read (or outside its token's scope) are left out. */
  caller: Caller;
}

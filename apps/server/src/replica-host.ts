/**
 * The replica host: owns the pure Replica, the replicated KeelState, this server's watches and the
 * durable store, and performs what the Replica's Ready asks in the order core/zab/driver.ts
 * enforces (persist + fsync → send → apply → reply → advance).
 *
 * Work per event-loop turn is bounded, so peer traffic (pings, ACKs, COMMITs) is always handled
 * within a small fraction of syncLimit whatever the client load (TigerBeetle's "run at your own
 * pace"):
 * - peer frames are stepped as they arrive (stepping is cheap: streaming and acks are built once
 *   per Ready, not per input);
 * - client writes wait in a bounded admission queue (`pendingRequestsMax`; beyond it a caller gets
 *   THROTTLEDOP at once) and at most `ADMIT_PER_TURN_MAX` are stepped per turn;
 * - the driver runs once per turn for at most `TURN_BUDGET_MS`, then yields to I/O and continues
 *   on the next turn. One fsync covers everything stepped in the turn: group commit without a
 *   thread per stage.
 */

import type { LeaderChangeView, LearnerLagView } from "@keel/api";
import {
  type Applied,
  type DurableWrite,
  decodePeerMessage,
  drive,
  encodePeerMessage,
  encodeRequest,
  KeelError,
  type KeelErrorCode,
  KeelState,
  keelError,
  type LogEntry,
  type Membership,
  membershipOfTxn,
  ORIGIN_NONE,
  type PeerId,
  type PeerMessage,
  type PeerState,
  type Random,
  Replica,
  type ReplicaEvent,
  type ReplicaIo,
  type Reply,
  type RequestEnvelope,
  type SessionId,
  type SnapshotHeader,
  type SnapshotInProgress,
  type WatchEvent,
  type WatcherId,
  WatchTable,
  type Zxid,
} from "@keel/core";
import type { ReplicaStore, SnapshotWrite } from "@keel/db";
import type { Logger } from "pino";
import type { ServerConfig } from "./config.js";
import { learnerLagViews } from "./learner-lag.js";
import { bootstrapMembership } from "./membership.js";
import { LatencyWindow } from "./ops/latency-window.js";
import type { ServerMetrics } from "./ops/metrics.js";
import type { PeerDownReason, PeerNetwork } from "./peer/peer-network.js";
import { PendingCalls } from "./pending-calls.js";
import { ProposalTimes } from "./proposal-times.js";
import { replicaConfigFrom } from "./replica-config.js";
import { SnapshotTrigger } from "./snapshot-trigger.js";

export type SyncType = "DIFF" | "TRUNC" | "SNAP";

/** Client writes stepped into the replica per event-loop turn; the rest wait for the next turn. */
export const ADMIT_PER_TURN_MAX = 512;
/**
 * Wall-clock budget of one turn's driving, in ms: after it the host yields to I/O (peer frames,
 * timers, client sockets) and continues on the next turn. Far below any syncLimit (≥ 2 ticks).
 */
export const TURN_BUDGET_MS = 10;
/** Leaders this server remembers serving under (MemberStatusView.leaderChanges). */
export const LEADER_CHANGES_MAX = 20;

interface AdmittedWrite {
  readonly requestId: number;
  readonly request: Uint8Array;
}

/**
 * Event-loop time one turn of the background snapshot writer may take (at least one chunk per
 * turn): serializing a chunk of about SNAPSHOT_CHUNK_BYTES_TARGET takes a few ms, so a big tree is
 * written over many turns instead of blocking requests and heartbeats (docs/storage.md).
 */
const SNAPSHOT_TURN_BUDGET_MS = 4;
/** What one turn of a purge deletes at most: deleting big blobs makes SQLite walk every overflow page. */
const PURGE_STEP_BUDGET = { chunksMax: 2, entriesMax: 32 } as const;

/** A periodic snapshot being written: the consistent view's chunks and the store rows they go to. */
interface BackgroundSnapshot {
  readonly progress: SnapshotInProgress;
  readonly write: SnapshotWrite;
}

export interface ReplicaHostDeps {
  readonly config: ServerConfig;
  readonly store: ReplicaStore;
  readonly network: PeerNetwork;
  readonly logger: Logger;
  readonly metrics: ServerMetrics;
  readonly random: Random;
  /** Wall-clock milliseconds; injected so the host never reads a global clock itself. */
  readonly clock: () => number;
}

/**
 * A call waiting for the replica. Its deadline is checked on the tick rather than by a timer of its
 * own: every call has the same timeout, so the maps (insertion-ordered) expire from the front, and
 * a write costs no timer to arm and clear.
 */
interface PendingWrite {
  resolve(applied: Applied): void;
  reject(error: KeelError): void;
  readonly deadlineMs: number;
}

/** Called for every applied txn, after watch events were delivered and before the caller's reply. */
export type AppliedListener = (applied: Applied) => void;
export type WatchSink = (events: readonly WatchEvent[]) => void;

export class ReplicaHost {
  readonly state: KeelState;
  readonly watches = new WatchTable();
  private readonly replica: Replica;
  private readonly pendingWrites = new Map<number, PendingWrite>();
  private readonly pendingSyncs = new PendingCalls<Zxid>();
  private readonly pendingTouches = new PendingCalls<boolean>();
  private readonly watchSinks = new Map<WatcherId, WatchSink>();
  private readonly appliedListeners = new Set<AppliedListener>();
  private readonly resetListeners = new Set<() => void>();
  private readonly membershipListeners = new Set<(membership: Membership) => void>();
  /** The --peer list's membership, until a change is committed (then the tree's). */
  private readonly bootstrap: Membership;
  private readonly stopServingListeners = new Set<(reason: string) => void>();
  // Request ids must never repeat across restarts of this process: a txn proposed by an earlier
  // incarnation may still commit after a restart, and must not be taken for a new caller's write.
  private nextRequestId: number;
  private nextSyncId = 1;
  private nextTouchId = 1;
  private nextWatcherId = 1;
  /** Client writes accepted but not yet stepped into the replica, oldest first (`admittedHead` onward). */
  private admitted: AdmittedWrite[] = [];
  private admittedHead = 0;
  private turnScheduled = false;
  /** Inside `drive`: inputs must wait (see `onLinkDown`). */
  private driving = false;
  /** Peers whose link closed during a drive (at most one entry per peer), stepped as LINK_DOWN right after it. */
  private readonly linksDown = new Set<PeerId>();
  private tickTimer: NodeJS.Timeout | undefined;
  private readonly snapshotTrigger: SnapshotTrigger;
  /** When this host was created, and how many txns it applied until it first served: the start-up log line. */
  private readonly createdAtMs = performance.now();
  private appliedBeforeServing = 0;
  private servedOnce = false;
  private snapshotting: BackgroundSnapshot | undefined;
  private purging = false;
  private syncSeen: SyncType | undefined;
  private closed = false;
  /** Whether the replica was serving when the last drive ended: a role change then strands its writes. */
  private servingAfterLastDrive = false;
  /** Role, leader, epoch and serving after the last turn: a change tells the status listeners. */
  private statusKey = "";
  private readonly statusListeners = new Set<() => void>();
  /** The leaders this server served under, oldest first, at most LEADER_CHANGES_MAX. */
  private readonly servedLeaders: LeaderChangeView[] = [];
  /** When this server, leading, logged each recent proposal: learners' lagMs. */
  private readonly proposalTimes = new ProposalTimes();
  /** Every durable write is one fsynced SQLite transaction: counted and timed for the console. */
  readonly fsyncLatency = new LatencyWindow();
  fsyncCount = 0;
  /** Txns applied since start (the console's commits). */
  appliedCount = 0;

  lastSyncType: SyncType | undefined;

  constructor(private readonly deps: ReplicaHostDeps) {
    const { config, store } = deps;
    this.nextRequestId = deps.clock() * 1000;
    this.state = this.loadState(store);
    this.bootstrap = bootstrapMembership(config);
    this.snapshotTrigger = new SnapshotTrigger(
      { everyTxns: config.snapshotEveryTxns, everyBytes: config.snapshotEveryBytes },
      Number(store.latestSnapshotHeader()?.bytesTotal ?? 0),
    );
    this.replica = new Replica({
      config: replicaConfigFrom(config),
      log: store,
      app: this.state,
      random: deps.random,
      appliedZxid: this.state.lastAppliedZxid,
      membership: { ofTxn: membershipOfTxn, applied: () => this.membership() },
    });
    deps.network.onFrame((from, frame) => this.onFrame(from, frame));
    deps.network.onPeerDown((peer, reason) => this.onLinkDown(peer as PeerId, reason));
  }

  private loadState(store: ReplicaStore): KeelState {
    const { config } = this.deps;
    const stateConfig = {
      dataBytesMax: config.dataBytesMax,
      sessionTimeoutMinMs: config.minSessionTimeoutMs,
      sessionTimeoutMaxMs: config.maxSessionTimeoutMs,
      sessionExpiryBucketMs: config.tickMs,
      historyTxnsMax: config.historyTxnsMax,
    };
    const header = store.latestSnapshotHeader();
    if (header === undefined) return new KeelState(stateConfig);
    const started = performance.now();
    const restored = KeelState.restore(this.snapshotFromStore(store, header), stateConfig);
    if (restored instanceof KeelError) throw restored;
    this.deps.logger.info(
      {
        zxid: header.zxid.toString(),
        bytes: String(header.bytesTotal),
        znodes: restored.nodeCount,
        ms: Math.round(performance.now() - started),
      },
      "start-up: state restored from the snapshot",
    );
    return restored;
  }

  /** The snapshot `header` describes, its chunks read one at a time (a big one is never one buffer). */
  private snapshotFromStore(store: ReplicaStore, header: SnapshotHeader): { zxid: Zxid; chunks: Iterable<Uint8Array> } {
    function* chunks(): Generator<Uint8Array> {
      for (let index = 0; index < header.chunkCount; index++) {
        const chunk = store.snapshotChunk(header.zxid, index);
        if (chunk === undefined) throw keelError("MARSHALLINGERROR", `snapshot chunk ${index} is missing or corrupt`);
        yield chunk;
      }
    }
    return { zxid: header.zxid, chunks: chunks() };
  }

  start(): void {
    this.tickTimer = setInterval(() => this.onTick(), this.deps.config.tickMs);
    this.scheduleTurn();
  }

  /** Stops ticking and fails every waiting call; the caller closes the network and the store. */
  stop(): void {
    this.closed = true;
    this.cancelSnapshot();
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.failPending(
      "CONNECTIONLOSS",
      "the server is shutting down; a write may have been applied: read before retrying",
    );
  }

  get selfId(): number {
    return this.deps.config.id;
  }

  // Role, leader and serving state are the replica's; the host only reads them.
  get role(): PeerState {
    return this.replica.state;
  }

  get leaderId(): PeerId | undefined {
    return this.replica.leaderId;
  }

  /** An established leader that has applied its synchronized history, or a learner that received UPTODATE. */
  get serving(): boolean {
    return this.replica.serving;
  }

  get electionCount(): number {
    return this.replica.electionCount;
  }

  // --- inputs -------------------------------------------------------------------------------

  private onTick(): void {
    if (this.closed) return;
    const now = this.deps.clock();
    this.replica.tick(now);
    this.expireCalls(now);
    this.scheduleTurn();
  }

  /** Fails the calls whose deadline passed (oldest first: they all have the same timeout). */
  private expireCalls(nowMs: number): void {
    const { requestTimeoutMs } = this.deps.config;
    for (const [id, pending] of this.pendingWrites) {
      if (pending.deadlineMs > nowMs) break;
      this.pendingWrites.delete(id);
      pending.reject(
        keelError("OPERATIONTIMEOUT", `no commit within ${requestTimeoutMs} ms; the write may still apply`),
      );
    }
    this.pendingSyncs.expire(nowMs, () =>
      keelError("OPERATIONTIMEOUT", `sync did not complete within ${requestTimeoutMs} ms`),
    );
    this.pendingTouches.expire(nowMs, () =>
      keelError("OPERATIONTIMEOUT", `the leader did not confirm the session within ${requestTimeoutMs} ms`),
    );
  }

  private onFrame(from: number, frame: Uint8Array): void {
    if (this.closed) return;
    const decoded = decodePeerMessage(frame);
    if (decoded.type === "error") {
      this.deps.logger.warn({ from, reason: decoded.error.message }, "dropping a malformed peer frame");
      return;
    }
    // Session deadlines in a PING or ACKEPOCH are time left from now: "now" must not be the last tick.
    this.replica.advanceClock(this.deps.clock());
    this.replica.step({ type: "MESSAGE", from: from as PeerId, message: decoded.message });
    this.scheduleTurn();
  }

  /**
   * An established connection to `peer` closed: a follower whose leader went away fails over now
   * instead of after syncLimit, a leader drops the learner. A send inside a drive can reset a link
   * (full send queue), and stepping is not allowed mid-drive: those wait for the drive to finish.
   */
  private onLinkDown(peer: PeerId, reason: PeerDownReason): void {
    if (this.closed || reason === "shutdown") return;
    if (this.driving) {
      this.linksDown.add(peer);
      return;
    }
    this.replica.step({ type: "LINK_DOWN", peer });
    this.scheduleTurn();
  }

  /** Proposes a write; resolves when it is applied here (committed by a quorum), with its result. */
  submit(envelope: Omit<RequestEnvelope, "origin">): Promise<Applied> {
    const { config } = this.deps;
    if (this.pendingWrites.size >= config.pendingRequestsMax) {
      return Promise.reject(keelError("THROTTLEDOP", `more than ${config.pendingRequestsMax} writes are waiting`));
    }
    const requestId = this.nextRequestId++;
    const request = encodeRequest({ ...envelope, origin: { ...ORIGIN_NONE, peer: config.id, requestId } });
    return new Promise<Applied>((resolve, reject) => {
      this.pendingWrites.set(requestId, { resolve, reject, deadlineMs: this.deps.clock() + config.requestTimeoutMs });
      this.admitted.push({ requestId, request });
      this.scheduleTurn();
    });
  }

  /** Resolves once this server has applied everything the leader had committed when the sync reached it. */
  sync(): Promise<Zxid> {
    const syncId = this.nextSyncId++;
    return this.pendingSyncs.wait(syncId, this.deps.clock() + this.deps.config.requestTimeoutMs, () => {
      this.replica.step({ type: "SYNC", syncId });
      this.scheduleTurn();
    });
  }

  /**
   * A keep-alive whose answer the client relies on: resolves once the leader has extended the
   * session's deadline from a moment after this call and a quorum knows the new deadline (so a next
   * leader keeps it); fails with SESSIONEXPIRED when the leader had already given the session up
   * (expiring, closing or gone). A fire-and-forget `touch` cannot tell those apart, so a follower
   * would answer "ok" for a session about to be closed (docs/protocol.md §3.5).
   */
  async confirmSession(sessionId: SessionId): Promise<void> {
    if (this.closed) throw keelError("CONNECTIONLOSS", "the server is shutting down");
    const touchId = this.nextTouchId++;
    const open = await this.pendingTouches.wait(touchId, this.deps.clock() + this.deps.config.requestTimeoutMs, () => {
      this.replica.advanceClock(this.deps.clock());
      this.replica.step({ type: "CONFIRM_TOUCH", touchId, session: sessionId });
      this.scheduleTurn();
    });
    if (!open) throw keelError("SESSIONEXPIRED", `session ${sessionId} has expired or was closed`);
  }

  /** Session activity seen by this server; the leader extends those sessions' deadlines. */
  touch(sessionIds: readonly SessionId[]): void {
    if (sessionIds.length === 0 || this.closed) return;
    this.replica.step({ type: "TOUCH", sessions: sessionIds });
    this.scheduleTurn();
  }

  // --- subscriptions ------------------------------------------------------------------------

  newWatcherId(): WatcherId {
    return this.nextWatcherId++;
  }

  setWatchSink(watcher: WatcherId, sink: WatchSink | undefined): void {
    if (sink) this.watchSinks.set(watcher, sink);
    else this.watchSinks.delete(watcher);
  }

  get watchStreamCount(): number {
    return this.watchSinks.size;
  }

  onApplied(listener: AppliedListener): () => void {
    this.appliedListeners.add(listener);
    return () => this.appliedListeners.delete(listener);
  }

  /**
   * Called as soon as this server stops serving (LOOKING, or a learner out of sync): its clients
   * must hear at once, as a ZooKeeper server closes client connections when it loses the leader,
   * so that they move to another server instead of trusting a session that may be expiring.
   */
  onStopServing(listener: (reason: string) => void): () => void {
    this.stopServingListeners.add(listener);
    return () => this.stopServingListeners.delete(listener);
  }

  /** Called after a turn in which role, leader, epoch or serving changed (cluster.events). */
  onStatusChange(listener: () => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** The committed membership in the applied state (the --peer list's until a change was committed). */
  membership(): Membership {
    return this.state.membership() ?? this.bootstrap;
  }

  /** Called when the applied membership changes (a change applied, or a snapshot loaded), and once at start. */
  onMembershipChange(listener: (membership: Membership) => void): () => void {
    this.membershipListeners.add(listener);
    listener(this.membership());
    return () => this.membershipListeners.delete(listener);
  }

  /** The newest membership the replica logged: in force with the committed one until it commits. */
  get loggedMembership(): Membership {
    return this.replica.membership;
  }

  /** Called when the state was replaced by a snapshot: history-based streams can no longer continue. */
  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
  }

  // --- the driver ---------------------------------------------------------------------------

  private scheduleTurn(): void {
    if (this.turnScheduled || this.closed) return;
    this.turnScheduled = true;
    setImmediate(() => this.turn());
  }

  /** One bounded slice of work: admit some client writes, drive within the budget, come back if more is left. */
  private turn(): void {
    this.turnScheduled = false;
    if (this.closed) return;
    const deadline = performance.now() + TURN_BUDGET_MS;
    this.admitWrites();
    this.driving = true;
    try {
      drive(this.replica, this.io, () => performance.now() < deadline);
    } finally {
      this.driving = false;
    }
    this.noteServing();
    this.noteStatus();
    this.maybeSnapshot();
    const linksDown = [...this.linksDown];
    this.linksDown.clear();
    for (const peer of linksDown) this.onLinkDown(peer, "closed");
    if (this.admittedCount > 0 || this.replica.hasReady()) this.scheduleTurn();
  }

  /** Records whether the replica serves after this turn, and tells listeners when it just stopped. */
  private noteServing(): void {
    const serving = this.replica.serving;
    const stopped = this.servingAfterLastDrive && !serving;
    this.servingAfterLastDrive = serving;
    if (serving && !this.servedOnce) {
      this.servedOnce = true;
      this.deps.logger.info(
        {
          ms: Math.round(performance.now() - this.createdAtMs),
          replayedTxns: this.appliedBeforeServing,
          zxid: this.state.lastAppliedZxid.toString(),
        },
        "start-up: serving (time from loading the state, replayed txns included)",
      );
    }
    if (!stopped) return;
    const reason = `server ${this.selfId} stopped serving (${this.replica.state.toLowerCase()})`;
    for (const listener of this.stopServingListeners) listener(reason);
  }

  /**
   * Tells the status listeners (cluster.events) when role, leader, epoch or serving changed in this
   * turn, and records a new (epoch, leader) this server started serving under.
   */
  private noteStatus(): void {
    const epoch = this.replica.currentEpoch;
    const leader = this.replica.leaderId;
    const serving = this.replica.serving;
    const key = `${this.replica.state}|${leader ?? "-"}|${epoch}|${serving}`;
    if (key === this.statusKey) return;
    this.statusKey = key;
    const last = this.servedLeaders.at(-1);
    if (serving && leader !== undefined && (last?.epoch !== epoch || last.leaderId !== leader)) {
      if (this.servedLeaders.length >= LEADER_CHANGES_MAX) this.servedLeaders.shift();
      this.servedLeaders.push({ epoch, leaderId: leader, atMs: this.deps.clock() });
    }
    for (const listener of this.statusListeners) {
      try {
        listener();
      } catch (error) {
        this.deps.logger.error({ err: error }, "a status listener failed");
      }
    }
  }

  private get admittedCount(): number {
    return this.admitted.length - this.admittedHead;
  }

  private admitWrites(): void {
    const end = Math.min(this.admitted.length, this.admittedHead + ADMIT_PER_TURN_MAX);
    for (; this.admittedHead < end; this.admittedHead++) {
      const write = this.admitted[this.admittedHead] as AdmittedWrite;
      // A write that timed out while queued is not proposed at all: its caller was already answered.
      if (this.pendingWrites.has(write.requestId)) this.replica.step({ type: "REQUEST", ...write });
    }
    if (this.admittedHead === this.admitted.length) {
      this.admitted = [];
      this.admittedHead = 0;
    }
  }

  private readonly io: ReplicaIo = {
    persist: (write) => this.persist(write),
    send: (to, message) => this.send(to, message),
    restore: (snapshot) => this.restore(snapshot),
    apply: (entries) => this.apply(entries),
    reply: (replies) => this.reply(replies),
    observe: (events) => this.observe(events),
  };

  private persist(write: DurableWrite): void {
    const startedNs = process.hrtime.bigint();
    this.deps.store.write(write);
    const seconds = Number(process.hrtime.bigint() - startedNs) / 1e9;
    this.deps.metrics.fsyncDurationSeconds.observe(seconds);
    const nowMs = this.deps.clock();
    this.fsyncCount += 1;
    this.fsyncLatency.record(seconds * 1000, nowMs);
    if (this.replica.state === "LEADING")
      for (const entry of write.entries) this.proposalTimes.record(entry.zxid, nowMs);
    if (write.installSnapshot !== undefined) this.syncSeen = "SNAP";
    else if (write.truncateAfter !== undefined && this.syncSeen !== "SNAP") this.syncSeen = "TRUNC";
  }

  /**
   * A failed send is a lost message, never a crash: ZAB tolerates lost messages (the peer resyncs
   * or an election follows), so the error is logged and counted and the drive goes on.
   */
  private send(to: PeerId, message: PeerMessage): void {
    try {
      this.deps.network.send(to, encodePeerMessage(message));
    } catch (error) {
      this.deps.metrics.peerFramesDroppedTotal.inc({ reason: "sendFailed" });
      this.deps.logger.error({ err: error, to, type: message.type }, "peer send failed; the message is lost");
    }
  }

  /** The snapshot a SNAP installed (already durable): reload the state from it, chunk by chunk. */
  private restore(header: SnapshotHeader): void {
    this.cancelSnapshot(); // the install replaced every snapshot row, the one being written too
    const error = this.state.restore(this.snapshotFromStore(this.deps.store, header));
    if (error) throw error; // a snapshot the leader sent that does not decode is a bug: crash, do not serve it
    this.snapshotTrigger.started();
    this.snapshotTrigger.written(Number(header.bytesTotal));
    for (const listener of this.resetListeners) listener();
    this.membershipChanged();
  }

  private membershipChanged(): void {
    const membership = this.membership();
    const own = membership.members.find((member) => member.id === this.deps.config.id);
    this.deps.logger.info(
      {
        version: membership.version.toString(),
        members: membership.members.map((member) => `${member.id}:${member.role}`).join(","),
      },
      own === undefined
        ? "membership changed: this server is not a member (it follows without a vote until stopped or added)"
        : `membership changed: this server is a ${own.role}`,
    );
    for (const listener of this.membershipListeners) listener(membership);
  }

  private apply(entries: readonly LogEntry[]): void {
    for (const entry of entries) {
      const applied = this.state.apply(entry);
      // Watch events first: a client sees the event before the reply that carries the new data.
      const events = this.watches.trigger(applied.changes, applied.zxid);
      for (const [watcher, list] of events) this.watchSinks.get(watcher)?.(list);
      for (const listener of this.appliedListeners) listener(applied);
      if (applied.txnType === "reconfig") this.membershipChanged();
      const { origin } = applied.header;
      if (origin.peer === this.deps.config.id) this.settleWrite(origin.requestId, applied);
    }
    this.appliedCount += entries.length;
    this.snapshotTrigger.applied(entries);
    if (!this.servedOnce) this.appliedBeforeServing += entries.length;
    this.deps.metrics.setLastZxid(this.state.lastAppliedZxid);
  }

  private settleWrite(requestId: number, applied: Applied): void {
    const pending = this.pendingWrites.get(requestId);
    if (!pending) return;
    this.pendingWrites.delete(requestId);
    pending.resolve(applied);
  }

  private reply(replies: readonly Reply[]): void {
    for (const reply of replies) {
      switch (reply.type) {
        case "SYNCED":
          this.pendingSyncs.resolve(reply.syncId, reply.zxid);
          break;
        case "SYNC_FAILED":
          this.pendingSyncs.reject(reply.syncId, keelError(reply.code, "sync failed: no leader right now"));
          break;
        case "TOUCH_CONFIRMED":
          this.pendingTouches.resolve(reply.touchId, reply.open);
          break;
        case "TOUCH_FAILED":
          this.pendingTouches.reject(
            reply.touchId,
            keelError(reply.code, "keep-alive not confirmed: no leader right now"),
          );
          break;
        case "REQUEST_REJECTED": {
          const pending = this.pendingWrites.get(reply.requestId);
          if (!pending) break;
          this.pendingWrites.delete(reply.requestId);
          pending.reject(keelError(reply.code, rejectionMessage(reply.code)));
          break;
        }
      }
    }
  }

  private observe(events: readonly ReplicaEvent[]): void {
    for (const event of events) {
      switch (event.type) {
        case "ROLE":
          this.onRole(event.role, event.leader);
          break;
        case "ESTABLISHED":
          this.deps.logger.info({ epoch: event.epoch }, "leading: established with a quorum");
          break;
        case "SERVING":
          this.lastSyncType = this.syncSeen ?? "DIFF";
          this.deps.logger.info(
            { epoch: event.epoch, leader: event.leader, sync: this.lastSyncType },
            "synced with the leader",
          );
          break;
        case "STEP_DOWN":
          this.deps.logger.warn({ reason: event.reason }, "stepping down");
          break;
      }
    }
  }

  private onRole(role: PeerState, leader: PeerId | undefined): void {
    this.syncSeen = undefined;
    this.deps.metrics.setRole(role.toLowerCase() as "looking" | "following" | "leading" | "observing");
    if (role === "LOOKING") {
      this.deps.metrics.leaderElectionsTotal.inc();
      // Writes waiting on a leader that is gone: their outcome is unknown (as after a ZooKeeper
      // connection loss), so the caller must read before retrying (docs/errors.md).
      if (this.servingAfterLastDrive) {
        this.failPending("CONNECTIONLOSS", "lost the leader; the write may have been applied: read before retrying");
      }
    }
    this.deps.logger.info({ role, leader }, "role changed");
  }

  private failPending(code: "CONNECTIONLOSS", message: string): void {
    for (const [id, pending] of this.pendingWrites) {
      pending.reject(keelError(code, message));
      this.pendingWrites.delete(id);
    }
    this.pendingSyncs.rejectAll(() => keelError(code, message));
    this.pendingTouches.rejectAll(() => keelError(code, message));
  }

  /**
   * When a snapshot is due (snapshot-trigger.ts: a count of txns or of their bytes), starts one of
   * the applied state in the background: a copy-on-write view taken now (consistent at this zxid
   * while txns keep applying), serialized and written a few chunks per event-loop turn, committed
   * and purged when done.
   */
  private maybeSnapshot(): void {
    const { store, logger } = this.deps;
    if (this.snapshotting !== undefined) return;
    const reason = this.snapshotTrigger.due();
    if (reason === undefined) return;
    logger.info(
      { reason, txns: this.snapshotTrigger.txnsSince, bytes: this.snapshotTrigger.bytesSince },
      "snapshot due",
    );
    this.snapshotTrigger.started();
    const progress = this.state.snapshotInBackground();
    this.snapshotting = { progress, write: store.beginSnapshot(progress.zxid) };
    this.scheduleSnapshotTurn();
  }

  private scheduleSnapshotTurn(): void {
    setImmediate(() => {
      try {
        this.snapshotTurn();
      } catch (error) {
        // A failed periodic snapshot costs only log retention: report it, drop it, keep serving.
        this.deps.logger.error({ err: error }, "background snapshot failed; abandoned");
        this.cancelSnapshot();
      }
    });
  }

  /** One turn of the background snapshot: chunks for about SNAPSHOT_TURN_BUDGET_MS, then yield. */
  private snapshotTurn(): void {
    const current = this.snapshotting;
    if (current === undefined || this.closed) return;
    const { store } = this.deps;
    const deadline = performance.now() + SNAPSHOT_TURN_BUDGET_MS;
    const chunks: Uint8Array[] = [];
    let done = false;
    do {
      const next = current.progress.chunks.next();
      if (next.done === true) done = true;
      else chunks.push(next.value);
    } while (!done && performance.now() < deadline);
    if (!store.appendSnapshotChunks(current.write, chunks)) {
      this.cancelSnapshot(); // replaced by a SNAP install meanwhile
      return;
    }
    if (!done) {
      this.scheduleSnapshotTurn();
      return;
    }
    this.finishSnapshot(current);
  }

  private finishSnapshot(current: BackgroundSnapshot): void {
    const { store, logger } = this.deps;
    current.progress.release();
    this.snapshotting = undefined;
    const info = store.commitSnapshot(current.write);
    if (info === undefined) return;
    this.snapshotTrigger.written(Number(info.bytesTotal));
    logger.info(
      { zxid: info.zxid.toString(), chunks: info.chunkCount, bytes: info.bytesTotal.toString() },
      "snapshot taken",
    );
    if (!this.purging) {
      this.purging = true;
      this.schedulePurgeStep();
    }
  }

  /** Purges what the kept snapshots cover, a bounded step per event-loop turn. */
  private schedulePurgeStep(): void {
    setImmediate(() => {
      if (this.closed) return;
      try {
        // Keep the snapshot and log a learner's sync is still reading (a SNAP being streamed).
        const options = { snapshotsToKeep: this.deps.config.snapshotsToKeep, retainZxid: this.replica.syncRetainZxid };
        const step = this.deps.store.purgeStep(options, PURGE_STEP_BUDGET);
        if (!step.done) {
          this.schedulePurgeStep();
          return;
        }
        this.deps.logger.info({ logStartZxid: String(step.logStartZxid) }, "purge done");
      } catch (error) {
        // A failed purge only keeps more on disk; the next snapshot retries it.
        this.deps.logger.error({ err: error }, "purge failed");
      }
      this.purging = false;
    });
  }

  /** Abandons a snapshot being written (a SNAP install replaced the state, or shutdown). */
  private cancelSnapshot(): void {
    const current = this.snapshotting;
    if (current === undefined) return;
    this.snapshotting = undefined;
    current.progress.release();
    if (!this.closed) {
      try {
        this.deps.store.abortSnapshot(current.write);
      } catch (error) {
        this.deps.logger.warn({ err: error }, "could not drop an abandoned snapshot; the next open drops it");
      }
    }
  }

  get outstandingWrites(): number {
    return this.pendingWrites.size;
  }

  // Read-only views for /mntr (server-status.ts).
  get outstandingSyncs(): number {
    return this.pendingSyncs.size;
  }

  /** The learners connected to this server while it leads (empty otherwise), with their sync stage. */
  get learners(): readonly { readonly peer: number; readonly stage: string }[] {
    return this.replica.learners;
  }

  get currentEpoch(): number {
    return this.replica.currentEpoch;
  }

  /** While leading, each learner's lag behind this leader's proposals (docs/api.md, "cluster.events"). */
  learnerLags(nowMs: number): LearnerLagView[] {
    const lastProposedZxid = this.replica.lastProposedZxid;
    if (lastProposedZxid === undefined) return [];
    const leader = { lastProposedZxid, committedZxid: this.replica.committedZxid };
    return learnerLagViews(this.replica.learners, leader, this.proposalTimes, nowMs);
  }

  /** The leaders this server served under, oldest first (bounded). */
  get leaderChanges(): readonly LeaderChangeView[] {
    return this.servedLeaders;
  }
}

/** REQUEST_REJECTED means core refused the write before proposing it: not applied (docs/errors.md). */
function rejectionMessage(code: KeelErrorCode): string {
  return code === "THROTTLEDOP"
    ? "the leader's request queue is full; the write was not applied: retry after a pause"
    : "no leader right now; the write was not applied: retry";
}

/**
 * stepLeader: discovery (3.1), synchronization (3.2) and broadcast (3.3) on the leader side, plus
 * session housekeeping (3.5) and sync() (3.4).
 */
import { assert, unreachable } from "../assert.js";
import type { Epoch, PeerId, SessionId, Zxid } from "../ids.js";
import { EPOCH_MAX, ZXID_COUNTER_MAX, zxid, zxidCounter, zxidEpoch } from "../ids.js";
import {
  HOUSEKEEPING_REQUESTS_MAX,
  LEARNER_FRAMES_PER_STEP_MAX,
  NON_MEMBER_LEARNERS_MAX,
  PIPELINE_MAX,
  PROPOSAL_BATCH_BYTES_MAX,
  PROPOSAL_BATCH_ENTRIES_MAX,
  REQUEST_QUEUE_MAX,
  SESSION_DEADLINES_MAX,
  SESSION_TOUCHES_MAX,
  SNAPSHOT_TRANSFER_CHUNK_BYTES_MAX,
  SYNC_FRAMES_PER_TICK_MAX,
  SYNCS_PENDING_MAX,
  TOUCH_CONFIRMS_PENDING_MAX,
} from "../limits.js";
import { InheritedDeadlines, type SessionDeadline } from "../sessions/session-deadlines.js";
import type { ReconfigView } from "./application.js";
import type { ReplicaContext } from "./context.js";
import { LearnerHandle, stageAtLeast } from "./leader-learners.js";
import { planSync } from "./learner-sync.js";
import type { LinkBody, LinkMessage, TouchStatus } from "./messages.js";
import { touchReply } from "./ready.js";
import { SnapSender } from "./snap-stream.js";
import { minZxid } from "./zxids.js";

interface QueuedRequest {
  readonly request: Uint8Array;
  /** The caller's name for the request (local or the forwarding learner's), for a rejection; none for housekeeping. */
  readonly requestId: number | undefined;
  /** The learner that forwarded it, or undefined for a local one. */
  readonly from: PeerId | undefined;
}

interface PendingSync {
  readonly syncId: number;
  /** Everything proposed when the sync reached the leader. */
  readonly markerZxid: Zxid;
  /** First PING round sent after the sync arrived: a quorum echoing it proves this leader was still the leader. */
  readonly round: number;
  /** The learner that asked, or undefined for a local sync. */
  readonly peer: PeerId | undefined;
}

/** A confirmed touch of an open session, answered once a quorum echoed a PING carrying its deadline. */
interface PendingTouch {
  readonly touchId: number;
  /** The learner that asked, or undefined for a local keep-alive. */
  readonly peer: PeerId | undefined;
  /** The PING round that carried the new deadline (undefined until one did). */
  round: number | undefined;
}

export class Leader {
  /** The new epoch, once a quorum's FOLLOWERINFO fixed it. */
  epoch: Epoch | undefined;
  established = false;
  /** Established, history applied and `startLeading` called: proposals may flow. */
  serving = false;
  readonly learners = new Map<PeerId, LearnerHandle>();
  private readonly startTick: number;
  /** Last tick a learner acknowledged a SNAP chunk: a transfer making progress extends initLimit. */
  private snapProgressTick: number;
  /** End of the history this leader synchronizes (set when a quorum acked the epoch). */
  private historyZxid: Zxid | undefined;
  private currentEpochDurable = false;
  lastProposedZxid: Zxid;
  private readonly requests: QueuedRequest[] = [];
  private readonly syncs: PendingSync[] = [];
  private pingRound = 0;
  private readonly touchConfirms: PendingTouch[] = [];
  /** Session deadlines gathered in discovery for `startLeading` (docs/protocol.md §3.5). */
  private readonly inheritedDeadlines = new InheritedDeadlines();
  /** A sync arrived: send a PING round at the end of this step instead of waiting for the tick. */
  private pingSoon = false;
  /** What prepare needs to judge a membership change (application.ts). */
  private readonly reconfigView: ReconfigView = {
    membership: () => this.ctx.configs.newest,
    changePending: () => this.ctx.configs.changePending,
    isSynced: (peer) => peer === this.ctx.self || this.isSyncedFollower(peer),
  };

  constructor(private readonly ctx: ReplicaContext) {
    this.startTick = ctx.nowTicks;
    this.snapProgressTick = ctx.nowTicks;
    this.lastProposedZxid = ctx.log.lastLogged();
    this.inheritedDeadlines.add(ctx.deadlines.report(ctx.nowMs), ctx.nowMs);
  }

  step(from: PeerId, m: LinkMessage): void {
    if (m.type === "FOLLOWERINFO" || m.type === "OBSERVERINFO") {
      this.onInfo(from, m.type === "OBSERVERINFO", m);
      return;
    }
    const handle = this.learners.get(from);
    if (handle === undefined) return;
    const verdict = handle.link.accept(m);
    if (verdict === "gap") this.learners.delete(from);
    if (verdict !== "ok") return;
    handle.lastHeardTick = this.ctx.nowTicks;
    this.dispatch(handle, m);
  }

  private dispatch(h: LearnerHandle, m: LinkMessage): void {
    switch (m.type) {
      case "ACKEPOCH":
        if (!h.observer && !this.serving) this.inheritedDeadlines.add(m.deadlines, this.ctx.nowMs);
        this.onAckEpoch(h, m.currentEpoch, m.lastZxid, m.fresh);
        return;
      case "ACKNEWLEADER":
        this.onAckNewLeader(h, m.epoch);
        return;
      case "ACK":
        this.onAck(h, m.zxid);
        return;
      case "SNAPACK":
        if (h.snap?.onAck(m.index) === true) this.snapProgressTick = this.ctx.nowTicks;
        return;
      case "REQUEST":
        if (!stageAtLeast(h.stage, "ACKED")) return;
        for (const forwarded of m.requests) this.request(forwarded.request, forwarded.requestId, h.peer);
        return;
      case "PINGREPLY":
        if (m.round > h.pingRoundAcked) h.pingRoundAcked = m.round;
        this.touch(m.sessions);
        return;
      case "SYNC":
        this.sync(m.syncId, h.peer);
        return;
      case "TOUCH":
        if (stageAtLeast(h.stage, "ACKED")) this.confirmTouch(m.touchId, m.session, h);
        return;
      case "FOLLOWERINFO":
      case "OBSERVERINFO":
      case "LEADERINFO":
      case "DIFF":
      case "TRUNC":
      case "SNAP":
      case "SNAPCHUNK":
      case "PROPOSAL":
      case "NEWLEADER":
      case "UPTODATE":
      case "COMMIT":
      case "INFORM":
      case "PING":
      case "SYNCREPLY":
      case "TOUCHREPLY":
      case "REQUESTREJECTED":
        return; // leader-to-learner messages: a confused peer, ignore
      default:
        unreachable(m);
    }
  }

  /** A follower (member or not) whose acks this leader counts, heard within syncLimit. */
  private isSyncedFollower(peer: PeerId): boolean {
    const h = this.learners.get(peer);
    return (
      h !== undefined &&
      !h.observer &&
      stageAtLeast(h.stage, "ACKED") &&
      this.ctx.nowTicks - h.lastHeardTick <= this.ctx.config.syncLimitTicks
    );
  }

  private nonMemberCount(): number {
    let count = 0;
    for (const peer of this.learners.keys())
      if (!this.ctx.configs.isVoter(peer) && !this.ctx.configs.isObserver(peer)) count++;
    return count;
  }

  private sendTo(h: LearnerHandle, body: LinkBody, early = false): void {
    this.ctx.send(h.peer, h.link.wrap(body), early);
  }

  // --- discovery (docs/protocol.md §3.1) ---

  private onInfo(from: PeerId, observer: boolean, m: LinkMessage & { acceptedEpoch: Epoch }): void {
    const { ctx } = this;
    // Either kind is accepted from anyone: a learner picks FOLLOWERINFO or OBSERVERINFO from its own
    // view of its role, which may be stale until it syncs (it re-follows as the other kind then,
    // learner.ts). Quorum math counts only voters' acks, so a wrong kind costs nothing but time.
    const existing = this.learners.get(from);
    if (existing !== undefined && existing.link.connection === m.connection) return; // duplicate
    if (m.seq !== 1) return;
    if (existing === undefined && !ctx.configs.isVoter(from) && !ctx.configs.isObserver(from)) {
      // A joining (or removed) server: it may sync and follow without a vote, within a bound.
      if (this.nonMemberCount() >= NON_MEMBER_LEARNERS_MAX) return;
    }
    const handle = new LearnerHandle(from, observer, m.acceptedEpoch, m.connection, this.ctx.nowTicks);
    handle.link.accept(m);
    this.learners.set(from, handle);
    if (m.acceptedEpoch > ctx.highestEpochSeen) ctx.highestEpochSeen = m.acceptedEpoch;
    if (this.epoch === undefined) return;
    // A voter that promised a newer epoch can never follow this one (3.1 step 4): make way for an
    // election whose leader picks an epoch above that promise, or it would stay out forever.
    if (!observer && m.acceptedEpoch > this.epoch) {
      ctx.stepDown(`learner ${from} promised a newer epoch`);
      return;
    }
    this.sendLeaderInfo(handle);
  }

  private maybeDecideEpoch(): void {
    const { ctx } = this;
    const infos = [...this.learners.values()].filter((h) => !h.observer);
    if (!ctx.configs.hasQuorum([ctx.self, ...infos.map((h) => h.peer)])) return;
    // Any epoch above every acceptedEpoch of the quorum is safe; the highest promise seen anywhere avoids a retry.
    const highest = infos.reduce<number>((max, h) => Math.max(max, h.acceptedEpoch), ctx.log.acceptedEpoch());
    const newEpoch = Math.max(highest, ctx.highestEpochSeen) + 1;
    if (newEpoch > EPOCH_MAX) {
      ctx.stepDown("epoch space exhausted");
      return;
    }
    this.epoch = newEpoch as Epoch;
    ctx.log.setAcceptedEpoch(this.epoch); // durable before LEADERINFO: it goes in sendAfterPersist
    for (const h of this.learners.values()) this.sendLeaderInfo(h);
  }

  private sendLeaderInfo(h: LearnerHandle): void {
    assert(this.epoch !== undefined, "sendLeaderInfo: no epoch");
    if (h.stage !== "INFO") return;
    this.sendTo(h, { type: "LEADERINFO", newEpoch: this.epoch });
    h.stage = "EPOCH";
  }

  private onAckEpoch(h: LearnerHandle, currentEpoch: Epoch, lastZxid: Zxid, fresh: boolean): void {
    const { ctx } = this;
    if (h.stage !== "EPOCH") return;
    h.currentEpoch = currentEpoch;
    h.lastZxid = lastZxid;
    h.freshPromise = fresh;
    h.stage = "ACKEPOCH";
    if (this.historyZxid !== undefined) {
      this.startSync(h);
      return;
    }
    // The leader must hold the most up-to-date history of its discovery quorum (3.1 step 5).
    const own = ctx.log.currentEpoch();
    const voter = ctx.configs.isVoter(h.peer);
    if (voter && (currentEpoch > own || (currentEpoch === own && lastZxid > ctx.log.lastLogged()))) {
      ctx.stepDown(`learner ${h.peer} has a newer history`);
    }
  }

  /** Discovery progress that depends on a quorum (called after every input, so 1 voter works too). */
  private advanceDiscovery(): void {
    const { ctx } = this;
    if (this.epoch === undefined) this.maybeDecideEpoch();
    if (this.epoch === undefined || this.historyZxid !== undefined) return;
    // Only fresh promises: a voter that had already promised this epoch (to another leader that
    // picked the same number) must not let two leaders both complete discovery for it.
    const acked = [...this.learners.values()].filter(
      (l) => !l.observer && l.freshPromise && stageAtLeast(l.stage, "ACKEPOCH"),
    );
    if (!ctx.configs.hasQuorum([ctx.self, ...acked.map((l) => l.peer)])) return;
    this.historyZxid = ctx.log.lastLogged();
    ctx.log.setCurrentEpoch(this.epoch);
    for (const l of this.learners.values()) if (l.stage === "ACKEPOCH") this.startSync(l);
  }

  // --- synchronization (docs/protocol.md §3.2) ---

  private startSync(h: LearnerHandle): void {
    if (h.observer && !this.established) return; // observers sync from the committed history
    const plan = planSync(this.ctx.log, h.lastZxid);
    switch (plan.type) {
      case "DIFF":
      case "TRUNC":
        this.sendTo(h, { type: plan.type, zxid: plan.zxid });
        h.sentUpToZxid = plan.zxid;
        break;
      case "SNAP":
        this.sendTo(h, { type: "SNAP", snapshot: plan.snapshot });
        h.snap = new SnapSender(plan.snapshot);
        h.sentUpToZxid = plan.snapshot.zxid;
        break;
      default:
        unreachable(plan);
    }
    h.sentCommitZxid = minZxid(h.sentUpToZxid, this.ctx.committedZxid);
    h.syncFrameCredit = SYNC_FRAMES_PER_TICK_MAX;
    h.stage = "SYNC";
    this.pump(h);
  }

  /** Streams what the learner lacks (bounded per call): snapshot chunks, entries, then NEWLEADER, then COMMITs. */
  private pump(h: LearnerHandle): void {
    if (!stageAtLeast(h.stage, "SYNC")) return;
    const { ctx } = this;
    let frames = 0;
    if (h.snap !== undefined) {
      frames = this.pumpSnapshot(h, h.snap);
      // Nothing else (entries, COMMIT) until every chunk is on the link: the learner's old log is
      // not a prefix of this history, so a COMMIT must never reach it before the snapshot does.
      if (h.snap === undefined || !h.snap.allSent) return;
      h.snap = undefined;
    }
    const target = h.observer ? ctx.committedZxid : this.lastProposedZxid;
    for (; h.sentUpToZxid < target && frames < LEARNER_FRAMES_PER_STEP_MAX; frames++) {
      // The sync stream is not acked: pace it per tick so a big DIFF never floods the link.
      if (h.stage === "SYNC") {
        if (h.syncFrameCredit <= 0) break;
        h.syncFrameCredit -= 1;
      }
      const batch = ctx.log
        .entriesAfter(h.sentUpToZxid, PROPOSAL_BATCH_ENTRIES_MAX, PROPOSAL_BATCH_BYTES_MAX)
        .filter((entry) => entry.zxid <= target);
      assert(batch.length > 0, "pump: proposed entry missing from the log");
      this.sendTo(h, { type: h.observer ? "INFORM" : "PROPOSAL", entries: batch }, true);
      h.sentUpToZxid = (batch.at(-1) ?? batch[0])?.zxid as Zxid;
    }
    if (h.stage === "SYNC" && h.sentUpToZxid === target) {
      this.sendTo(h, { type: "NEWLEADER", epoch: this.epoch as Epoch, zxid: h.sentUpToZxid });
      h.newLeaderZxid = h.sentUpToZxid;
      h.stage = "NEWLEADER";
    }
    const commit = minZxid(h.sentUpToZxid, ctx.committedZxid);
    if (this.established && !h.observer && commit > h.sentCommitZxid) {
      this.sendTo(h, { type: "COMMIT", zxid: commit }, true);
      h.sentCommitZxid = commit;
    }
  }

  /**
   * Sends the next snapshot chunks the window allows, read one at a time from the store. A chunk
   * that is gone (the snapshot was replaced) or unreadable ends the transfer: the learner is
   * dropped and starts over with a new sync (docs/protocol.md, "SNAP stream"). Returns frames sent.
   */
  private pumpSnapshot(h: LearnerHandle, snap: SnapSender): number {
    let frames = 0;
    for (; snap.canSend() && frames < LEARNER_FRAMES_PER_STEP_MAX; frames++) {
      const data = this.ctx.log.reader.snapshotChunk(snap.header.zxid, snap.nextIndex);
      if (data === undefined || data.byteLength > SNAPSHOT_TRANSFER_CHUNK_BYTES_MAX) {
        this.learners.delete(h.peer);
        h.snap = undefined;
        return frames;
      }
      this.sendTo(h, { type: "SNAPCHUNK", index: snap.nextIndex, data }, true);
      snap.sent();
    }
    return frames;
  }

  /**
   * Lowest zxid a sync in progress still reads from: the snapshot being streamed, or the log after
   * what a syncing learner has been sent. The host must not purge that snapshot or those entries.
   */
  retainZxid(): Zxid | undefined {
    let lowest: Zxid | undefined;
    for (const h of this.learners.values()) {
      if (!stageAtLeast(h.stage, "SYNC") || h.stage === "UPTODATE") continue;
      const from = h.snap?.header.zxid ?? h.sentUpToZxid;
      if (lowest === undefined || from < lowest) lowest = from;
    }
    return lowest;
  }

  private onAckNewLeader(h: LearnerHandle, epoch: Epoch): void {
    if (h.stage !== "NEWLEADER" || epoch !== this.epoch) return;
    h.stage = "ACKED";
    if (!h.observer && h.newLeaderZxid > h.ackedZxid) h.ackedZxid = h.newLeaderZxid;
    if (this.established) this.sendUpToDate(h);
    else this.maybeEstablish();
  }

  private maybeEstablish(): void {
    const { ctx } = this;
    if (this.established || !this.currentEpochDurable || this.historyZxid === undefined) return;
    const acked = [...this.learners.values()].filter((h) => !h.observer && stageAtLeast(h.stage, "ACKED"));
    if (!ctx.configs.hasQuorum([ctx.self, ...acked.map((h) => h.peer)])) return;
    // Established: the synchronized history is on a quorum in this epoch, so it is committed (3.2).
    this.established = true;
    ctx.markCommitted(this.historyZxid);
    ctx.events.push({ type: "ESTABLISHED", epoch: this.epoch as Epoch });
    for (const h of this.learners.values()) {
      if (h.stage === "ACKED") this.sendUpToDate(h);
      else if (h.observer && h.stage === "ACKEPOCH") this.startSync(h);
    }
  }

  private sendUpToDate(h: LearnerHandle): void {
    this.pump(h);
    const committed = minZxid(h.sentUpToZxid, this.ctx.committedZxid);
    this.sendTo(h, { type: "UPTODATE", committedZxid: committed });
    h.stage = "UPTODATE";
  }

  // --- broadcast (docs/protocol.md §3.3) ---

  private onAck(h: LearnerHandle, acked: Zxid): void {
    if (h.observer || !stageAtLeast(h.stage, "ACKED") || zxidEpoch(acked) !== this.epoch) return;
    if (acked > h.ackedZxid) h.ackedZxid = acked;
    this.recomputeCommit();
  }

  /** Commit = highest zxid of *this* epoch durable on a quorum, the leader's own durable log included. */
  private recomputeCommit(): void {
    const { ctx } = this;
    if (!this.established) return;
    const durable = ctx.configs.quorumMin((peer) => {
      if (peer === ctx.self) return ctx.log.lastDurable();
      const h = this.learners.get(peer);
      return h !== undefined && stageAtLeast(h.stage, "ACKED") ? h.ackedZxid : undefined;
    });
    if (durable === undefined || zxidEpoch(durable as Zxid) !== this.epoch) return;
    ctx.markCommitted(durable as Zxid);
  }

  /**
   * Queues a write for proposal. A full queue refuses it at once with THROTTLEDOP, to the local
   * caller or back to the learner that forwarded it: overload is a definite, retryable answer,
   * never a silent drop that leaves the client waiting for a timeout.
   */
  request(request: Uint8Array, requestId: number | undefined, from?: PeerId): void {
    if (this.requests.length >= REQUEST_QUEUE_MAX) {
      if (requestId === undefined) return; // housekeeping: retried on a later tick
      const handle = from === undefined ? undefined : this.learners.get(from);
      if (handle !== undefined) this.sendTo(handle, { type: "REQUESTREJECTED", requestId, code: "THROTTLEDOP" }, true);
      else if (from === undefined) this.ctx.replies.push({ type: "REQUEST_REJECTED", requestId, code: "THROTTLEDOP" });
      return;
    }
    this.requests.push({ request, requestId, from });
  }

  private outstanding(): number {
    const { committedZxid } = this.ctx;
    if (zxidEpoch(this.lastProposedZxid) !== this.epoch) return 0;
    const committed = zxidEpoch(committedZxid) === this.epoch ? zxidCounter(committedZxid) : 0;
    return zxidCounter(this.lastProposedZxid) - committed;
  }

  private proposeQueued(): void {
    const { ctx } = this;
    while (this.serving && this.requests.length > 0 && this.outstanding() < PIPELINE_MAX) {
      const epoch = this.epoch as Epoch;
      const counter = zxidEpoch(this.lastProposedZxid) === epoch ? zxidCounter(this.lastProposedZxid) : 0;
      if (counter >= ZXID_COUNTER_MAX) {
        ctx.stepDown("zxid counter exhausted");
        return;
      }
      const next = zxid(epoch, counter + 1);
      const queued = this.requests.shift() as QueuedRequest;
      ctx.appendToLog([{ zxid: next, txn: ctx.app.prepare(queued.request, next, ctx.nowMs, this.reconfigView) }]);
      this.lastProposedZxid = next;
    }
  }

  sync(syncId: number, peer: PeerId | undefined): void {
    if (!this.established || this.syncs.length >= SYNCS_PENDING_MAX) {
      if (peer === undefined) this.ctx.replies.push({ type: "SYNC_FAILED", syncId, code: "NOTREADY" });
      return;
    }
    this.syncs.push({ syncId, markerZxid: this.lastProposedZxid, peer, round: this.pingRound + 1 });
    this.pingSoon = true;
  }

  private resolveSyncs(): void {
    const { ctx } = this;
    let kept = 0;
    for (const s of this.syncs) {
      const handle = s.peer === undefined ? undefined : this.learners.get(s.peer);
      if (s.peer !== undefined && handle === undefined) continue; // learner gone: it fails its own syncs
      const waiting = ctx.committedZxid < s.markerZxid || (s.peer === undefined && ctx.appliedZxid < s.markerZxid);
      if (waiting || !this.confirmed(s.round)) {
        this.syncs[kept++] = s;
      } else if (handle === undefined) {
        ctx.replies.push({ type: "SYNCED", syncId: s.syncId, zxid: s.markerZxid });
      } else {
        this.pump(handle); // the COMMIT covering the marker precedes the reply on the link
        this.sendTo(handle, { type: "SYNCREPLY", syncId: s.syncId, zxid: s.markerZxid }, true);
      }
    }
    this.syncs.length = kept;
  }

  /**
   * Leadership confirmation for sync() (etcd's ReadIndex; docs/protocol.md §3.4, the Jepsen caveat): a
   * quorum echoed a PING sent after the sync arrived, so no newer leader had been established then.
   */
  private confirmed(round: number): boolean {
    const echoed = [...this.learners.values()].filter(
      (h) => !h.observer && stageAtLeast(h.stage, "ACKED") && h.pingRoundAcked >= round,
    );
    return this.ctx.configs.hasQuorum([this.ctx.self, ...echoed.map((h) => h.peer)]);
  }

  /**
   * Each round carries the session deadlines that changed since the last one to the followers (a
   * follower's first round from this serving leader carries all of them), so the next leader can
   * keep them (docs/protocol.md §3.5).
   */
  private ping(): void {
    const { ctx } = this;
    this.pingRound += 1;
    const round = this.pingRound;
    const changes = this.serving ? ctx.app.drainDeadlineChanges(ctx.nowMs, SESSION_TOUCHES_MAX) : [];
    let table: SessionDeadline[] | undefined;
    for (const h of this.learners.values()) {
      if (!stageAtLeast(h.stage, "SYNC")) continue;
      if (h.observer || !this.serving) {
        this.sendTo(h, { type: "PING", round, full: false, deadlines: [] }, true);
      } else if (!h.deadlinesSent) {
        table ??= ctx.app.sessionDeadlines(ctx.nowMs);
        assert(table.length <= SESSION_DEADLINES_MAX, "more session deadlines than a PING may carry");
        this.sendTo(h, { type: "PING", round, full: true, deadlines: table }, true);
        h.deadlinesSent = true;
      } else {
        this.sendTo(h, { type: "PING", round, full: false, deadlines: changes }, true);
      }
    }
    // Every change so far went out in this round: touches confirmed before it wait for its echo.
    if (changes.length < SESSION_TOUCHES_MAX) {
      for (const touch of this.touchConfirms) touch.round ??= round;
    }
  }

  touch(sessions: readonly SessionId[]): void {
    if (this.serving && sessions.length > 0) this.ctx.app.touchSessions(sessions, this.ctx.nowMs);
  }

  /**
   * A keep-alive that needs an answer (a local one when `from` is undefined). A session the tracker
   * already gave up is answered EXPIRED at once. An open one is answered OPEN only once a quorum
   * echoed a PING carrying its new deadline, so that any next leader learns it in discovery and
   * cannot expire the session before it (docs/protocol.md §3.5).
   */
  confirmTouch(touchId: number, session: SessionId, from: LearnerHandle | undefined): void {
    const { ctx } = this;
    if (!this.serving || this.touchConfirms.length >= TOUCH_CONFIRMS_PENDING_MAX) {
      this.answerTouch(touchId, from?.peer, "NOTREADY");
      return;
    }
    if (ctx.app.touchSessions([session], ctx.nowMs).length > 0) {
      this.answerTouch(touchId, from?.peer, "EXPIRED");
      return;
    }
    this.touchConfirms.push({ touchId, peer: from?.peer, round: undefined });
    this.pingSoon = true;
  }

  private answerTouch(touchId: number, peer: PeerId | undefined, status: TouchStatus): void {
    if (peer === undefined) {
      this.ctx.replies.push(touchReply(touchId, status));
      return;
    }
    const handle = this.learners.get(peer);
    if (handle !== undefined) this.sendTo(handle, { type: "TOUCHREPLY", touchId, status }, true);
  }

  private resolveTouches(): void {
    let kept = 0;
    for (const touch of this.touchConfirms) {
      if (touch.round === undefined || !this.confirmed(touch.round)) this.touchConfirms[kept++] = touch;
      else this.answerTouch(touch.touchId, touch.peer, "OPEN");
    }
    this.touchConfirms.length = kept;
  }

  // --- liveness and housekeeping ---

  tick(): void {
    const { ctx } = this;
    const { initLimitTicks, syncLimitTicks } = ctx.config;
    for (const h of [...this.learners.values()]) {
      const limit = h.stage === "UPTODATE" ? syncLimitTicks : initLimitTicks;
      if (ctx.nowTicks - h.lastHeardTick > limit) this.learners.delete(h.peer);
    }
    for (const h of this.learners.values()) {
      h.snap?.tick();
      h.syncFrameCredit = SYNC_FRAMES_PER_TICK_MAX;
    }
    this.ping();
    this.pingSoon = false;
    if (!this.established) {
      // A SNAP still making progress keeps the deadline moving: a big snapshot may take longer than initLimit.
      if (ctx.nowTicks - Math.max(this.startTick, this.snapProgressTick) > initLimitTicks) {
        ctx.stepDown("not established within initLimit");
      }
      return;
    }
    if (!this.keepsQuorum()) return;
    if (!ctx.configs.changePending && !ctx.isVoter) {
      // The change that removed this leader is committed (and its COMMIT went out with the last
      // Ready): make way, so that the remaining voters elect one of their own at once.
      ctx.stepDown("removed from the voters by a membership change");
      return;
    }
    if (this.serving) {
      for (const request of ctx.app.housekeeping(ctx.nowMs, HOUSEKEEPING_REQUESTS_MAX))
        this.request(request, undefined);
    }
  }

  /** An established leader steps down unless a quorum of synced followers was heard within syncLimit. */
  private keepsQuorum(): boolean {
    const { ctx } = this;
    const live = [...this.learners.values()].filter(
      (h) =>
        !h.observer && stageAtLeast(h.stage, "ACKED") && ctx.nowTicks - h.lastHeardTick <= ctx.config.syncLimitTicks,
    );
    if (ctx.configs.hasQuorum([ctx.self, ...live.map((h) => h.peer)])) return true;
    ctx.stepDown("lost a quorum of synced followers");
    return false;
  }

  /**
   * The connection to `peer` closed: drop its handle now (it reconnects with a new FOLLOWERINFO),
   * and give up at once if that leaves an established leader without a quorum.
   */
  linkDown(peer: PeerId): void {
    if (!this.learners.delete(peer)) return;
    if (this.established) this.keepsQuorum();
  }

  /** The Ready's write is durable: count the leader's own ack, start serving once the history is applied. */
  onAdvance(): void {
    const { ctx } = this;
    if (!this.currentEpochDurable && this.epoch !== undefined && ctx.log.reader.epochs().currentEpoch === this.epoch) {
      this.currentEpochDurable = true;
      this.maybeEstablish();
    }
    this.recomputeCommit();
    if (
      this.established &&
      !this.serving &&
      ctx.appliedZxid >= (this.historyZxid as Zxid) &&
      ctx.commits.length === 0
    ) {
      this.serving = true;
      ctx.app.startLeading(ctx.nowMs, this.inheritedDeadlines.inherited());
    }
  }

  /**
   * Runs after every input: propose, answer syncs. Streaming to learners waits for `flush()` (called
   * by `ready()`), so every input stepped before one Ready shares one PROPOSAL and one COMMIT per
   * learner: the message count follows Ready rounds, not client requests.
   */
  afterStep(): void {
    if (this.ctx.transition !== undefined) return;
    this.advanceDiscovery();
    this.proposeQueued();
    this.recomputeCommit();
    if (this.pingSoon) this.ping();
    this.pingSoon = false;
    this.ctx.emitCommits();
    this.resolveSyncs();
    this.resolveTouches();
  }

  /** Streams what each learner lacks (bounded per learner per call); `ready()` calls it first. */
  flush(): void {
    for (const h of this.learners.values()) this.pump(h);
  }

  /**
   * Whether `flush()` would send anything: it mirrors `pump`'s conditions exactly, because a true
   * answer that sends nothing would keep `hasReady()` true and spin the driver.
   */
  hasFlush(): boolean {
    for (const h of this.learners.values()) if (this.pumpWouldSend(h)) return true;
    return false;
  }

  private pumpWouldSend(h: LearnerHandle): boolean {
    if (!stageAtLeast(h.stage, "SYNC")) return false;
    if (h.snap !== undefined) return h.snap.canSend() || h.snap.allSent;
    const target = h.observer ? this.ctx.committedZxid : this.lastProposedZxid;
    if (h.sentUpToZxid < target && (h.stage !== "SYNC" || h.syncFrameCredit > 0)) return true;
    if (h.stage === "SYNC" && h.sentUpToZxid === target) return true;
    return this.established && !h.observer && minZxid(h.sentUpToZxid, this.ctx.committedZxid) > h.sentCommitZxid;
  }

  stop(): void {
    const { ctx } = this;
    // Queued requests were never proposed (proposeQueued removes what it proposes): not applied.
    for (const queued of this.requests) {
      if (queued.requestId !== undefined && queued.from === undefined) {
        ctx.replies.push({ type: "REQUEST_REJECTED", requestId: queued.requestId, code: "NOTREADY" });
      }
    }
    for (const s of this.syncs) {
      if (s.peer === undefined) ctx.replies.push({ type: "SYNC_FAILED", syncId: s.syncId, code: "CONNECTIONLOSS" });
    }
    for (const touch of this.touchConfirms) {
      if (touch.peer === undefined) {
        ctx.replies.push({ type: "TOUCH_FAILED", touchId: touch.touchId, code: "CONNECTIONLOSS" });
      }
    }
    this.requests.length = 0;
    this.syncs.length = 0;
    this.touchConfirms.length = 0;
    if (this.serving) {
      // This replica may follow the next leader: it hands over what it confirmed, like any follower.
      ctx.deadlines.replace(ctx.app.sessionDeadlines(ctx.nowMs), ctx.nowMs);
      ctx.app.stopLeading();
    }
    this.serving = false;
  }
}

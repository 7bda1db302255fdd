/**
 * stepFollower / stepObserver: the learner side of discovery (3.1), synchronization (3.2) and
 * broadcast (3.3, 3.6). Followers log PROPOSALs and ACK them after they are durable; observers log
 * INFORMs (already committed) and never ack or vote.
 */
import { assert, unreachable } from "../assert.js";
import type { Epoch, PeerId, SessionId, Zxid } from "../ids.js";
import { zxidEpoch } from "../ids.js";
import {
  FORWARD_BATCH_REQUESTS_MAX,
  PROPOSAL_BATCH_BYTES_MAX,
  SESSION_TOUCHES_MAX,
  SYNCS_PENDING_MAX,
  TOUCH_CONFIRMS_PENDING_MAX,
} from "../limits.js";
import type { ReplicaContext } from "./context.js";
import type { LogEntry, SnapshotHeader } from "./io.js";
import { LinkState } from "./link.js";
import type { ForwardedRequest, LinkBody, LinkMessage, PeerMessage } from "./messages.js";
import { touchReply } from "./ready.js";
import { type ReceiveResult, SnapReceiver } from "./snap-stream.js";

/** CONNECTING: FOLLOWERINFO sent. SYNCING: ACKEPOCH sent, receiving the stream. ACKED: NEWLEADER acked. UPTODATE: serving. */
export type LearnerStage = "CONNECTING" | "SYNCING" | "ACKED" | "UPTODATE";

export class Learner {
  stage: LearnerStage = "CONNECTING";
  private readonly link: LinkState;
  private newEpoch: Epoch | undefined;
  private readonly startTick: number;
  private lastHeardTick: number;
  /** Last tick the sync made progress (start, or a SNAP chunk staged): initLimit counts from here. */
  private progressTick: number;
  /** The SNAP transfer being received, from its header until the snapshot is installed. */
  private snap: SnapReceiver | undefined;
  private readonly touches = new Set<SessionId>();
  /** Highest live proposal logged since the last Ready: acknowledged once, cumulatively, by `flush()`. */
  private ackPending: Zxid | undefined;
  /** Client writes to forward to the leader with the next Ready. */
  private forwarding: ForwardedRequest[] = [];
  /** sync() calls sent to the leader (zxid undefined) or answered and waiting for the local apply. */
  private readonly syncs = new Map<number, Zxid | undefined>();
  /** confirmTouch() calls sent to the leader and not yet answered. */
  private readonly touchConfirms = new Set<number>();
  /** FOLLOWERINFO / OBSERVERINFO, resent each tick until the leader answers (it may still be deciding). */
  private readonly info: PeerMessage;

  constructor(
    private readonly ctx: ReplicaContext,
    readonly leader: PeerId,
    readonly observer: boolean,
  ) {
    this.startTick = ctx.nowTicks;
    this.lastHeardTick = ctx.nowTicks;
    this.progressTick = ctx.nowTicks;
    this.link = new LinkState(1 + ctx.random.int(0x7fff_fffe));
    const acceptedEpoch = ctx.log.acceptedEpoch();
    this.info = this.link.wrap(
      observer ? { type: "OBSERVERINFO", acceptedEpoch } : { type: "FOLLOWERINFO", acceptedEpoch },
    );
    ctx.send(leader, this.info);
  }

  /** Learner messages always wait for the pending write: each may depend on it (docs/protocol.md §5). */
  private send(body: LinkBody): void {
    this.ctx.send(this.leader, this.link.wrap(body));
  }

  step(from: PeerId, m: LinkMessage): void {
    if (from !== this.leader) return;
    const verdict = this.link.accept(m);
    if (verdict === "gap") {
      this.ctx.stepDown("lost a message from the leader");
      return;
    }
    if (verdict !== "ok") return;
    this.lastHeardTick = this.ctx.nowTicks;
    this.dispatch(m);
  }

  private dispatch(m: LinkMessage): void {
    switch (m.type) {
      case "LEADERINFO":
        this.onLeaderInfo(m.newEpoch);
        return;
      case "DIFF":
        this.onDiff(m.zxid);
        return;
      case "TRUNC":
        this.onTrunc(m.zxid);
        return;
      case "SNAP":
        this.onSnap(m.snapshot);
        return;
      case "SNAPCHUNK":
        this.onSnapChunk(m.index, m.data);
        return;
      case "PROPOSAL":
      case "INFORM":
        this.onEntries(m.entries, m.type === "INFORM");
        return;
      case "NEWLEADER":
        this.onNewLeader(m.epoch, m.zxid);
        return;
      case "UPTODATE":
        this.onUpToDate(m.committedZxid);
        return;
      case "COMMIT":
        // Never while a snapshot is half received: the old log is not a prefix of the leader's history.
        if (this.stage !== "CONNECTING" && this.snap === undefined) this.ctx.markCommitted(m.zxid);
        return;
      case "PING":
        this.onPing(m);
        return;
      case "SYNCREPLY":
        if (this.syncs.has(m.syncId)) this.syncs.set(m.syncId, m.zxid);
        return;
      case "REQUESTREJECTED":
        this.ctx.replies.push({ type: "REQUEST_REJECTED", requestId: m.requestId, code: m.code });
        return;
      case "TOUCHREPLY":
        if (this.touchConfirms.delete(m.touchId)) this.ctx.replies.push(touchReply(m.touchId, m.status));
        return;
      case "FOLLOWERINFO":
      case "OBSERVERINFO":
      case "ACKEPOCH":
      case "ACKNEWLEADER":
      case "ACK":
      case "REQUEST":
      case "PINGREPLY":
      case "SYNC":
      case "SNAPACK":
      case "TOUCH":
        return;
      default:
        unreachable(m);
    }
  }

  private onLeaderInfo(newEpoch: Epoch): void {
    const { log } = this.ctx;
    if (this.stage !== "CONNECTING") return;
    // A promise to a newer leader stands (3.1 step 4). Observers never count toward a quorum, so
    // their promise protects nothing; they only refuse a leader older than the one they synced with.
    const promised = this.observer ? log.currentEpoch() : log.acceptedEpoch();
    if (newEpoch < promised) {
      this.ctx.stepDown("LEADERINFO from an older epoch");
      return;
    }
    const fresh = newEpoch > log.acceptedEpoch();
    if (fresh) log.setAcceptedEpoch(newEpoch);
    this.newEpoch = newEpoch;
    // Observers are never sent deadlines and never lead: nothing of theirs could spoil or help.
    const deadlines = this.observer ? undefined : this.ctx.deadlines.report(this.ctx.nowMs);
    this.send({ type: "ACKEPOCH", currentEpoch: log.currentEpoch(), lastZxid: log.lastLogged(), fresh, deadlines });
    this.stage = "SYNCING";
  }

  private onDiff(zxid: Zxid): void {
    if (this.stage !== "SYNCING") return;
    assert(this.ctx.log.lastLogged() === zxid, "DIFF: learner log moved since ACKEPOCH");
  }

  private onTrunc(zxid: Zxid): void {
    const { ctx } = this;
    if (this.stage !== "SYNCING") return;
    assert(ctx.log.contains(zxid), "TRUNC: target not in the learner's history");
    assert(ctx.appliedZxid <= zxid, "TRUNC: would drop an applied (committed) txn");
    ctx.truncateLog(zxid);
  }

  /** A snapshot transfer starts: chunks follow; the current state stays until all are in. */
  private onSnap(header: SnapshotHeader): void {
    const { ctx } = this;
    if (this.stage !== "SYNCING") return;
    if (this.snap !== undefined) {
      ctx.stepDown("a second SNAP during a transfer");
      return;
    }
    assert(header.zxid >= ctx.appliedZxid, "SNAP: older than the applied state");
    this.snap = new SnapReceiver(header);
    this.progressTick = ctx.nowTicks;
    const empty = this.snap.emptyComplete();
    if (empty !== undefined) this.afterChunk(empty);
  }

  /** Stages one chunk (durable with the next write) and acks it after that write. */
  private onSnapChunk(index: number, data: Uint8Array): void {
    const { ctx, snap } = this;
    if (this.stage !== "SYNCING" || snap === undefined) {
      ctx.stepDown("SNAPCHUNK without a transfer");
      return;
    }
    const result = snap.accept(index, data);
    if (result.type === "CHUNK") ctx.log.stageChunk(snap.header, { index, data, checksum: result.checksum });
    this.afterChunk(result);
    if (result.type === "CHUNK") this.send({ type: "SNAPACK", index }); // after the persist: the chunk is staged
  }

  private afterChunk(result: ReceiveResult): void {
    const { ctx, snap } = this;
    assert(snap !== undefined, "afterChunk: no transfer");
    if (result.type === "ERROR") {
      this.snap = undefined;
      ctx.stepDown(`SNAP transfer rejected: ${result.reason}`);
      return;
    }
    this.progressTick = ctx.nowTicks;
    if (!result.complete) return;
    // Every chunk is staged and the manifest matches: the snapshot becomes current in the same write.
    this.snap = undefined;
    ctx.installSnapshot(snap.header);
    ctx.restoreSnapshot(snap.header);
  }

  private onEntries(entries: readonly LogEntry[], committed: boolean): void {
    const { ctx } = this;
    if (this.stage === "CONNECTING" || entries.length === 0) return;
    if (this.snap !== undefined) {
      ctx.stepDown("entries before the snapshot was complete");
      return;
    }
    if (committed !== this.observer) {
      ctx.stepDown("wrong kind of entries for this learner");
      return;
    }
    const live = this.stage === "ACKED" || this.stage === "UPTODATE";
    if (live && entries.some((entry) => zxidEpoch(entry.zxid) !== this.newEpoch)) {
      ctx.stepDown("live proposal outside the current epoch");
      return;
    }
    ctx.appendToLog(entries);
    const last = (entries.at(-1) as LogEntry).zxid;
    if (committed) ctx.markCommitted(last);
    else if (live) this.ackPending = last; // one cumulative ACK per Ready, after the persist: docs/protocol.md
  }

  /**
   * Sends what sums up the inputs since the last Ready, once: the cumulative ACK for every proposal
   * logged, and the client writes to forward, packed into REQUEST frames. `ready()` calls it first.
   */
  flush(): void {
    if (this.ackPending !== undefined) {
      this.send({ type: "ACK", zxid: this.ackPending });
      this.ackPending = undefined;
    }
    for (let start = 0; start < this.forwarding.length; ) {
      let bytes = 0;
      let end = start;
      while (end < this.forwarding.length && end - start < FORWARD_BATCH_REQUESTS_MAX) {
        const size = (this.forwarding[end] as ForwardedRequest).request.length;
        if (end > start && bytes + size > PROPOSAL_BATCH_BYTES_MAX) break;
        bytes += size;
        end += 1;
      }
      this.send({ type: "REQUEST", requests: this.forwarding.slice(start, end) });
      start = end;
    }
    this.forwarding = [];
  }

  hasFlush(): boolean {
    return this.ackPending !== undefined || this.forwarding.length > 0;
  }

  private onNewLeader(epoch: Epoch, zxid: Zxid): void {
    const { ctx } = this;
    if (this.stage !== "SYNCING") return;
    if (epoch !== this.newEpoch || ctx.log.lastLogged() !== zxid) {
      ctx.stepDown("NEWLEADER does not match the stream");
      return;
    }
    ctx.log.setCurrentEpoch(epoch); // with the synced history, durable before ACKNEWLEADER (ZOOKEEPER-1282)
    this.send({ type: "ACKNEWLEADER", epoch });
    this.stage = "ACKED";
  }

  private onUpToDate(committedZxid: Zxid): void {
    if (this.stage !== "ACKED") return;
    this.ctx.markCommitted(committedZxid);
    this.stage = "UPTODATE";
    this.ctx.events.push({ type: "SERVING", epoch: this.newEpoch as Epoch, leader: this.leader });
  }

  private onPing(m: Extract<LinkMessage, { type: "PING" }>): void {
    // Remembered before the echo: a quorum's echo is what lets the leader confirm these deadlines.
    const { ctx } = this;
    if (m.full) ctx.deadlines.replace(m.deadlines, ctx.nowMs);
    else ctx.deadlines.apply(m.deadlines, ctx.nowMs);
    const sessions = [...this.touches];
    this.touches.clear();
    if (this.stage !== "CONNECTING") this.send({ type: "PINGREPLY", round: m.round, sessions });
  }

  request(request: Uint8Array, requestId: number): void {
    if (this.stage !== "UPTODATE") {
      // Not forwarded: not applied, safe to retry. Once forwarded, only the host can fail it (unknown).
      this.ctx.replies.push({ type: "REQUEST_REJECTED", requestId, code: "NOTREADY" });
      return;
    }
    this.forwarding.push({ requestId, request });
  }

  sync(syncId: number): void {
    if (this.stage !== "UPTODATE" || this.syncs.size >= SYNCS_PENDING_MAX || this.syncs.has(syncId)) {
      this.ctx.replies.push({ type: "SYNC_FAILED", syncId, code: "NOTREADY" });
      return;
    }
    this.syncs.set(syncId, undefined);
    this.send({ type: "SYNC", syncId });
  }

  confirmTouch(touchId: number, session: SessionId): void {
    if (
      this.stage !== "UPTODATE" ||
      this.touchConfirms.size >= TOUCH_CONFIRMS_PENDING_MAX ||
      this.touchConfirms.has(touchId)
    ) {
      this.ctx.replies.push({ type: "TOUCH_FAILED", touchId, code: "NOTREADY" });
      return;
    }
    this.touchConfirms.add(touchId);
    this.send({ type: "TOUCH", touchId, session });
  }

  touch(sessions: readonly SessionId[]): void {
    for (const session of sessions) if (this.touches.size < SESSION_TOUCHES_MAX) this.touches.add(session);
  }

  /** The connection to `peer` closed: if it was the leader's, this learner follows nobody (ZooKeeper's closed socket). */
  linkDown(peer: PeerId): void {
    if (peer === this.leader) this.ctx.stepDown("lost the link to the leader");
  }

  tick(): void {
    const { ctx } = this;
    if (this.stage === "CONNECTING") ctx.send(this.leader, this.info);
    // A SNAP still making progress keeps the deadline moving: a big snapshot may take longer than initLimit.
    if (
      this.stage !== "UPTODATE" &&
      ctx.nowTicks - Math.max(this.startTick, this.progressTick) > ctx.config.initLimitTicks
    ) {
      ctx.stepDown("not synchronized within initLimit");
      return;
    }
    if (this.stage === "UPTODATE" && ctx.nowTicks - this.lastHeardTick > ctx.config.syncLimitTicks) {
      ctx.stepDown("leader silent for syncLimit");
    }
  }

  afterStep(): void {
    // A membership change made this replica a voter, an observer or neither, and it learns the
    // other way: follow again as what it now is (a follower's acks, or an observer's INFORMs).
    if (this.ctx.learnsAsObserver !== this.observer) {
      this.ctx.stepDown(`membership changed: now ${this.observer ? "a voter" : "an observer"}`);
      return;
    }
    this.ctx.emitCommits();
    for (const [syncId, zxid] of this.syncs) {
      if (zxid !== undefined && this.ctx.appliedZxid >= zxid) {
        this.ctx.replies.push({ type: "SYNCED", syncId, zxid });
        this.syncs.delete(syncId);
      }
    }
  }

  stop(): void {
    // Never sent: the leader cannot have seen them, so they are refused, not lost.
    for (const { requestId } of this.forwarding)
      this.ctx.replies.push({ type: "REQUEST_REJECTED", requestId, code: "NOTREADY" });
    this.forwarding = [];
    for (const syncId of this.syncs.keys())
      this.ctx.replies.push({ type: "SYNC_FAILED", syncId, code: "CONNECTIONLOSS" });
    this.syncs.clear();
    // Sent, but whatever the old leader answered no longer matters: the client must ask again.
    for (const touchId of this.touchConfirms)
      this.ctx.replies.push({ type: "TOUCH_FAILED", touchId, code: "CONNECTIONLOSS" });
    this.touchConfirms.clear();
  }
}

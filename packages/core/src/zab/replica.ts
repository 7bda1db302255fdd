/**
 * The Replica: etcd's RawNode for ZAB (layout.md "How the pieces meet"). Inputs come in through
 * `step` and `tick`; `ready()` says what to persist, send, apply and answer; `advance()` says it is
 * done. Nothing in here touches a socket, a timer or a disk. The role dispatch lives here; each
 * role's logic is in election.ts (LOOKING), leader.ts (LEADING) and learner.ts (FOLLOWING, OBSERVING).
 */
import { assert, unreachable } from "../assert.js";
import type { Epoch, PeerId, SessionId, Zxid } from "../ids.js";
import type { Random } from "../random.js";
import type { LeaderApplication } from "./application.js";
import { type ReplicaConfig, validateReplicaConfig } from "./config.js";
import type { MembershipSource } from "./configurations.js";
import { ReplicaContext, type Transition } from "./context.js";
import { Election, notificationOf } from "./election.js";
import type { LogReader } from "./io.js";
import { Leader } from "./leader.js";
import { Learner } from "./learner.js";
import type { Membership } from "./membership.js";
import type { LinkMessage, PeerMessage, PeerState } from "./messages.js";
import type { Ready } from "./ready.js";
import { ReplicaLog } from "./replica-log.js";

export type ReplicaInput =
  | { readonly type: "MESSAGE"; readonly from: PeerId; readonly message: PeerMessage }
  /** A write from a local client; `requestId` identifies it in a REQUEST_REJECTED reply. */
  | { readonly type: "REQUEST"; readonly requestId: number; readonly request: Uint8Array }
  /** sync() for a linearizable read (docs/protocol.md "Broadcast", sync()). */
  | { readonly type: "SYNC"; readonly syncId: number }
  /** Session activity seen locally (forwarded to the leader on PING replies). */
  | { readonly type: "TOUCH"; readonly sessions: readonly SessionId[] }
  /**
   * A keep-alive whose client needs the answer: touch `session` at the leader and reply
   * TOUCH_CONFIRMED with whether it is still open, or TOUCH_FAILED when no leader can answer.
   */
  | { readonly type: "CONFIRM_TOUCH"; readonly touchId: number; readonly session: SessionId }
  /**
   * The transport lost its established connection to `peer` (a closed socket, a crashed peer). A
   * learner whose leader link dropped goes LOOKING at once instead of waiting out syncLimit; a
   * leader drops that learner. Purely an accelerator: safety never depends on it.
   */
  | { readonly type: "LINK_DOWN"; readonly peer: PeerId };

export interface ReplicaOptions {
  readonly config: ReplicaConfig;
  readonly log: LogReader;
  readonly app: LeaderApplication;
  readonly random: Random;
  /** What the host's state machine already holds (its snapshot's zxid); later entries wait to be known committed. */
  readonly appliedZxid: Zxid;
  /** How membership changes are found in the log; absent, the membership is `config`'s, for good. */
  readonly membership?: MembershipSource;
}

type Role =
  | { readonly type: "LOOKING"; readonly election: Election }
  | { readonly type: "LEADING"; readonly leader: Leader }
  | { readonly type: "FOLLOWING"; readonly learner: Learner }
  | { readonly type: "OBSERVING"; readonly learner: Learner };

/** Bound on role changes triggered by one input (a decision can only cascade a few times). */
const TRANSITIONS_PER_INPUT_MAX = 8;

export class Replica {
  private readonly ctx: ReplicaContext;
  private role: Role;
  private inflight: Ready | undefined;
  /** FOLLOWERINFO/OBSERVERINFO received while LOOKING, latest per peer (bounded by the ensemble). */
  private readonly earlyInfos = new Map<PeerId, LinkMessage>();

  constructor(options: ReplicaOptions) {
    validateReplicaConfig(options.config);
    const log = new ReplicaLog(options.log);
    assert(options.appliedZxid <= log.lastLogged(), "Replica: applied beyond the log");
    this.ctx = new ReplicaContext(
      options.config,
      log,
      options.app,
      options.random,
      options.appliedZxid,
      options.membership,
    );
    this.role = { type: "LOOKING", election: new Election(this.ctx) };
    this.finish();
  }

  step(input: ReplicaInput): void {
    assert(this.inflight === undefined, "step between ready() and advance()");
    const { role } = this;
    switch (input.type) {
      case "MESSAGE":
        this.stepMessage(input.from, input.message);
        break;
      case "REQUEST":
        if (role.type === "LEADING") role.leader.request(input.request, input.requestId);
        else if (role.type === "LOOKING") this.reject(input.requestId);
        else role.learner.request(input.request, input.requestId);
        break;
      case "SYNC":
        if (role.type === "LEADING") role.leader.sync(input.syncId, undefined);
        else if (role.type === "LOOKING")
          this.ctx.replies.push({ type: "SYNC_FAILED", syncId: input.syncId, code: "NOTREADY" });
        else role.learner.sync(input.syncId);
        break;
      case "TOUCH":
        if (role.type === "LEADING") role.leader.touch(input.sessions);
        else if (role.type !== "LOOKING") role.learner.touch(input.sessions);
        break;
      case "CONFIRM_TOUCH":
        if (role.type === "LEADING") role.leader.confirmTouch(input.touchId, input.session, undefined);
        else if (role.type === "LOOKING")
          this.ctx.replies.push({ type: "TOUCH_FAILED", touchId: input.touchId, code: "NOTREADY" });
        else role.learner.confirmTouch(input.touchId, input.session);
        break;
      case "LINK_DOWN":
        // A LOOKING replica ignores it: notifications are fire-and-forget and resent on timeout.
        if (role.type === "LEADING") role.leader.linkDown(input.peer);
        else if (role.type !== "LOOKING") role.learner.linkDown(input.peer);
        break;
      default:
        unreachable(input);
    }
    this.finish();
  }

  /**
   * The host's clock between ticks (never backwards), so a session deadline learned from a message
   * is measured from when it arrived, not from the last tick: late ticks must not make it early.
   */
  advanceClock(nowMs: number): void {
    if (nowMs > this.ctx.nowMs) this.ctx.nowMs = nowMs;
  }

  /** One tick of the host's clock; `nowMs` is used only for txn timestamps and session expiry. */
  tick(nowMs: number): void {
    assert(this.inflight === undefined, "tick between ready() and advance()");
    this.ctx.nowTicks += 1;
    this.ctx.nowMs = nowMs;
    const { role } = this;
    switch (role.type) {
      case "LOOKING":
        role.election.tick();
        break;
      case "LEADING":
        role.leader.tick();
        break;
      case "FOLLOWING":
      case "OBSERVING":
        role.learner.tick();
        break;
      default:
        unreachable(role);
    }
    this.finish();
  }

  /** Refused before it entered the pipeline: not applied, safe to retry (docs/errors.md). */
  private reject(requestId: number): void {
    this.ctx.replies.push({ type: "REQUEST_REJECTED", requestId, code: "NOTREADY" });
  }

  private stepMessage(from: PeerId, message: PeerMessage): void {
    const { role, ctx } = this;
    if (from === ctx.self) return;
    if (message.type === "NOTIFICATION") {
      if (message.membership !== undefined) ctx.configs.adoptCommitted(message.membership);
      if (role.type === "LOOKING") role.election.onNotification(from, message);
      else if (role.type !== "LEADING" && from === role.learner.leader && !leadsFor(message, ctx.electionEpoch)) {
        // The peer this replica chose to follow is not leading (it follows someone else, or it is
        // electing again in a newer round): waiting for it would last until initLimit
        // (testdata/regressions/follower-of-a-non-leader.txt).
        ctx.stepDown(`the chosen leader ${from} is ${message.state.toLowerCase()}, not leading`);
      } else if (message.state === "LOOKING") ctx.send(from, notificationOf(ctx));
      return;
    }
    if ((message.type === "FOLLOWERINFO" || message.type === "OBSERVERINFO") && role.type !== "LEADING") {
      // A peer wants to follow this replica, which does not lead: tell it so (a LOOKING replica
      // keeps the info for the case it leads after all; see below). Its learner then gives up
      // instead of resending until initLimit.
      if (role.type !== "LOOKING") ctx.send(from, notificationOf(ctx));
    }
    switch (role.type) {
      case "LOOKING":
        // A learner that finished the election first has already sent its FOLLOWERINFO: keep the
        // latest one per peer so that, if this replica turns out to be its leader, discovery starts
        // at once instead of a tick later when the learner resends (faster failover).
        if (
          (message.type === "FOLLOWERINFO" && ctx.configs.isVoter(from)) ||
          (message.type === "OBSERVERINFO" && ctx.configs.isObserver(from))
        )
          this.earlyInfos.set(from, message);
        return;
      case "LEADING":
        role.leader.step(from, message);
        return;
      case "FOLLOWING":
      case "OBSERVING":
        role.learner.step(from, message);
        return;
      default:
        unreachable(role);
    }
  }

  /** After every input: let the role finish its work, perform requested role changes, collect commits. */
  private finish(): void {
    for (let i = 0; ; i++) {
      assert(i < TRANSITIONS_PER_INPUT_MAX, "Replica: role changes do not settle");
      const { role } = this;
      if (role.type === "LEADING") role.leader.afterStep();
      else if (role.type !== "LOOKING") role.learner.afterStep();
      const transition = this.ctx.transition;
      if (transition === undefined) break;
      this.ctx.transition = undefined;
      this.enter(transition);
    }
    this.ctx.emitCommits();
  }

  private enter(transition: Transition): void {
    const { ctx, role } = this;
    if (role.type === "LEADING") role.leader.stop();
    else if (role.type !== "LOOKING") role.learner.stop();
    if (transition.type === "LOOKING") ctx.events.push({ type: "STEP_DOWN", reason: transition.reason });
    ctx.state = transition.type;
    const earlyInfos = [...this.earlyInfos];
    this.earlyInfos.clear();
    switch (transition.type) {
      case "LOOKING":
        this.role = { type: "LOOKING", election: new Election(ctx) };
        break;
      case "LEADING": {
        const leader = new Leader(ctx);
        this.role = { type: "LEADING", leader };
        // Delivered now as if they had just arrived (a delayed message, which ZAB tolerates).
        for (const [from, info] of earlyInfos) leader.step(from, info);
        break;
      }
      case "FOLLOWING":
        this.role = { type: "FOLLOWING", learner: new Learner(ctx, transition.leader, false) };
        break;
      case "OBSERVING":
        this.role = { type: "OBSERVING", learner: new Learner(ctx, transition.leader, true) };
        break;
      default:
        unreachable(transition);
    }
    ctx.events.push({ type: "ROLE", role: transition.type, leader: this.leaderId });
  }

  hasReady(): boolean {
    const { ctx } = this;
    return (
      !ctx.outbox.isEmpty ||
      ctx.log.hasPendingWrite() ||
      ctx.restore !== undefined ||
      ctx.commits.length > 0 ||
      ctx.replies.length > 0 ||
      ctx.events.length > 0 ||
      ctx.hasMoreCommits() ||
      this.roleHasFlush()
    );
  }

  private roleHasFlush(): boolean {
    const { role } = this;
    if (role.type === "LEADING") return role.leader.hasFlush();
    return role.type !== "LOOKING" && role.learner.hasFlush();
  }

  ready(): Ready {
    assert(this.inflight === undefined, "ready() twice without advance()");
    const { ctx, role } = this;
    // Messages that sum up many inputs (the leader's PROPOSAL/COMMIT per learner, a learner's
    // cumulative ACK) are built once per Ready rather than once per input.
    if (role.type === "LEADING") role.leader.flush();
    else if (role.type !== "LOOKING") role.learner.flush();
    ctx.emitCommits();
    const { before, after } = ctx.outbox.take();
    const persist = ctx.log.takeWrite();
    const ready: Ready = {
      sendBeforePersist: before,
      persist,
      mustSync: persist !== undefined,
      sendAfterPersist: after,
      restore: ctx.restore,
      commit: ctx.commits,
      replies: ctx.replies,
      events: ctx.events,
    };
    ctx.restore = undefined;
    ctx.commits = [];
    ctx.replies = [];
    ctx.events = [];
    this.inflight = ready;
    return ready;
  }

  advance(ready: Ready): void {
    assert(this.inflight === ready, "advance() with a Ready that is not the outstanding one");
    this.inflight = undefined;
    if (ready.persist !== undefined) this.ctx.log.markDurable(ready.persist);
    // The host loaded the SNAP's state: its membership is the committed one from here on.
    if (ready.restore !== undefined) this.ctx.configs.noteAppliedState();
    if (this.role.type === "LEADING") this.role.leader.onAdvance();
    this.finish();
  }

  // --- read-only observability (metrics, /ready, the simulator's invariants) ---

  get state(): PeerState {
    return this.role.type;
  }

  get leaderId(): PeerId | undefined {
    const { role } = this;
    if (role.type === "LEADING") return this.ctx.self;
    if (role.type === "LOOKING") return undefined;
    return role.learner.leader;
  }

  /** The epoch this replica leads as an established leader, if any (at most one per epoch). */
  get establishedEpoch(): Epoch | undefined {
    return this.role.type === "LEADING" && this.role.leader.established ? this.role.leader.epoch : undefined;
  }

  /** True when local clients may be served: an established, serving leader or an UPTODATE learner. */
  get serving(): boolean {
    const { role } = this;
    if (role.type === "LEADING") return role.leader.serving;
    return role.type !== "LOOKING" && role.learner.stage === "UPTODATE";
  }

  get acceptedEpoch(): Epoch {
    return this.ctx.log.acceptedEpoch();
  }

  get currentEpoch(): Epoch {
    return this.ctx.log.currentEpoch();
  }

  get lastLoggedZxid(): Zxid {
    return this.ctx.log.lastLogged();
  }

  get committedZxid(): Zxid {
    return this.ctx.committedZxid;
  }

  get appliedZxid(): Zxid {
    return this.ctx.appliedZxid;
  }

  get electionCount(): number {
    return this.ctx.electionCount;
  }

  /**
   * Learners connected to this leader and their sync stage (empty unless LEADING), with what each
   * acknowledged (followers) and what was sent to it (observers do not acknowledge proposals).
   */
  get learners(): { peer: PeerId; stage: string; observer: boolean; ackedZxid: Zxid; sentUpToZxid: Zxid }[] {
    if (this.role.type !== "LEADING") return [];
    return [...this.role.leader.learners.values()].map((h) => ({
      peer: h.peer,
      stage: h.stage,
      observer: h.observer,
      ackedZxid: h.ackedZxid,
      sentUpToZxid: h.sentUpToZxid,
    }));
  }

  /** The last zxid this leader proposed (undefined unless LEADING): learners' lag is measured against it. */
  get lastProposedZxid(): Zxid | undefined {
    return this.role.type === "LEADING" ? this.role.leader.lastProposedZxid : undefined;
  }

  /**
   * Lowest zxid a learner sync in progress still reads (the snapshot being streamed, or log
   * entries after it); undefined when none. The host keeps that snapshot and the log after it
   * when it purges, or the transfer would fail and restart.
   */
  get syncRetainZxid(): Zxid | undefined {
    return this.role.type === "LEADING" ? this.role.leader.retainZxid() : undefined;
  }

  /** Observes in the newest configuration (or joins as an observer). */
  get isObserver(): boolean {
    return this.ctx.learnsAsObserver;
  }

  /** Votes in some configuration in force. */
  get isVoter(): boolean {
    return this.ctx.isVoter;
  }

  /** The newest membership this replica has logged (in force with the committed one until it commits). */
  get membership(): Membership {
    return this.ctx.configs.newest;
  }

  /** The last membership this replica knows committed. */
  get committedMembership(): Membership {
    return this.ctx.configs.committedMembership;
  }
}

/**
 * Whether a notification from a learner's chosen leader still allows it to lead: it says LEADING,
 * or it is LOOKING in the round the learner decided in (a late resend of the election it won).
 */
function leadsFor(n: Extract<PeerMessage, { type: "NOTIFICATION" }>, electionEpoch: number): boolean {
  return n.state === "LEADING" || (n.state === "LOOKING" && n.electionEpoch <= electionEpoch);
}

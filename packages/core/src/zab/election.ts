/**
 * Fast leader election as a pure sub-machine (docs/protocol.md §3.0). It only picks a *prospective*
 * leader: safety never depends on its outcome (discovery and synchronization establish
 * leadership), only liveness does.
 */
import { type PeerId, ZXID_ZERO } from "../ids.js";
import type { ReplicaContext } from "./context.js";
import type { PeerMessage, Vote } from "./messages.js";
import { sameVote, voteBeats } from "./messages.js";

type Notification = Extract<PeerMessage, { type: "NOTIFICATION" }>;

export function notificationOf(ctx: ReplicaContext): Notification {
  const notification: Notification = {
    type: "NOTIFICATION",
    vote: ctx.vote,
    electionEpoch: ctx.electionEpoch,
    state: ctx.state,
  };
  const membership = ctx.configs.committedMembership;
  return membership.version === ZXID_ZERO ? notification : { ...notification, membership };
}

export class Election {
  /** Votes of LOOKING voters in the current round (and of established peers that share it). */
  private readonly received = new Map<PeerId, Vote>();
  /** Notifications of FOLLOWING / LEADING peers, any round: how a restarted peer rejoins. */
  private readonly outOfElection = new Map<PeerId, Notification>();
  private timeoutTicks: number;
  private ticksSinceSend = 0;
  private finalizeAtTick: number | undefined;

  constructor(private readonly ctx: ReplicaContext) {
    this.timeoutTicks = ctx.config.electionTimeoutTicks;
    ctx.electionEpoch += 1;
    ctx.electionCount += 1;
    ctx.vote = ctx.selfVote();
    this.broadcast();
    this.record(ctx.self, ctx.vote);
  }

  /** Not a voter in any configuration in force (an observer, a joining or a removed server): it never votes. */
  private get observer(): boolean {
    return !this.ctx.isVoter;
  }

  private broadcast(): void {
    for (const voter of this.ctx.configs.voters())
      if (voter !== this.ctx.self) this.ctx.send(voter, notificationOf(this.ctx));
    this.ticksSinceSend = 0;
  }

  private record(peer: PeerId, vote: Vote): void {
    if (this.observer || !this.ctx.configs.isVoter(peer)) return;
    this.received.set(peer, vote);
    this.checkQuorum();
  }

  private checkQuorum(): void {
    const agreeing = [...this.received].filter(([, vote]) => sameVote(vote, this.ctx.vote)).map(([peer]) => peer);
    // A quorum of some configuration in force, not of each: replicas that logged a change and
    // replicas that did not would otherwise never agree on who has a quorum (liveness only: the
    // leader's discovery and establishment count every configuration in force).
    if (!this.ctx.configs.someHasQuorum(agreeing)) {
      this.finalizeAtTick = undefined;
      return;
    }
    if (this.ctx.config.finalizeWaitTicks === 0) this.decide(this.ctx.vote.leader);
    else this.finalizeAtTick ??= this.ctx.nowTicks + this.ctx.config.finalizeWaitTicks;
  }

  private decide(leader: PeerId): void {
    const { ctx } = this;
    if (leader === ctx.self) ctx.requestTransition({ type: "LEADING" });
    else if (ctx.learnsAsObserver) ctx.requestTransition({ type: "OBSERVING", leader });
    else ctx.requestTransition({ type: "FOLLOWING", leader });
  }

  onNotification(from: PeerId, n: Notification): void {
    const { ctx } = this;
    if (!ctx.configs.isVoter(from)) {
      // A non-voter learns nothing from a LOOKING replica's vote (it joins leaders that FOLLOWING
      // and LEADING replicas name), and answering it while it answers us would ping-pong forever
      // between two replicas that each see the other as a non-voter.
      return;
    }
    if (n.state === "LOOKING") this.onLooking(from, n);
    else this.onEstablished(from, n);
  }

  private onLooking(from: PeerId, n: Notification): void {
    const { ctx } = this;
    if (this.observer) return;
    if (n.electionEpoch > ctx.electionEpoch) {
      ctx.electionEpoch = n.electionEpoch;
      this.received.clear();
      const own = ctx.selfVote();
      ctx.vote = this.better(n.vote, own) ? n.vote : own;
      this.broadcast();
      this.received.set(ctx.self, ctx.vote);
    } else if (n.electionEpoch < ctx.electionEpoch) {
      ctx.send(from, notificationOf(ctx));
      return;
    } else if (this.better(n.vote, ctx.vote)) {
      ctx.vote = n.vote;
      this.broadcast();
      this.received.set(ctx.self, ctx.vote);
    }
    this.record(from, n.vote);
  }

  /**
   * A peer that already follows or leads: join its leader when a quorum backs it and the leader says
   * so. Backers match on the leader only, not on round or vote details: peers that joined at different
   * rounds still back the same leader (in the spirit of ZOOKEEPER-1732). Safety does not depend on
   * it: a stale leader fails discovery or steps down within syncLimit.
   */
  private onEstablished(from: PeerId, n: Notification): void {
    const { ctx } = this;
    this.outOfElection.set(from, n);
    if (n.electionEpoch === ctx.electionEpoch && !this.observer) {
      this.received.set(from, n.vote);
      // A peer that already follows this replica in this round counts toward its quorum, as a
      // LOOKING vote would: ZooKeeper's checkLeader asks for no LEADING announcement when the
      // leader is the replica itself. Without it, a lost LOOKING vote leaves the leader-to-be
      // LOOKING while its follower waits out initLimit (testdata/regressions/lost-vote-for-the-winner.txt).
      if (n.vote.leader === ctx.self) {
        this.checkQuorum();
        return;
      }
      // ZooKeeper's recvset check: this round's votes, this replica's own included, back the leader.
      // Without it, a voter whose round-mates decided while it was still counting never joins
      // them: the out-of-election set below holds only the peers that already decided, so the
      // leader is one voter short of a quorum and the ensemble cycles through initLimit
      // step-downs forever (docs/protocol.md §3.0, simulator seed 20082366).
      if (this.roundBacks(n) && n.vote.leader !== ctx.self) {
        ctx.vote = n.vote;
        this.decide(n.vote.leader);
        return;
      }
    }
    const backers = [...this.outOfElection]
      .filter(([, other]) => other.vote.leader === n.vote.leader)
      .map(([peer]) => peer);
    const leaderSaysSo = this.outOfElection.get(n.vote.leader)?.state === "LEADING";
    if (ctx.configs.someHasQuorum(backers) && leaderSaysSo && n.vote.leader !== ctx.self) {
      ctx.electionEpoch = n.electionEpoch;
      ctx.vote = n.vote;
      this.decide(n.vote.leader);
    }
  }

  /**
   * Whether vote `a` should replace `b`. Only a voter of the committed membership may be voted for
   * (ZooKeeper gives a non-participant zero weight): a vote for a server only a pending change adds
   * could gather votes it never turns into an established leader. Pending changes are not
   * consulted: replicas that logged a change and replicas that did not would otherwise rank the
   * same candidates differently and split the vote for good. A leader that a pending change removes
   * may still win; it steps down once the change commits. Committed memberships converge through
   * notifications. An ineligible vote (this replica's own, when it is not such a voter) gives way to
   * any eligible one. Liveness only: discovery decides safety.
   */
  private better(a: Vote, b: Vote): boolean {
    const eligible = (vote: Vote): boolean => this.ctx.configs.isCommittedVoter(vote.leader);
    return eligible(a) && (voteBeats(a, b) || !eligible(b));
  }

  /**
   * A quorum of this round's votes (of every configuration in force) equals `n`'s and its leader
   * announced LEADING in this round. The out-of-election path above is the lenient one: there,
   * backers that are a quorum of SOME configuration in force suffice, so a replica holding a change
   * it cannot know committed (or one its next leader will truncate) does not wait forever for a
   * quorum of a membership nobody else counts. Liveness only: the leader counts every quorum it
   * relies on, jointly.
   */
  private roundBacks(n: Notification): boolean {
    const { ctx } = this;
    const agreeing = [...this.received].filter(([, vote]) => sameVote(vote, n.vote)).map(([peer]) => peer);
    const leader = this.outOfElection.get(n.vote.leader);
    return ctx.configs.hasQuorum(agreeing) && leader?.state === "LEADING" && leader.electionEpoch === ctx.electionEpoch;
  }

  /** One tick: finalize a quorum decision, or resend with exponential backoff and jitter. */
  tick(): void {
    const { ctx } = this;
    if (this.finalizeAtTick !== undefined && ctx.nowTicks >= this.finalizeAtTick) {
      this.decide(ctx.vote.leader);
      return;
    }
    this.ticksSinceSend += 1;
    if (this.ticksSinceSend < this.timeoutTicks) return;
    this.broadcast();
    const doubled = Math.min(this.timeoutTicks * 2, ctx.config.electionTimeoutMaxTicks);
    this.timeoutTicks = doubled + ctx.random.int(ctx.config.electionTimeoutTicks + 1);
  }
}

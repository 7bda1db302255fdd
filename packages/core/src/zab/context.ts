/**
 * State and helpers shared by every role of one replica: configuration, the log view, commit and
 * apply progress, the outbox and what the next `Ready` will carry. Role modules (election.ts,
 * leader.ts, learner.ts) mutate it; replica.ts owns it and switches roles.
 */
import { assert } from "../assert.js";
import type { Epoch, PeerId, Zxid } from "../ids.js";
import { COMMIT_BATCH_ENTRIES_MAX, PROPOSAL_BATCH_BYTES_MAX } from "../limits.js";
import type { Random } from "../random.js";
import { DeadlineMemory } from "../sessions/session-deadlines.js";
import type { LeaderApplication } from "./application.js";
import type { ReplicaConfig } from "./config.js";
import { Configurations, type MembershipSource } from "./configurations.js";
import type { LogEntry, SnapshotHeader } from "./io.js";
import { bootstrapMembership } from "./membership.js";
import type { PeerMessage, PeerState, Vote } from "./messages.js";
import { Outbox } from "./outbox.js";
import type { ReplicaEvent, Reply } from "./ready.js";
import type { ReplicaLog } from "./replica-log.js";
import { minZxid } from "./zxids.js";

/** A role change requested by the current role; replica.ts performs it after the step. */
export type Transition =
  | { readonly type: "LOOKING"; readonly reason: string }
  | { readonly type: "LEADING" }
  | { readonly type: "FOLLOWING"; readonly leader: PeerId }
  | { readonly type: "OBSERVING"; readonly leader: PeerId };

export class ReplicaContext {
  /** Ticks since the replica was created (each `tick()` call is one). */
  nowTicks = 0;
  /** The host's wall clock at the last tick, for txn timestamps and session expiry only. */
  nowMs = 0;
  /** Highest zxid known committed. */
  committedZxid: Zxid;
  /** Highest zxid handed to the host to apply (in a `Ready`, or held by its snapshot at start). */
  appliedZxid: Zxid;
  /** FLE's logical clock and the current vote; kept across roles to answer LOOKING peers. */
  electionEpoch = 0;
  vote: Vote;
  state: PeerState = "LOOKING";
  electionCount = 0;
  /** Highest acceptedEpoch any learner reported (volatile): the next epoch this replica proposes exceeds it. */
  highestEpochSeen = 0;
  readonly outbox = new Outbox();
  commits: LogEntry[] = [];
  /** A snapshot installed through SNAP (durable once this Ready persists): the host loads it from its store. */
  restore: SnapshotHeader | undefined;
  replies: Reply[] = [];
  events: ReplicaEvent[] = [];
  transition: Transition | undefined;
  /** The last leader's session deadlines as this replica knows them (kept across roles, lost on restart). */
  readonly deadlines = new DeadlineMemory();
  /** The memberships in force: every quorum is counted here, never on `config`'s bootstrap lists. */
  readonly configs: Configurations;

  constructor(
    readonly config: ReplicaConfig,
    readonly log: ReplicaLog,
    readonly app: LeaderApplication,
    readonly random: Random,
    appliedZxid: Zxid,
    membership: MembershipSource | undefined,
  ) {
    this.committedZxid = appliedZxid;
    this.appliedZxid = appliedZxid;
    this.configs = new Configurations(
      membership?.applied() ?? bootstrapMembership(config.voters, config.observers),
      membership,
    );
    this.noteUnappliedMemberships(log, appliedZxid);
    this.vote = { leader: config.self, zxid: log.lastLogged(), peerEpoch: log.currentEpoch() };
  }

  get self(): PeerId {
    return this.config.self;
  }

  send(to: PeerId, message: PeerMessage, early = false): void {
    assert(to !== this.config.self, "send: to self");
    this.outbox.send(to, message, early);
  }

  requestTransition(transition: Transition): void {
    if (this.transition === undefined) this.transition = transition;
  }

  stepDown(reason: string): void {
    this.requestTransition({ type: "LOOKING", reason });
  }

  /** Logged entries after the applied state (a restart): memberships there are in force, not known committed. */
  private noteUnappliedMemberships(log: ReplicaLog, appliedZxid: Zxid): void {
    for (let after = appliedZxid; after < log.lastLogged(); ) {
      const batch = log.entriesAfter(after, COMMIT_BATCH_ENTRIES_MAX, PROPOSAL_BATCH_BYTES_MAX);
      if (batch.length === 0) break;
      this.configs.noteLogged(batch);
      after = (batch.at(-1) as LogEntry).zxid;
    }
  }

  /** Records that every zxid up to `zxid` is committed (monotone). */
  markCommitted(zxid: Zxid): void {
    if (zxid > this.committedZxid) this.committedZxid = zxid;
    this.configs.noteCommitted(minZxid(this.committedZxid, this.log.lastLogged()));
  }

  /** Appends to the log (not yet durable): a membership change takes effect here. */
  appendToLog(entries: readonly LogEntry[]): void {
    this.log.append(entries);
    this.configs.noteLogged(entries);
  }

  /** Drops the uncommitted tail after `zxid` (TRUNC), and any membership change logged there. */
  truncateLog(zxid: Zxid): void {
    this.log.truncate(zxid);
    this.configs.noteTruncated(zxid);
  }

  /** A complete SNAP replaces the log: memberships logged in it are gone, the snapshot's comes with the restore. */
  installSnapshot(snapshot: SnapshotHeader): void {
    this.log.installSnapshot(snapshot);
    this.configs.noteSnapshotInstalled();
  }

  /** This replica votes in some configuration in force. */
  get isVoter(): boolean {
    return this.configs.isVoter(this.config.self);
  }

  /** Whether this replica learns as an observer: one in the newest configuration, or joining as one. */
  get learnsAsObserver(): boolean {
    const { configs, config } = this;
    if (configs.isVoter(config.self)) return false;
    if (configs.isObserver(config.self)) return true;
    return config.joining === "observer";
  }

  /** Installs a snapshot received through SNAP: the host restores it before applying later commits. */
  restoreSnapshot(snapshot: SnapshotHeader): void {
    assert(
      this.commits.every((entry) => entry.zxid <= snapshot.zxid),
      "restore: commits beyond the snapshot",
    );
    this.commits = [];
    this.restore = snapshot;
    this.appliedZxid = snapshot.zxid;
    this.markCommitted(snapshot.zxid);
  }

  /** Moves committed, logged entries into the next Ready's `commit` list (bounded per Ready). */
  emitCommits(): void {
    const upTo = minZxid(this.committedZxid, this.log.lastLogged());
    while (this.appliedZxid < upTo && this.commits.length < COMMIT_BATCH_ENTRIES_MAX) {
      const room = COMMIT_BATCH_ENTRIES_MAX - this.commits.length;
      const batch = this.log.entriesAfter(this.appliedZxid, room, PROPOSAL_BATCH_BYTES_MAX);
      assert(batch.length > 0, "emitCommits: committed entry missing from the log");
      for (const entry of batch) {
        if (entry.zxid > upTo) return;
        this.commits.push(entry);
        this.appliedZxid = entry.zxid;
      }
    }
  }

  hasMoreCommits(): boolean {
    const upTo = minZxid(this.committedZxid, this.log.lastLogged());
    return this.appliedZxid < upTo;
  }

  selfVote(): Vote {
    return { leader: this.config.self, zxid: this.log.lastLogged(), peerEpoch: this.log.currentEpoch() };
  }

  currentEpoch(): Epoch {
    return this.log.currentEpoch();
  }
}

/**
 * Safety checks run at every persist, apply, restore and step of the simulation (docs/protocol.md §2).
 * The checker keeps the one global committed history: the sequence of txns applied anywhere, and
 * the memberships committed in it (docs/protocol.md §8, "Membership changes"), which say whose
 * disks a committed txn must be durable on.
 */
import type { Epoch, PeerId, Zxid } from "../ids.js";
import { formatZxid, ZXID_ZERO, zxidEpoch } from "../ids.js";
import type { DurableWrite, LogEntry } from "../zab/io.js";
import { bootstrapMembership, type Membership, votersOf } from "../zab/membership.js";
import { isQuorum } from "../zab/quorum.js";
import { chainHash, HASH_INITIAL, type MembershipOfTxn, SimStateMachine, simMembershipOfTxn, txnZxid } from "./app.js";
import type { MemoryDisk } from "./disk.js";

/** A membership committed at `position` of the history (-1: the bootstrap one). */
interface CommittedMembership {
  readonly position: number;
  readonly membership: Membership;
  readonly voters: readonly PeerId[];
}

export class InvariantViolation extends Error {
  override readonly name = "InvariantViolation";
  constructor(
    readonly invariant: string,
    detail: string,
  ) {
    super(`${invariant}: ${detail}`);
  }
}

function violated(invariant: string, detail: string): never {
  throw new InvariantViolation(invariant, detail);
}

function sameMembers(a: Membership, b: Membership): boolean {
  return (
    a.members.length === b.members.length &&
    a.members.every((m, i) => m.id === b.members[i]?.id && m.role === b.members[i]?.role)
  );
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class Checker {
  /** The committed history: position k holds the (k+1)-th txn ever delivered. */
  readonly committed: LogEntry[] = [];
  /**
   * Position k holds the epoch in which the k-th committed txn was first applied: the committing
   * leader's epoch (or, when a learner applies first, its older current epoch, which only makes the
   * truncation check below stricter).
   */
  private readonly commitEpochs: Epoch[] = [];
  /** State hash after the first k committed txns. */
  private readonly hashes: number[] = [HASH_INITIAL];
  private readonly leaders = new Map<Epoch, PeerId>();
  /** The highest zxid any leader's commit point reached: what a later leader commits again is not checked again. */
  private leadersCommittedZxid: Zxid = ZXID_ZERO;
  /** The bootstrap membership, then each one committed, in history order. */
  private readonly memberships: CommittedMembership[];
  /** Committed membership changes that removed the leader that proposed them. */
  leaderRemovals = 0;

  constructor(
    /** The static configuration's membership (a voter list: no observers). */
    bootstrap: Membership | readonly PeerId[],
    private readonly disks: ReadonlyMap<PeerId, MemoryDisk>,
    /** The hash-chain test app embeds the zxid a txn was prepared for; KeelState's txns do not. */
    private readonly txnsCarryZxid = true,
    private readonly membershipOf: MembershipOfTxn = simMembershipOfTxn,
  ) {
    const first = "members" in bootstrap ? bootstrap : bootstrapMembership(bootstrap, []);
    this.memberships = [{ position: -1, membership: first, voters: votersOf(first) }];
  }

  private holds(disk: MemoryDisk, zxid: Zxid): boolean {
    return disk.find(zxid) !== undefined || (disk.snapshot !== undefined && disk.snapshot.zxid >= zxid);
  }

  private holders(voters: readonly PeerId[], zxid: Zxid): PeerId[] {
    return voters.filter((voter) => {
      const voterDisk = this.disks.get(voter);
      return voterDisk !== undefined && this.holds(voterDisk, zxid);
    });
  }

  /** The last membership committed at or before `position` (the one in force for it). */
  private membershipIndexAt(position: number): number {
    let i = this.memberships.length - 1;
    while (i > 0 && (this.memberships[i] as CommittedMembership).position > position) i--;
    return i;
  }

  /**
   * The voter sets whose quorums must hold the txn at `position` when it commits (joint consensus,
   * zab/configurations.ts): the membership in force there, and for a membership change also the
   * one before it. A txn after a change is logged under both until the change commits, and under
   * the new one alone after: the new one's quorum holds it either way.
   */
  private commitQuorums(position: number): CommittedMembership[] {
    const i = this.membershipIndexAt(position);
    const here = this.memberships[i] as CommittedMembership;
    return here.position === position ? [this.memberships[i - 1] as CommittedMembership, here] : [here];
  }

  /** "" when every set's quorum holds `zxid`, else who holds it per set. */
  private missingQuorum(sets: readonly CommittedMembership[], zxid: Zxid): string {
    const short = sets
      .map((set) => ({ set, holders: this.holders(set.voters, zxid) }))
      .filter(({ set, holders }) => !isQuorum(set.voters, holders));
    return short
      .map(({ set, holders }) => `only on [${holders.join(",")}] of voters [${set.voters.join(",")}]`)
      .join("; ");
  }

  /** The membership committed last (every quorum from now on includes a quorum of its voters). */
  get currentMembership(): Membership {
    return (this.memberships.at(-1) as CommittedMembership).membership;
  }

  /** The membership in force after the first `count` committed txns. */
  membershipAfter(count: number): Membership {
    return (this.memberships[this.membershipIndexAt(count - 1)] as CommittedMembership).membership;
  }

  get membershipChanges(): number {
    return this.memberships.length - 1;
  }

  /** Positions in `committed` of the txns above `cut` that `disk` holds now: a write must not lose them. */
  committedHeldAbove(disk: MemoryDisk, cut: Zxid): number[] {
    const out: number[] = [];
    for (let i = this.committed.length - 1; i >= 0; i--) {
      const entry = this.committed[i] as LogEntry;
      if (entry.zxid <= cut) break;
      if (disk.find(entry.zxid) !== undefined) out.push(i);
    }
    return out;
  }

  /** Returns what to re-check after the write (see `afterPersist`). */
  beforePersist(disk: MemoryDisk, write: DurableWrite): number[] {
    let cut: Zxid | undefined = write.truncateAfter;
    const installed = write.installSnapshot;
    if (installed !== undefined && (cut === undefined || installed.zxid < cut)) cut = installed.zxid;
    return cut === undefined ? [] : this.committedHeldAbove(disk, cut);
  }

  /**
   * A learner may drop a committed txn only on the word of a leader whose epoch is older than the
   * one that committed it. Such a leader finished discovery before the txn was committed and can
   * never establish: every voter of the committing quorum has since promised a newer epoch and
   * refuses its NEWLEADER. ZooKeeper behaves the same way (a learner whose ACKEPOCH arrives after
   * the discovery quorum is synced from the leader's history without the "ahead" check), and the
   * txn stays durable on that quorum, which is checked here too. Any truncation by a leader of the
   * committing epoch or a newer one is a lost committed txn (docs/protocol.md §8, seed 60087193).
   */
  afterPersist(peer: PeerId, disk: MemoryDisk, held: readonly number[], write: DurableWrite): void {
    // A SNAP installs only a complete, verified transfer: the installed state is the committed one at its zxid.
    if (write.installSnapshot !== undefined)
      this.checkState(peer, "SNAP installed", SimStateMachine.fromSnapshot(disk.snapshot, this.membershipOf));
    for (const position of held) {
      const { zxid } = this.committed[position] as LogEntry;
      if (this.holds(disk, zxid)) continue;
      const commitEpoch = this.commitEpochs[position] as Epoch;
      if (disk.acceptedEpoch >= commitEpoch) {
        violated(
          "no committed txn is lost",
          `peer ${peer} truncated committed ${formatZxid(zxid)} (committed in epoch ${commitEpoch}, dropped under epoch ${disk.acceptedEpoch})`,
        );
      }
      // Quorums from now on come from the membership committed last: a quorum of it must still
      // hold the txn (the voters of an older membership may since have been removed).
      const missing = this.missingQuorum([this.memberships.at(-1) as CommittedMembership], zxid);
      if (missing !== "")
        violated("a committed txn is durable on a quorum", `peer ${peer} dropped ${formatZxid(zxid)}: ${missing}`);
    }
  }

  /** Before `sm` applies `entry`: integrity, local durability, order and agreement. */
  onApply(peer: PeerId, sm: SimStateMachine, disk: MemoryDisk, entry: LogEntry): void {
    const at = `peer ${peer} applying ${formatZxid(entry.zxid)}`;
    if (entry.zxid <= sm.lastZxid) violated("zxids strictly increase", `${at} after ${formatZxid(sm.lastZxid)}`);
    if (this.txnsCarryZxid && txnZxid(entry.txn) !== entry.zxid)
      violated("integrity", `${at}: txn was prepared for another zxid`);
    const logged = disk.find(entry.zxid);
    if (logged === undefined || !sameBytes(logged.txn, entry.txn))
      violated("applied txns are durable", `${at}: not in its log`);
    const position = sm.count;
    const known = this.committed[position];
    if (known !== undefined) {
      if (known.zxid !== entry.zxid || !sameBytes(known.txn, entry.txn)) {
        violated("committed prefixes agree", `${at} at position ${position}, others have ${formatZxid(known.zxid)}`);
      }
      return;
    }
    if (position !== this.committed.length) violated("committed prefixes agree", `${at}: gap at ${position}`);
    const membership = this.membershipOf(entry.txn);
    if (membership !== undefined) this.commitMembership(position, entry.zxid, membership);
    const missing = this.missingQuorum(this.commitQuorums(position), entry.zxid);
    if (missing !== "") violated("a committed txn is durable on a quorum", `${at}: ${missing}`);
    this.committed.push(entry);
    this.commitEpochs.push(disk.currentEpoch);
    this.hashes.push(chainHash(this.hashes[position] as number, entry));
  }

  private commitMembership(position: number, version: Zxid, logged: Membership): void {
    const membership = { version, members: logged.members };
    this.memberships.push({ position, membership, voters: votersOf(membership) });
    const proposer = this.leaders.get(zxidEpoch(version));
    if (proposer !== undefined && !votersOf(membership).includes(proposer)) this.leaderRemovals += 1;
  }

  /**
   * A leader's commit point moved from `from` to `to`: every membership change in between, and the
   * last txn, must have been acknowledged (`ackers`: the leader if durable, and the followers whose
   * ACKs it received) by a quorum of each configuration its commit needs (`commitQuorums`).
   */
  checkLeaderCommit(leader: PeerId, from: Zxid, to: Zxid, ackers: (zxid: Zxid) => PeerId[]): void {
    // Only what no leader committed before: a leader that establishes re-commits history earlier
    // leaders committed (it may know that only from a peer's notification), by its own quorum.
    const floor = from > this.leadersCommittedZxid ? from : this.leadersCommittedZxid;
    if (to > this.leadersCommittedZxid) this.leadersCommittedZxid = to;
    let last = -1;
    const checked: number[] = [];
    for (let i = this.committed.length - 1; i >= 0; i--) {
      const { zxid } = this.committed[i] as LogEntry;
      if (zxid <= floor) break;
      if (zxid > to) continue;
      if (last < 0) last = i;
      // Only the newest change in the range: one change at a time means an older one in it was
      // committed (and checked) before the newer one could be proposed.
      if (checked.length === 0 && this.memberships.some((m) => m.position === i)) checked.push(i);
    }
    if (last >= 0 && !checked.includes(last)) checked.push(last);
    for (const position of checked) {
      const { zxid } = this.committed[position] as LogEntry;
      const acked = ackers(zxid);
      const short = this.commitQuorums(position).filter((set) => !isQuorum(set.voters, acked));
      if (short.length > 0) {
        violated(
          "a txn is committed only once a quorum acknowledged it",
          `leader ${leader} committed ${formatZxid(zxid)} acknowledged by [${acked.join(",")}], not a quorum of [${short.map((set) => set.voters.join(",")).join("] and [")}]`,
        );
      }
    }
  }

  /**
   * What a replica counts as the committed membership (its quorums rest on it) must be one the
   * history committed. It may be ahead of what the replica applied (adopted from a peer's
   * notification) or behind it (it still counts the change as pending, so needs both quorums):
   * both are safe and neither is flagged.
   */
  checkCommittedMembership(
    peer: PeerId,
    sm: { count: number; membership: Membership | undefined },
    known: Membership,
  ): void {
    const i = this.memberships.findIndex((m) => m.membership.version === known.version);
    const committed = this.memberships[i];
    // A replica may know a change committed before it applied it: peers' notifications carry their
    // committed membership (zab/configurations.ts adoptCommitted). It must still be one the history committed.
    if (committed === undefined || !sameMembers(committed.membership, known)) {
      violated(
        "a replica counts only committed memberships as committed",
        `peer ${peer} counts version ${formatZxid(known.version)} committed, applied ${sm.count} txns up to membership ${formatZxid(sm.membership?.version ?? ZXID_ZERO)}`,
      );
    }
  }

  /** The state machine equals the replay of the first `count` committed txns. */
  checkState(
    peer: PeerId,
    when: string,
    sm: { count: number; hash: number; lastZxid: Zxid; membership: Membership | undefined },
  ): void {
    const expected = this.hashes[sm.count];
    if (expected === undefined || expected !== sm.hash) {
      violated(
        "every tree equals the replay of its committed log",
        `peer ${peer} ${when}: ${sm.count} txns, hash differs`,
      );
    }
    const last = sm.count === 0 ? 0n : this.committed[sm.count - 1]?.zxid;
    if (last !== sm.lastZxid)
      violated("every tree equals the replay of its committed log", `peer ${peer} ${when}: last zxid`);
    const membership = this.membershipAfter(sm.count);
    const expectedVersion = membership.version === ZXID_ZERO ? undefined : membership.version;
    if (
      sm.membership?.version !== expectedVersion ||
      (sm.membership !== undefined && !sameMembers(sm.membership, membership))
    )
      violated("every tree equals the replay of its committed log", `peer ${peer} ${when}: membership`);
  }

  onEstablished(peer: PeerId, epoch: Epoch): void {
    const existing = this.leaders.get(epoch);
    if (existing !== undefined && existing !== peer) {
      violated("at most one established leader per epoch", `epoch ${epoch}: ${existing} and ${peer}`);
    }
    this.leaders.set(epoch, peer);
  }

  onSynced(peer: PeerId, sm: SimStateMachine, committedWhenIssued: number): void {
    if (sm.count < committedWhenIssued) {
      violated("sync then read sees every earlier commit", `peer ${peer}: ${sm.count} < ${committedWhenIssued}`);
    }
  }

  get establishedEpochs(): number {
    return this.leaders.size;
  }
}

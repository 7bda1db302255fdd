/**
 * Which voters a quorum must come from, as memberships change (docs/protocol.md §3.7). A replica
 * knows the last membership it knows committed, plus every membership logged after it and not
 * yet known committed (normally at most one: a leader proposes one change at a time). Every quorum
 * (election, discovery, establishing, commit, keeping leadership, sync confirmation) must be a
 * quorum of EACH of them: while a change is in flight, of both the old and the new voters (joint
 * consensus). A membership takes effect in the log at once and alone when its entry is committed,
 * so no two disjoint majorities can ever decide, whichever members know which configuration.
 */
import { assert } from "../assert.js";
import type { PeerId, Zxid } from "../ids.js";
import type { LogEntry } from "./io.js";
import { type Membership, observersOf, votersOf } from "./membership.js";
import { isQuorum, quorumMin } from "./quorum.js";

/** How ZAB recognizes membership changes in the opaque log, and what the applied state holds. */
export interface MembershipSource {
  /** The membership a logged txn installs (its version is set to the entry's zxid), or undefined for every other txn. Must be cheap. */
  ofTxn(txn: Uint8Array): Membership | undefined;
  /** The membership in the host's applied state (after a restart or a SNAP), or undefined when none was ever replicated. */
  applied(): Membership | undefined;
}

export class Configurations {
  private committed: Membership;
  /** Logged after `committed`, oldest first, not known committed. */
  private pending: Membership[] = [];
  private voterSets: (readonly PeerId[])[] = [];
  private allVoters = new Set<PeerId>();
  private newestObservers = new Set<PeerId>();

  constructor(
    committed: Membership,
    private readonly source: MembershipSource | undefined,
  ) {
    this.committed = committed;
    this.refresh();
  }

  /** Entries just appended to the log (a leader's proposals, a learner's sync stream or proposals). */
  noteLogged(entries: readonly LogEntry[]): void {
    if (this.source === undefined) return;
    for (const entry of entries) {
      // A change already known committed (adopted from a notification) is not pending again.
      if (entry.zxid <= this.committed.version) continue;
      const membership = this.source.ofTxn(entry.txn);
      if (membership === undefined) continue;
      assert(entry.zxid > this.newest.version, "membership: logged out of order");
      this.pending.push({ version: entry.zxid, members: membership.members });
      this.refresh();
    }
  }

  /** Every entry after `zxid` left the log (TRUNC): memberships logged there never happened. */
  noteTruncated(zxid: Zxid): void {
    const kept = this.pending.filter((membership) => membership.version <= zxid);
    if (kept.length === this.pending.length) return;
    this.pending = kept;
    this.refresh();
  }

  /** Every entry up to `zxid` is committed (and logged): memberships up to it take effect alone. */
  noteCommitted(zxid: Zxid): void {
    let promoted = false;
    while (this.pending.length > 0 && (this.pending[0] as Membership).version <= zxid) {
      this.committed = this.pending.shift() as Membership;
      promoted = true;
    }
    if (promoted) this.refresh();
  }

  /** A snapshot replaced the whole log: what was pending is gone; the snapshot's membership follows from the host. */
  noteSnapshotInstalled(): void {
    this.pending = [];
    this.refresh();
  }

  /** The host loaded a state (start-up, or a SNAP): its membership is committed. */
  noteAppliedState(): void {
    const applied = this.source?.applied();
    if (applied === undefined || applied.version < this.committed.version) return;
    this.committed = applied;
    this.pending = this.pending.filter((membership) => membership.version > applied.version);
    this.refresh();
  }

  /**
   * A peer's notification says `membership` is committed. A newer one replaces this replica's
   * committed membership and every pending one up to it: a committed membership is safe to count
   * quorums by, whether or not this replica's log has reached it yet (docs/protocol.md §3.7).
   */
  adoptCommitted(membership: Membership): void {
    if (membership.version <= this.committed.version) return;
    this.committed = membership;
    this.pending = this.pending.filter((pending) => pending.version > membership.version);
    this.refresh();
  }

  private refresh(): void {
    const all = [this.committed, ...this.pending];
    this.voterSets = all.map(votersOf);
    this.allVoters = new Set(this.voterSets.flat());
    this.newestObservers = new Set(observersOf(this.newest));
  }

  get newest(): Membership {
    return this.pending.at(-1) ?? this.committed;
  }

  get committedMembership(): Membership {
    return this.committed;
  }

  /** A change is logged and not known committed: the leader proposes no other until it is. */
  get changePending(): boolean {
    return this.pending.length > 0;
  }

  /** A voter in any configuration in force: its vote and acks count (toward the ones it belongs to). */
  isVoter(peer: PeerId): boolean {
    return this.allVoters.has(peer);
  }

  /** An observer in the newest configuration and a voter in none. */
  isObserver(peer: PeerId): boolean {
    return this.newestObservers.has(peer) && !this.allVoters.has(peer);
  }

  /** Every voter of every configuration in force: who elections talk to. */
  voters(): Iterable<PeerId> {
    return this.allVoters;
  }

  /** `members` hold a majority of the voters of every configuration in force. */
  hasQuorum(members: Iterable<PeerId>): boolean {
    const set = [...members];
    return this.voterSets.every((voters) => isQuorum(voters, set));
  }

  /** A majority of the voters of some configuration in force (an election joining an established leader: election.ts). */
  someHasQuorum(members: Iterable<PeerId>): boolean {
    const set = [...members];
    return this.voterSets.some((voters) => isQuorum(voters, set));
  }

  /** A voter of the committed membership: the only servers an election may pick (election.ts). */
  isCommittedVoter(peer: PeerId): boolean {
    return (this.voterSets[0] as readonly PeerId[]).includes(peer);
  }

  /** The largest value a quorum of every configuration reported at least (undefined when one has no quorum reporting). */
  quorumMin(reported: (peer: PeerId) => bigint | undefined): bigint | undefined {
    let lowest: bigint | undefined;
    for (const voters of this.voterSets) {
      const value = quorumMin(voters, reported);
      if (value === undefined) return undefined;
      if (lowest === undefined || value < lowest) lowest = value;
    }
    return lowest;
  }
}

/**
 * Safety checks run at every persist, apply, restore and step of the simulation (docs/protocol.md §2).
 * The checker keeps the one global committed history: the sequence of txns applied anywhere.
 */
import type { Epoch, PeerId, Zxid } from "../ids.js";
import { formatZxid } from "../ids.js";
import type { DurableWrite, LogEntry } from "../zab/io.js";
import { chainHash, HASH_INITIAL, SimStateMachine, txnZxid } from "./app.js";
import type { MemoryDisk } from "./disk.js";

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

  constructor(
    private readonly voters: readonly PeerId[],
    private readonly disks: ReadonlyMap<PeerId, MemoryDisk>,
    /** The hash-chain test app embeds the zxid a txn was prepared for; KeelState's txns do not. */
    private readonly txnsCarryZxid = true,
  ) {}

  private holds(disk: MemoryDisk, zxid: Zxid): boolean {
    return disk.find(zxid) !== undefined || (disk.snapshot !== undefined && disk.snapshot.zxid >= zxid);
  }

  private quorumHolders(zxid: Zxid): PeerId[] {
    return this.voters.filter((voter) => {
      const voterDisk = this.disks.get(voter);
      return voterDisk !== undefined && this.holds(voterDisk, zxid);
    });
  }

  private isQuorum(holders: readonly PeerId[]): boolean {
    return holders.length >= Math.floor(this.voters.length / 2) + 1;
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
      this.checkState(peer, "SNAP installed", SimStateMachine.fromSnapshot(disk.snapshot));
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
      const holders = this.quorumHolders(zxid);
      if (!this.isQuorum(holders))
        violated(
          "a committed txn is durable on a quorum",
          `peer ${peer} dropped ${formatZxid(zxid)}: only on [${holders.join(",")}]`,
        );
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
    const holders = this.quorumHolders(entry.zxid);
    if (!this.isQuorum(holders))
      violated("a committed txn is durable on a quorum", `${at}: only on [${holders.join(",")}]`);
    this.committed.push(entry);
    this.commitEpochs.push(disk.currentEpoch);
    this.hashes.push(chainHash(this.hashes[position] as number, entry));
  }

  /** The state machine equals the replay of the first `count` committed txns. */
  checkState(peer: PeerId, when: string, sm: { count: number; hash: number; lastZxid: Zxid }): void {
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

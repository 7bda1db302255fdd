/**
 * The checker's rule for dropping a committed txn (docs/protocol.md §8): a learner may lose one only
 * under a leader older than the epoch that committed it, and only while a quorum still holds it.
 * And its quorums follow membership changes committed in the history (joint consensus).
 */
import { describe, expect, it } from "vitest";
import { ByteWriter } from "../codec/bytes.js";
import { type Epoch, type PeerId, ZXID_ZERO, type Zxid, zxid } from "../ids.js";
import type { LogEntry } from "../zab/io.js";
import { votersOf } from "../zab/membership.js";
import { encodeRequest, REQUEST_RECONFIG, REQUEST_WRITE, SimStateMachine } from "./app.js";
import { MemoryDisk } from "./disk.js";
import { Checker, InvariantViolation } from "./invariants.js";

const VOTERS = [1, 2, 3] as PeerId[];
const ENTRY: LogEntry = { zxid: zxid(5, 1), txn: new Uint8Array([7]) };

/**
 * Every disk logged ENTRY in epoch 5 without it being committed then; peer 1 leads epoch 7 with it in
 * its initial history and applies it first, so it is committed in epoch 7 (as 0xb:3 was proposed in
 * epoch 11 and committed in epoch 16 in seed 60087193).
 */
function committedOnAll(): { checker: Checker; disks: Map<PeerId, MemoryDisk> } {
  const disks = new Map<PeerId, MemoryDisk>();
  for (const peer of VOTERS) {
    const disk = new MemoryDisk();
    disk.write({ entries: [ENTRY], acceptedEpoch: 5 as Epoch, currentEpoch: 5 as Epoch });
    disks.set(peer, disk);
  }
  const checker = new Checker(VOTERS, disks, false);
  const leaderDisk = disks.get(1 as PeerId) as MemoryDisk;
  leaderDisk.write({ entries: [], acceptedEpoch: 7 as Epoch, currentEpoch: 7 as Epoch });
  checker.onApply(1 as PeerId, new SimStateMachine(), leaderDisk, ENTRY);
  return { checker, disks };
}

function truncate(checker: Checker, disks: Map<PeerId, MemoryDisk>, peer: number, underEpoch: number): void {
  const disk = disks.get(peer as PeerId) as MemoryDisk;
  disk.acceptedEpoch = underEpoch as Epoch;
  const write = { entries: [], truncateAfter: zxid(4, 9) };
  const held = checker.beforePersist(disk, write);
  disk.write(write);
  checker.afterPersist(peer as PeerId, disk, held, write);
}

function violationOf(run: () => void): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof InvariantViolation) return error.invariant;
    throw error;
  }
}

describe("Checker: truncating a committed txn", () => {
  it.each([
    { case: "by a leader of an older epoch, a quorum still holding it", truncations: [[3, 6]], violated: undefined },
    { case: "by a leader of the committing epoch", truncations: [[3, 7]], violated: "no committed txn is lost" },
    { case: "by a leader of a newer epoch", truncations: [[3, 8]], violated: "no committed txn is lost" },
    {
      case: "by older leaders until only a minority holds it",
      truncations: [
        [3, 6],
        [2, 6],
      ],
      violated: "a committed txn is durable on a quorum",
    },
  ])("$case → $violated", ({ truncations, violated }) => {
    const { checker, disks } = committedOnAll();
    const outcome = violationOf(() => {
      for (const [peer, epoch] of truncations) truncate(checker, disks, peer as number, epoch as number);
    });
    expect(outcome).toBe(violated);
  });
});

/** A hash-chain txn for `zxid`: a write, or a change to `voters` (all other peers gone). */
function simTxn(at: Zxid, voters?: readonly number[]): LogEntry {
  const request =
    voters === undefined
      ? encodeRequest({ kind: REQUEST_WRITE, origin: 1, requestId: 1, session: 1n })
      : encodeRequest({
          kind: REQUEST_RECONFIG,
          origin: 1,
          requestId: 1,
          session: 0n,
          reconfig: { fromVersion: ZXID_ZERO, members: voters.map((id) => ({ id: id as PeerId, role: "voter" })) },
        });
  return { zxid: at, txn: new ByteWriter(64).u64(at).f64(0).raw(request).finish() };
}

const CHANGE = simTxn(zxid(1, 1), [1, 4, 5]);
const AFTER = simTxn(zxid(1, 2));

/**
 * Voters 1-3 change to 1, 4, 5 at CHANGE, then AFTER: the change must be durable on a quorum of
 * both voter sets when it commits (joint consensus), and what follows on a quorum of the new one.
 */
describe("Checker: quorums follow the committed membership", () => {
  it.each([
    { case: "change on both quorums, next on the new one", change: [1, 2, 4], after: [1, 4], violated: undefined },
    {
      case: "change on the old quorum only",
      change: [1, 2, 3],
      after: [1, 4],
      violated: "a committed txn is durable on a quorum",
    },
    {
      case: "change on the new quorum only",
      change: [1, 4, 5],
      after: [1, 4],
      violated: "a committed txn is durable on a quorum",
    },
    {
      case: "next on the old voters only",
      change: [1, 2, 4],
      after: [1, 2, 3],
      violated: "a committed txn is durable on a quorum",
    },
  ])("$case → $violated", ({ change, after, violated }) => {
    const disks = new Map<PeerId, MemoryDisk>();
    for (const peer of [1, 2, 3, 4, 5]) {
      const disk = new MemoryDisk();
      const entries = [...(change.includes(peer) ? [CHANGE] : []), ...(after.includes(peer) ? [AFTER] : [])];
      disk.write({ entries, acceptedEpoch: 1 as Epoch, currentEpoch: 1 as Epoch });
      disks.set(peer as PeerId, disk);
    }
    const checker = new Checker([1, 2, 3] as PeerId[], disks);
    const sm = new SimStateMachine();
    const leader = disks.get(1 as PeerId) as MemoryDisk;
    const outcome = violationOf(() => {
      for (const entry of [CHANGE, AFTER]) {
        checker.onApply(1 as PeerId, sm, leader, entry);
        sm.apply(entry);
      }
    });
    expect(outcome).toBe(violated);
    if (violated === undefined) expect(votersOf(checker.currentMembership)).toEqual([1, 4, 5]);
  });
});

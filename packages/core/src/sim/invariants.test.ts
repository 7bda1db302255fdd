/**
 * The checker's rule for dropping a committed txn (docs/protocol.md §8): a learner may lose one only
 * under a leader older than the epoch that committed it, and only while a quorum still holds it.
 */
import { describe, expect, it } from "vitest";
import { type Epoch, type PeerId, zxid } from "../ids.js";
import type { LogEntry } from "../zab/io.js";
import { SimStateMachine } from "./app.js";
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

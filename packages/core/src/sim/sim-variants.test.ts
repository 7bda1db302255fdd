/**
 * The simulator's variants over fixed seeds (sim.test.ts has the plain schedules): long fault
 * phases, the real znode application (KeelState) instead of the hash-chain test app, SNAP
 * transfers cut by faults, and membership changes (spares joining, voters removed, the leader among
 * them) during the faults. Every schedule checks the safety invariants after every event and
 * liveness once faults stop; a failure prints the command that replays its seed.
 */
import { describe, expect, it } from "vitest";
import { runSchedule } from "./cluster.js";
import { makeSchedule } from "./schedule.js";

/** Long fault phases: more elections, epochs and divergent logs per schedule. */
const LONG_SEEDS = 100;
const LONG_FAULT_TICKS = 400;
/** The real znode application instead of the hash-chain test app; trees are compared by digest. */
const KEEL_SEEDS = 200;
/** Membership changes during the fault phase (docs/protocol.md §8, "Membership changes"). */
const MEMBERSHIP_SEEDS = 300;
const MEMBERSHIP_KEEL_SEEDS = 50;

interface MembershipTotals {
  failures: string[];
  requested: number;
  committed: number;
  leaderRemovals: number;
  removedLeaderStepDowns: number;
}

function runMembershipSeeds(first: number, count: number, app: "sim" | "keel"): MembershipTotals {
  const totals: MembershipTotals = {
    failures: [],
    requested: 0,
    committed: 0,
    leaderRemovals: 0,
    removedLeaderStepDowns: 0,
  };
  for (let seed = first; seed < first + count; seed++) {
    const result = runSchedule(makeSchedule(seed, { app, membershipChanges: true }), 40);
    totals.requested += result.stats.reconfigsRequested;
    totals.committed += result.stats.reconfigsCommitted;
    totals.leaderRemovals += result.stats.leaderRemovals;
    totals.removedLeaderStepDowns += result.stats.removedLeaderStepDowns;
    if (!result.ok) {
      totals.failures.push(
        `seed ${seed}: ${result.violation?.message}\nreproduce: npm run sim -- --seed ${seed} --membership${app === "keel" ? " --keel" : ""}`,
      );
    }
  }
  return totals;
}

describe("ZAB simulator, fixed seeds: variants", () => {
  it(`${LONG_SEEDS} schedules with ${LONG_FAULT_TICKS}-tick fault phases keep every invariant`, () => {
    const failures: string[] = [];
    for (let seed = 1_000_001; seed <= 1_000_000 + LONG_SEEDS; seed++) {
      const result = runSchedule(makeSchedule(seed, { faultTicks: LONG_FAULT_TICKS }), 40);
      if (!result.ok) failures.push(`seed ${seed} (--fault-ticks ${LONG_FAULT_TICKS}): ${result.violation?.message}`);
    }
    expect(failures).toEqual([]);
  });

  it(`${KEEL_SEEDS} schedules replicating the real znode application (KeelState) keep every invariant`, () => {
    const failures: string[] = [];
    for (let seed = 2_000_001; seed <= 2_000_000 + KEEL_SEEDS; seed++) {
      const result = runSchedule(makeSchedule(seed, { app: "keel" }), 40);
      if (!result.ok) failures.push(`seed ${seed} (--keel): ${result.violation?.message}`);
    }
    expect(failures).toEqual([]);
  });

  it("SNAP streams many chunks through the window, with faults landing mid-transfer", () => {
    let snaps = 0;
    let chunks = 0;
    let acks = 0;
    for (let seed = 3_000_001; seed <= 3_000_060; seed++) {
      const result = runSchedule(makeSchedule(seed, { app: seed % 2 === 0 ? "keel" : "sim" }), 40);
      expect(result.violation?.message).toBeUndefined();
      snaps += result.sentByType.get("SNAP") ?? 0;
      chunks += result.sentByType.get("SNAPCHUNK") ?? 0;
      acks += result.sentByType.get("SNAPACK") ?? 0;
    }
    expect(snaps).toBeGreaterThan(10);
    expect(chunks).toBeGreaterThan(snaps * 4); // 8+ chunks per snapshot: several windows each
    expect(acks).toBeGreaterThan(0);
    expect(acks).toBeLessThan(chunks); // some transfers were cut by crashes, drops or partitions
  });

  it(`${MEMBERSHIP_SEEDS} schedules changing the membership under crashes and partitions keep every invariant`, () => {
    const totals = runMembershipSeeds(1, MEMBERSHIP_SEEDS, "sim");
    expect(totals.failures).toEqual([]);
    // Changes really happen: most are refused (one at a time, unsynced voters), many commit.
    expect(totals.committed).toBeGreaterThan(MEMBERSHIP_SEEDS / 3);
    expect(totals.committed).toBeLessThan(totals.requested);
    // Some removed the leader that proposed them, and such leaders stepped down for it.
    expect(totals.leaderRemovals).toBeGreaterThan(0);
    expect(totals.removedLeaderStepDowns).toBeGreaterThan(0);
  });

  it(`${MEMBERSHIP_KEEL_SEEDS} schedules changing KeelState's membership (reconfig requests) keep every invariant`, () => {
    const totals = runMembershipSeeds(1, MEMBERSHIP_KEEL_SEEDS, "keel");
    expect(totals.failures).toEqual([]);
    expect(totals.committed).toBeGreaterThan(0);
    expect(totals.leaderRemovals).toBeGreaterThan(0);
  });
});

/**
 * The lock and election workloads against a real 3-member ensemble (testkit): each runs about 20 s
 * with the leader SIGKILLed and restarted in the middle, one contender pausing (its ClientLink
 * frozen past its session) on every hold; then finish, check. The records must be valid, with
 * work done of every kind: grants, ok fenced writes, and paused-holder writes the ensemble
 * rejected (sent straight to a member with the expired session, and with no session at all so that only
 * the fence check stands in the way), none accepted. Nothing asserts how long anything took; waits poll with generous limits.
 */
import { Ensemble } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startClock } from "../harness/history-recorder.js";
import { Random } from "../harness/random.js";
import { sleep } from "../harness/util.js";
import { ElectionWorkload } from "./election-workload.js";
import { LockWorkload } from "./lock-workload.js";
import type { ChaosWorkload, WorkloadCheckResult } from "./workload.js";

const RUN_MS = 20_000;
const CLUSTER_WAIT_MS = 60_000;
const SEED = 20261203;

let ensemble: Ensemble;
beforeAll(async () => {
  // The servers' default WebSocket ping (5 s): no socket event reaches a paused holder through its
  // frozen link either way, so its lease must be lost by the SDK's own suspect timer. That timer
  // could fire a hair before its deadline and never be armed again, leaving the holder
  // `disconnected` (not suspect) until the thaw (fixed in the SDK: client/src/deadline-timer.ts).
  ensemble = await Ensemble.start({ voters: 3 });
  await ensemble.waitForLeader({ timeoutMs: CLUSTER_WAIT_MS });
}, CLUSTER_WAIT_MS + 30_000);
afterAll(async () => {
  await ensemble?.close();
});

/** Runs `workload` for RUN_MS with the leader killed and restarted half-way, then finishes and checks it. */
async function runWithLeaderKill(workload: ChaosWorkload): Promise<WorkloadCheckResult> {
  const clock = startClock();
  const lines: string[] = [];
  try {
    await workload.setup({
      memberUrls: new Map(ensemble.members.map((member) => [member.id, member.clientUrl])),
      clock,
      random: new Random(SEED),
      log: (line) => lines.push(`${clock.now().toFixed(0)} ${line}`),
    });
    const running = workload.run();
    try {
      await sleep(RUN_MS / 2);
      const leader = await ensemble.waitForLeader({ timeoutMs: CLUSTER_WAIT_MS });
      await ensemble.kill(leader, "SIGKILL");
      await sleep(1000);
      ensemble.startMember(leader);
      while (clock.now() < RUN_MS) await sleep(100);
    } finally {
      workload.stop();
      await running;
    }
    const workloadEndMs = clock.now();
    const leader = await ensemble.waitForLeader({ timeoutMs: CLUSTER_WAIT_MS });
    await workload.finish(ensemble.member(leader).clientUrl);
    const result = workload.check({ unavailable: [], workloadEndMs });
    if (result.verdict !== "valid") console.error(lines.join("\n"), JSON.stringify(workload.record(), null, 1));
    return result;
  } finally {
    await workload.close();
  }
}

describe("chaos workloads on a real ensemble", () => {
  it("lock: valid under a leader kill, with paused-holder writes rejected", async () => {
    const result = await runWithLeaderKill(new LockWorkload({ alwaysPausedContenders: [0] }));
    console.log(`lock: ${JSON.stringify(result.stats)}`);
    expect(result.anomalies).toEqual([]);
    expect(result.verdict).toBe("valid");
    expect(result.stats["acquire ok"]).toBeGreaterThan(0);
    expect(result.stats["fenced write ok"]).toBeGreaterThan(0);
    expect(result.stats["paused-holder write rejected (direct-after-thaw)"]).toBeGreaterThan(0);
    expect(result.stats["paused-holder write rejected (fence-only-after-thaw)"]).toBeGreaterThan(0);
    expect(result.stats["paused-holder write accepted"]).toBe(0);
  }, 120_000);

  it("election: valid under a leader kill, observers end on the final leader", async () => {
    const result = await runWithLeaderKill(new ElectionWorkload({ alwaysPausedCandidates: [0] }));
    console.log(`election: ${JSON.stringify(result.stats)}`);
    expect(result.anomalies).toEqual([]);
    expect(result.verdict).toBe("valid");
    expect(result.stats["campaign ok"]).toBeGreaterThan(0);
    expect(result.stats["fenced write ok"]).toBeGreaterThan(0);
    expect(result.stats["observed leaders"]).toBeGreaterThan(0);
    expect(result.stats["paused-holder write rejected (direct-after-thaw)"]).toBeGreaterThan(0);
    expect(result.stats["paused-holder write rejected (fence-only-after-thaw)"]).toBeGreaterThan(0);
    expect(result.stats["paused-holder write accepted"]).toBe(0);
  }, 120_000);
});

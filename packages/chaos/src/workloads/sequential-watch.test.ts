/**
 * The sequential and watch workloads on a real 3-member ensemble: both run for about 20 s, with a
 * kill -9 of the leader in the middle and its restart; then the final listing and the marker, and
 * both checkers must find the records valid with real work in them. The watch streams must also
 * have survived the leader's death: a stream opened before the kill delivered events after it.
 * The watchers' links are faulted every 2 s (freezes and cuts): at least one cut must have left a
 * gap the resumed stream got replayed, or the run proved nothing about resuming.
 * Nothing here depends on speed: waits poll for conditions with generous limits.
 */
import { Ensemble } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startClock } from "../harness/history-recorder.js";
import { Random } from "../harness/random.js";
import { sleep } from "../harness/util.js";
import { SequentialWorkload } from "./sequential-workload.js";
import { WatchWorkload } from "./watch-workload.js";
import type { WorkloadEnv } from "./workload.js";

const SEED = 20261203;
const BEFORE_KILL_MS = 8000;
const KILLED_MS = 2000;
const AFTER_RESTART_MS = 10_000;
const CLUSTER_WAIT_MS = 60_000;

describe("sequential and watch workloads across a leader kill", () => {
  let ensemble: Ensemble;
  const sequential = new SequentialWorkload();
  const watch = new WatchWorkload({ linkFaultProbability: 1 });
  const lines: string[] = [];

  beforeAll(async () => {
    ensemble = await Ensemble.start({ voters: 3 });
  });

  afterAll(async () => {
    try {
      await Promise.all([sequential.close(), watch.close()]);
    } finally {
      await ensemble?.close();
    }
  });

  it("keeps sequential numbers gap-free and delivers every watch event exactly once", {
    timeout: 110_000,
  }, async () => {
    await ensemble.waitForLeader({ timeoutMs: CLUSTER_WAIT_MS });
    const memberUrls = new Map(ensemble.members.map((member) => [member.id, member.clientUrl]));
    const clock = startClock();
    const random = new Random(SEED);
    const env = (salt: number): WorkloadEnv => ({
      memberUrls,
      clock,
      random: random.fork(salt),
      log: (line) => lines.push(`${clock.now().toFixed(0)} ms ${line}`),
    });
    await sequential.setup(env(1));
    await watch.setup(env(2));

    const running = [sequential.run(), watch.run()];
    await sleep(BEFORE_KILL_MS);
    const leader = await ensemble.waitForLeader({ timeoutMs: CLUSTER_WAIT_MS });
    const killMs = clock.now();
    await ensemble.kill(leader, "SIGKILL");
    await sleep(KILLED_MS);
    ensemble.startMember(leader);
    const restartMs = clock.now();
    await sleep(AFTER_RESTART_MS);
    sequential.stop();
    watch.stop();
    await Promise.all(running);

    const healedLeader = await ensemble.waitForLeader({ timeoutMs: CLUSTER_WAIT_MS });
    const leaderUrl = ensemble.member(healedLeader).clientUrl;
    await sequential.finish(leaderUrl);
    await watch.finish(leaderUrl);

    const log = () => lines.join("\n");

    const sequentialResult = sequential.check();
    expect(sequentialResult.anomalies, log()).toEqual([]);
    expect(sequentialResult.verdict).toBe("valid");
    expect(sequentialResult.stats["create ok"]).toBeGreaterThan(0);
    expect(sequentialResult.stats.children).toBeGreaterThanOrEqual(sequentialResult.stats["create ok"] as number);

    const watchResult = watch.check();
    expect(watchResult.anomalies, log()).toEqual([]);
    expect(watchResult.verdict).toBe("valid");
    expect(watchResult.stats.events).toBeGreaterThan(0);
    expect(watchResult.stats["write ok"]).toBeGreaterThan(0);
    expect(watchResult.stats["live watchers at the end"]).toBe(2);
    const stats = JSON.stringify(watchResult.stats);
    expect(watchResult.stats["link cuts"], stats).toBeGreaterThan(0);
    expect(watchResult.stats["resumes after a gap"], `${stats}\n${log()}`).toBeGreaterThan(0);

    const { streams } = watch.record();
    const survivors = streams.filter(
      (stream) => stream.startMs < killMs && stream.events.some((event) => event.receivedMs > restartMs),
    );
    expect(survivors.length, `no stream opened before the kill delivered events after it\n${log()}`).toBeGreaterThan(0);
  });
});

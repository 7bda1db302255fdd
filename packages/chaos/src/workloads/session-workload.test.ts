/**
 * The session workload against a real 3-voter ensemble: about 20 s of overlapping trials, with the
 * leader killed (kill -9) in the middle and restarted. The test builds the unavailable window
 * itself, from the kill to the first write acknowledged after it, and checks the record as the
 * harness does: no reset allowed after a leader kill (the new leader keeps the old one's
 * deadlines, where etcd restarts them). It must be valid, with trials, and with at least one trial
 * whose silence spans the leader change; it prints those trials' lateness, and the verdict a
 * checker allowing etcd's reset would give, for comparison.
 * Nothing here depends on speed: waits poll for conditions under generous limits.
 */
import { Ensemble, httpClient } from "@keel/testkit";
import { expect, it } from "vitest";
import { checkSessionTrials, type SessionTrialLateness } from "../checkers/session-checker.js";
import { type RunClock, startClock } from "../harness/history-recorder.js";
import { Random } from "../harness/random.js";
import { sleep } from "../harness/util.js";
import { SESSION_OPTIONS } from "./registry.js";
import { SESSION_TRIAL_PREFIX, SessionWorkload } from "./session-workload.js";
import type { CheckContext, UnavailableWindow } from "./workload.js";

const SEED = 20261203;
const WORKLOAD_MS = 20_000;
const KILL_AT_MS = 9000;
const CLUSTER_WAIT_MS = 60_000;

it("keeps sessions' promises across a leader kill", { timeout: 180_000 }, async () => {
  const ensemble = await Ensemble.start({ voters: 3 });
  const workload = new SessionWorkload(SESSION_OPTIONS);
  try {
    await ensemble.waitForLeader({ timeoutMs: CLUSTER_WAIT_MS });
    const clock = startClock();
    const memberUrls = new Map(ensemble.members.map((member) => [member.id, member.clientUrl]));
    await workload.setup({ memberUrls, clock, random: new Random(SEED), log: (line) => console.log(line) });
    const running = workload.run();
    let window: UnavailableWindow;
    try {
      await sleep(KILL_AT_MS);
      window = await killLeader(ensemble, clock);
      while (clock.now() < WORKLOAD_MS) await sleep(100);
    } finally {
      workload.stop();
      await running;
    }
    const context: CheckContext = { unavailable: [window], workloadEndMs: clock.now() };
    const leader = await ensemble.waitForLeader({ timeoutMs: CLUSTER_WAIT_MS });
    await workload.finish(ensemble.member(leader).clientUrl);

    const result = workload.check(context);
    const lenient = checkSessionTrials(workload.record().trials, context, { resetAllowedAfter: () => true });
    const spanning = result.expiries.filter((expiry) => expiry.leaderChange !== undefined);
    console.log(`leader kill window: ${Math.round(window.startMs)}–${Math.round(window.endMs)} ms`);
    for (const expiry of spanning) console.log(describeSpanning(expiry));
    console.log(`no reset allowed: ${result.verdict} ${JSON.stringify(result.stats)}`);
    console.log(`etcd's reset allowed: ${lenient.verdict}`);

    expect(result.anomalies).toEqual([]);
    expect(result.verdict).toBe("valid");
    expect(result.stats.trials).toBeGreaterThan(0);
    expect(result.stats["ephemerals created ok"]).toBeGreaterThan(0);
    expect(spanning.length).toBeGreaterThan(0);
  } finally {
    await workload.close();
    await ensemble.close();
  }
});

/** kill -9 of the leader; the window ends when a write invoked after the kill is acknowledged. Restarts it. */
async function killLeader(ensemble: Ensemble, clock: RunClock): Promise<UnavailableWindow> {
  const leader = await ensemble.waitForLeader({ timeoutMs: CLUSTER_WAIT_MS });
  const startMs = clock.now();
  await ensemble.kill(leader, "SIGKILL");
  const survivors = ensemble.members.filter((member) => member.id !== leader).map((m) => httpClient(m.clientUrl));
  const deadlineMs = startMs + CLUSTER_WAIT_MS;
  for (let attempt = 0; clock.now() < deadlineMs; attempt++) {
    const client = survivors[attempt % survivors.length];
    try {
      await client?.node.set.mutate(
        { path: SESSION_TRIAL_PREFIX, data: `after kill ${attempt}`, version: -1 },
        { signal: AbortSignal.timeout(2000) },
      );
      ensemble.startMember(leader);
      return { startMs, endMs: clock.now(), kind: "kill-leader", leaderChanged: true };
    } catch {
      await sleep(50);
    }
  }
  throw new Error("no write was acknowledged after the leader was killed");
}

function describeSpanning(expiry: SessionTrialLateness): string {
  const window = expiry.leaderChange;
  const afterResetMs = window === undefined ? Number.NaN : window.endMs + expiry.timeoutMs;
  const round = (value: number | undefined) => (value === undefined ? "?" : Math.round(value));
  return (
    `trial ${expiry.trial} (T ${expiry.timeoutMs} ms): promised expiry ${round(expiry.promisedExpiryMs)} ms, ` +
    `lateness ${round(expiry.latenessMinMs)}..${round(expiry.latenessMaxMs)} ms; ` +
    `gone ${round(expiry.latenessMinMs === undefined ? undefined : expiry.promisedExpiryMs + expiry.latenessMinMs - afterResetMs)}` +
    `..${round(expiry.latenessMaxMs === undefined ? undefined : expiry.promisedExpiryMs + expiry.latenessMaxMs - afterResetMs)} ms ` +
    `after window end + T; allowed ${round(expiry.allowedWithoutResetMs)} ms without reset, ` +
    `${round(expiry.allowedWithResetMs)} ms with`
  );
}

/**
 * The watch workload alone on a real 3-member ensemble, with nothing but its own link faults: every
 * 2 s one watcher's link is frozen or cut while the writers go on, so its SDK stream has to resume
 * after writes it never saw and the server has to replay them. The checker must find the record
 * valid, and at least one resume must have had a gap to replay: otherwise a replay that loses
 * events would pass unseen. Nothing here depends on speed: waits poll with generous limits.
 */
import { Ensemble } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startClock } from "../harness/history-recorder.js";
import { Random } from "../harness/random.js";
import { sleep } from "../harness/util.js";
import { WatchWorkload } from "./watch-workload.js";

const SEED = 20261204;
const RUN_MS = 14_000;
const CLUSTER_WAIT_MS = 60_000;

describe("watch workload with faulted watcher links", () => {
  let ensemble: Ensemble;
  const watch = new WatchWorkload({ linkFaultProbability: 1 });
  const lines: string[] = [];

  beforeAll(async () => {
    ensemble = await Ensemble.start({ voters: 3 });
  });

  afterAll(async () => {
    try {
      await watch.close();
    } finally {
      await ensemble?.close();
    }
  });

  it("delivers every event exactly once across freezes and cuts, replaying the gaps", { timeout: 90_000 }, async () => {
    await ensemble.waitForLeader({ timeoutMs: CLUSTER_WAIT_MS });
    const clock = startClock();
    await watch.setup({
      memberUrls: new Map(ensemble.members.map((member) => [member.id, member.clientUrl])),
      clock,
      random: new Random(SEED),
      log: (line) => lines.push(`${clock.now().toFixed(0)} ms ${line}`),
    });
    const running = watch.run();
    await sleep(RUN_MS);
    watch.stop();
    await running;
    const leader = await ensemble.waitForLeader({ timeoutMs: CLUSTER_WAIT_MS });
    await watch.finish(ensemble.member(leader).clientUrl);

    const result = watch.check();
    const context = `${JSON.stringify(result.stats)}\n${lines.join("\n")}`;
    expect(result.anomalies, context).toEqual([]);
    expect(result.verdict).toBe("valid");
    expect(result.stats["live watchers at the end"]).toBe(2);
    expect(result.stats["link cuts"], context).toBeGreaterThan(0);
    expect(result.stats["resumes after a gap"], context).toBeGreaterThan(0);
    expect(result.stats["events delivered after a cut (replayed)"], context).toBeGreaterThan(0);
  });
});

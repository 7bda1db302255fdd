import { describe, expect, it } from "vitest";
import { ScryptGate } from "./scrypt-gate.js";

/** A job that finishes when the test says so. */
function job() {
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let started = false;
  return {
    work: async () => {
      started = true;
      await done;
      return "ran";
    },
    finish: () => finish(),
    started: () => started,
  };
}

describe("ScryptGate", () => {
  it("runs at most `concurrent` jobs, queues up to `queued`, refuses the rest", async () => {
    const gate = new ScryptGate({ concurrent: 2, queued: 1 });
    const jobs = [job(), job(), job(), job()];
    const results = jobs.map((j) => gate.run(j.work));
    await Promise.resolve();
    expect(jobs.map((j) => j.started())).toEqual([true, true, false, false]);
    expect(await results[3]).toBe("busy");
    jobs[0]?.finish();
    await results[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(jobs[2]?.started()).toBe(true);
    jobs[1]?.finish();
    jobs[2]?.finish();
    expect(await Promise.all(results.slice(0, 3))).toEqual(["ran", "ran", "ran"]);
    expect(gate.queuedCount).toBe(0);
  });

  it("frees its slot when a job fails", async () => {
    const gate = new ScryptGate({ concurrent: 1, queued: 0 });
    await expect(gate.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await gate.run(() => Promise.resolve("ok"))).toBe("ok");
  });
});

/**
 * Lock: 8 contenders (each its own connection and session, spread over the members) loop
 * acquire → release on one lock for a fixed time, after an uncounted warm-up (warmupOf). Reports
 * completed cycles per second and the p99 of the acquire wait. ZooKeeper and Keel use the
 * ephemeral-sequential recipe, etcd its concurrency Mutex (see the drivers).
 */
import type { LockContender } from "../driver.js";
import type { Figure } from "../report.js";
import { summarizeLatencies } from "../stats.js";
import { meterCpu, retrying, type Workload, warmupOf } from "./workload.js";

const contenders = 8;

export const lockWorkload: Workload = {
  id: "lock",
  title: `lock acquire+release, ${contenders} contenders`,
  nodes: 3,
  async run(context) {
    const durationMs = context.quick ? 3000 : 10_000;
    const setup = await context.cluster.connect();
    try {
      await retrying(() => setup.ensure("/locks", Buffer.alloc(0)));
      await retrying(() => setup.ensure("/locks/bench", Buffer.alloc(0)));
    } finally {
      await setup.close();
    }
    const holders: LockContender[] = [];
    try {
      for (let i = 0; i < contenders; i++) {
        holders.push(await context.cluster.lockContender("/locks/bench", i % context.cluster.size));
      }
      const waits: number[] = [];
      let cycles = 0;
      let holding = 0;
      let overlaps = 0;
      // The first warmupOf(context).ms of cycles are not counted: cycles complete from `start`
      // on, and waits of acquires asked from then on, are.
      const start = performance.now() + warmupOf(context).ms;
      const until = start + durationMs;
      let cpu: (() => Figure[]) | undefined;
      const cpuTimer = setTimeout(() => {
        cpu = meterCpu(context.cluster);
      }, start - performance.now());
      await Promise.all(
        holders.map(async (holder) => {
          while (performance.now() < until) {
            const asked = performance.now();
            await holder.acquire();
            if (asked >= start) waits.push(performance.now() - asked);
            // Mutual exclusion is the point of a lock: count (and report) any overlap.
            holding++;
            if (holding > 1) overlaps++;
            await new Promise((resolve) => setImmediate(resolve)); // hold across one event-loop turn
            holding--;
            await holder.release();
            if (performance.now() >= start) cycles++;
          }
        }),
      );
      clearTimeout(cpuTimer);
      const elapsed = (performance.now() - start) / 1000;
      if (overlaps > 0) context.note(`${context.system} lock: ${overlaps} overlapping holds (mutual exclusion broken)`);
      const wait = summarizeLatencies(waits);
      return [
        { metric: "cycles/s", unit: "ops/s", better: "higher", value: cycles / elapsed },
        { metric: "wait p99", unit: "ms", better: "lower", value: wait.p99 },
        ...(cpu?.() ?? []),
      ];
    } finally {
      await Promise.allSettled(holders.map((h) => h.close()));
    }
  },
};

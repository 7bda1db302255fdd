/**
 * Watch delivery: one watcher (its own connection, member 0) on one key, one writer (member 1)
 * doing N sequential writes to it after an unmeasured warm-up (warmupOf). Latency is from the
 * start of a write to the arrival of the event that stands for it. "missed" counts writes no
 * event stood for: ZooKeeper's one-shot watches coalesce writes made while a watch is re-armed
 * (that is their contract); etcd's and Keel's persistent streams should deliver every write.
 */
import { sleep, withTimeout } from "../driver.js";
import { summarizeLatencies } from "../stats.js";
import { meterCpu, retrying, value, type Workload, warmupOf } from "./workload.js";

export const watchWorkload: Workload = {
  id: "watch",
  title: "watch delivery, 1 writer → 1 watcher",
  nodes: 3,
  async run(context) {
    const writes = context.quick ? 300 : 1000;
    const writer = await context.cluster.connect({ node: 1 % context.cluster.size });
    const watcher = await context.cluster.connect({ node: 0 });
    try {
      await retrying(() => writer.ensure("/watched", value(1024)));
      const arrivals = new Map<string, number>();
      let onArrival: ((token: string) => void) | undefined;
      const stopWatching = await watcher.watch("/watched", (token) => {
        if (!arrivals.has(token)) arrivals.set(token, performance.now());
        onArrival?.(token);
      });
      // The watch is only surely in place once it has delivered something: one untimed write first.
      const firstSeen = new Promise<void>((resolve) => {
        onArrival = () => resolve();
      });
      await writer.put("/watched", value(1024, -1));
      await withTimeout(firstSeen, 10_000, `${context.system} watch: first event`);
      onArrival = undefined;
      // Warm-up writes, not measured; their events are drained before the measured ones (a
      // ZooKeeper watcher may never see the last one, coalesced: then the drain gives up).
      let warmToken = "";
      for (let i = 0; i < warmupOf(context).ops; i++) warmToken = await writer.put("/watched", value(1024, -2 - i));
      const drainUntil = performance.now() + 2000;
      while (warmToken !== "" && !arrivals.has(warmToken) && performance.now() < drainUntil) await sleep(10);
      arrivals.clear();

      const cpu = meterCpu(context.cluster);
      const sent = new Map<string, number>();
      let lastToken = "";
      for (let i = 0; i < writes; i++) {
        const start = performance.now();
        lastToken = await writer.put("/watched", value(1024, i));
        sent.set(lastToken, start);
      }
      // Wait for the last write's event (or give up after a while: then it counts as missed).
      const deadline = performance.now() + 5000;
      while (!arrivals.has(lastToken) && performance.now() < deadline) await sleep(10);
      await sleep(200);
      await stopWatching();
      const latencies: number[] = [];
      for (const [token, at] of arrivals) {
        const start = sent.get(token);
        if (start !== undefined) latencies.push(at - start);
      }
      const summary = summarizeLatencies(latencies);
      return [
        { metric: "p50", unit: "ms", better: "lower", value: summary.p50 },
        { metric: "p99", unit: "ms", better: "lower", value: summary.p99 },
        { metric: `missed of ${writes}`, unit: "events", better: "lower", value: writes - latencies.length },
        ...cpu(),
      ];
    } finally {
      await Promise.allSettled([writer.close(), watcher.close()]);
    }
  },
};

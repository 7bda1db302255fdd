/**
 * Failover: a writer on a follower writes one key in a loop (each write given up after 1 s);
 * then the leader is killed (SIGKILL) or frozen (SIGSTOP). The figure is the time from the signal
 * to the first successful write that started after it. A frozen leader gets SIGCONT once that
 * write succeeded (or the cap passed). The writer talks to a surviving member, so this measures
 * the cluster's failover, not a client's reconnect logic.
 */
import { sleep, withTimeout } from "../driver.js";
import { retrying, value, type Workload } from "./workload.js";

const writeTimeoutMs = 1000;

function failover(signal: "SIGKILL" | "SIGSTOP"): Workload {
  const id = signal === "SIGKILL" ? "failover-kill" : "failover-stop";
  return {
    id,
    title: `failover: ${signal === "SIGKILL" ? "kill -9" : "SIGSTOP"} of the leader under a write loop`,
    nodes: 3,
    async run(context) {
      const capMs = context.quick ? 30_000 : 60_000;
      const cluster = context.cluster;
      const leader = await cluster.leader();
      const follower = (leader + 1) % cluster.size;
      const writer = await cluster.connect({ node: follower });
      try {
        await retrying(() => writer.ensure("/failover", value(1024)));
        // Steady state first: a second of successful writes.
        const warmUntil = performance.now() + 1000;
        for (let i = 0; performance.now() < warmUntil; i++)
          await retrying(() => writer.put("/failover", value(1024, i)));

        const signalledAt = performance.now();
        cluster.signal(leader, signal);
        let recoveredMs = Number.NaN;
        let failures = 0;
        for (let i = 0; performance.now() - signalledAt < capMs; i++) {
          const started = performance.now();
          try {
            await withTimeout(writer.put("/failover", value(1024, i)), writeTimeoutMs, "write");
            recoveredMs = performance.now() - signalledAt;
            break;
          } catch {
            failures++;
            // A failed write can fail fast (no leader): do not spin faster than a retrying client would.
            const spent = performance.now() - started;
            if (spent < 10) await sleep(10 - spent);
          }
        }
        if (signal === "SIGSTOP") cluster.signal(leader, "SIGCONT");
        if (Number.isNaN(recoveredMs)) context.note(`${context.system} ${id}: no successful write within ${capMs} ms`);
        return [
          { metric: "time to first write", unit: "ms", better: "lower", value: recoveredMs },
          { metric: "failed writes meanwhile", unit: "count", better: "info", value: failures },
        ];
      } finally {
        if (signal === "SIGSTOP") cluster.signal(leader, "SIGCONT");
        await writer.close();
      }
    },
  };
}

export const failoverWorkloads: Workload[] = [failover("SIGKILL"), failover("SIGSTOP")];

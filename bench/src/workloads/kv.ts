/**
 * Key-value workloads: sequential write latency (one client, one write at a time) and write/read
 * throughput (8 connections × 32 outstanding), 1 KiB values. Keel runs each three times: over its
 * WebSocket path (the row compared), over its ZooKeeper port with ZooKeeper's own Node client
 * (rows marked "via ZooKeeper protocol") and over plain HTTP (rows marked "via HTTP").
 */
import type { Cluster, KvClient, Transport } from "../driver.js";
import type { Figure } from "../report.js";
import { closedLoop, sequential } from "./loops.js";
import { meterCpu, retrying, value, type Workload, type WorkloadContext, warmupOf } from "./workload.js";

const valueBytes = 1024;
const connectionsCount = 8;
const outstanding = 32;

function transportsOf(context: WorkloadContext): readonly Transport[] {
  return context.cluster.transports ?? (context.system === "keel" ? ["ws", "zk", "http"] : ["ws"]);
}

const SUFFIXES: Record<Transport, string> = { ws: "", http: " via HTTP", zk: " via ZooKeeper protocol" };
const suffix = (transport: Transport): string => SUFFIXES[transport];

const withSuffix = (figures: Figure[], s: string): Figure[] =>
  figures.map((f) => ({ ...f, metric: `${f.metric}${s}` }));

async function withClients<T>(
  cluster: Cluster,
  count: number,
  transport: Transport,
  body: (clients: KvClient[]) => Promise<T>,
): Promise<T> {
  const clients: KvClient[] = [];
  try {
    for (let i = 0; i < count; i++) clients.push(await cluster.connect({ node: i % cluster.size, transport }));
    return await body(clients);
  } finally {
    await Promise.allSettled(clients.map((c) => c.close()));
  }
}

function sequentialWrite(nodes: 1 | 3): Workload {
  return {
    id: nodes === 3 ? "seq-write" : "seq-write-1",
    title: `sequential write latency, ${nodes} node${nodes === 1 ? "" : "s"}`,
    nodes,
    async run(context) {
      const count = context.quick ? 200 : 2000;
      const warmup = warmupOf(context);
      const figures: Figure[] = [];
      for (const transport of transportsOf(context)) {
        const { latency, cpu } = await withClients(context.cluster, 1, transport, async ([client]) => {
          const kv = client as KvClient;
          await retrying(() => kv.ensure("/seq", value(valueBytes)));
          for (let i = 0; i < warmup.ops; i++) await kv.put("/seq", value(valueBytes, -i));
          const meter = meterCpu(context.cluster);
          const latency = await sequential(count, (i) => kv.put("/seq", value(valueBytes, i)));
          return { latency, cpu: meter() };
        });
        const s = suffix(transport);
        figures.push(
          { metric: `p50${s}`, unit: "ms", better: "lower", value: latency.p50 },
          { metric: `p99${s}`, unit: "ms", better: "lower", value: latency.p99 },
          { metric: `max${s}`, unit: "ms", better: "lower", value: latency.max },
        );
        figures.push(...withSuffix(cpu, s));
      }
      return figures;
    },
  };
}

function throughput(kind: "write" | "read", nodes: 1 | 3): Workload {
  return {
    id: `${kind}-throughput${nodes === 1 ? "-1" : ""}`,
    title: `${kind} throughput, ${connectionsCount} connections × ${outstanding} outstanding${nodes === 1 ? ", 1 node" : ""}`,
    nodes,
    fullOnly: nodes === 1,
    async run(context) {
      const warmupMs = warmupOf(context).ms;
      const durationMs = context.quick ? 3000 : 10_000;
      const figures: Figure[] = [];
      // One key per slot, created once (concurrently, one slot per outstanding call).
      await withClients(context.cluster, connectionsCount, "ws", async (clients) => {
        await retrying(() => (clients[0] as KvClient).ensure("/tp", Buffer.alloc(0)));
        await Promise.all(
          Array.from({ length: connectionsCount * outstanding }, (_, slot) =>
            retrying(() =>
              (clients[slot % clients.length] as KvClient).ensure(`/tp/k${slot}`, value(valueBytes, slot)),
            ),
          ),
        );
      });
      for (const transport of transportsOf(context)) {
        const result = await withClients(context.cluster, connectionsCount, transport, async (clients) => {
          const cpu = meterCpu(context.cluster);
          const loop = await closedLoop(clients, outstanding, warmupMs, durationMs, (client, slot, i) =>
            kind === "write" ? client.put(`/tp/k${slot}`, value(valueBytes, i)) : client.get(`/tp/k${slot}`),
          );
          return { loop, cpu: cpu() };
        });
        const s = suffix(transport);
        figures.push(
          { metric: `ops/s${s}`, unit: "ops/s", better: "higher", value: result.loop.opsPerSecond },
          { metric: `p99${s}`, unit: "ms", better: "lower", value: result.loop.latency.p99 },
        );
        figures.push(...withSuffix(result.cpu, s));
        // Always reported (zero too), so the spread over repeats counts the clean runs.
        figures.push({ metric: `errors${s}`, unit: "count", better: "lower", value: result.loop.errors });
        if (result.loop.errors > 0) {
          context.note(
            `${context.system} ${kind}-throughput${s}: ${result.loop.errors} errors, first: ${result.loop.firstError}`,
          );
        }
      }
      return figures;
    },
  };
}

export const kvWorkloads: Workload[] = [
  sequentialWrite(3),
  sequentialWrite(1),
  throughput("write", 3),
  throughput("write", 1),
  throughput("read", 3),
];

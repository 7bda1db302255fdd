/**
 * Server memory: resident set size (VmRSS from /proc) of each member idle, then after creating
 * N keys of 100 B (8 connections × 32 outstanding creates). The figure is the largest member's,
 * as every member holds the whole tree. Quick mode creates far fewer keys (say so in the table).
 */

import type { KvClient } from "../driver.js";
import { sleep } from "../driver.js";
import { rssMiB } from "../proc.js";
import { retrying, value, type Workload } from "./workload.js";

function maxRss(pids: readonly (number | undefined)[]): number {
  return Math.max(...pids.filter((p): p is number => p !== undefined).map(rssMiB));
}

export const rssWorkload: Workload = {
  id: "rss",
  title: "server RSS (largest member)",
  nodes: 3,
  async run(context) {
    const keys = context.quick ? 2000 : 100_000;
    const cluster = context.cluster;
    const idle = maxRss(cluster.pids());
    const clients: KvClient[] = [];
    try {
      for (let i = 0; i < 8; i++) clients.push(await cluster.connect({ node: i % cluster.size }));
      await retrying(() => (clients[0] as KvClient).ensure("/rss", Buffer.alloc(0)));
      const perSlot = Math.ceil(keys / (8 * 32));
      let created = 0;
      let failed = 0;
      await Promise.all(
        Array.from({ length: 8 * 32 }, async (_, slot) => {
          const client = clients[slot % clients.length] as KvClient;
          for (let i = 0; i < perSlot && slot * perSlot + i < keys; i++) {
            try {
              await retrying(() => client.ensure(`/rss/k${slot * perSlot + i}`, value(100, i)), 10);
              created++;
            } catch {
              failed++;
            }
          }
        }),
      );
      await sleep(2000);
      if (created < keys) context.note(`${context.system} rss: created ${created} of ${keys} keys (${failed} failed)`);
      return [
        { metric: "idle", unit: "MiB", better: "lower", value: idle },
        {
          metric: `after ${keys.toLocaleString("en-US")} keys`,
          unit: "MiB",
          better: "lower",
          value: maxRss(cluster.pids()),
        },
      ];
    } finally {
      await Promise.allSettled(clients.map((c) => c.close()));
    }
  },
};

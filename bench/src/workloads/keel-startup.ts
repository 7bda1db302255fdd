/**
 * Keel only: how long a 3-node ensemble takes to come back (a leader and every
 * member ready) after all members are killed holding 1,000,000 znodes. The znodes are written
 * with node.multi, 1000 creates per call, to keep the load phase bounded; creating them one by
 * one at today's write rate would take close to an hour. Quick mode shrinks the tree to 20,000
 * znodes, which exercises the path but says little about start-up at scale.
 */
import { KeelCluster } from "../drivers/keel.js";
import { keelWs } from "../drivers/keel-api.js";
import { retrying, type Workload } from "./workload.js";

const fullZnodes = 1_000_000;
const quickZnodes = 20_000;
const perMulti = 1000;
const concurrentMultis = 4;
/** The load phase gives up after this long and reports how many znodes it got to. */
const loadCapMs = 30 * 60_000;

export const keelStartupWorkload: Workload = {
  id: "keel-startup",
  title: "Keel start-up after a restart with many znodes",
  nodes: 3,
  systems: ["keel"],
  async run(context) {
    const znodes = context.quick ? quickZnodes : fullZnodes;
    const cluster = context.cluster;
    if (!(cluster instanceof KeelCluster)) throw new Error("keel-startup needs a Keel cluster");
    const api = keelWs(cluster.ensemble.members[0]?.clientUrl ?? "");
    let created = 0;
    try {
      await api.client.node.create.mutate({ path: "/big" }).catch(() => undefined);
      const batches = znodes / perMulti;
      let next = 0;
      const deadline = performance.now() + loadCapMs;
      await Promise.all(
        Array.from({ length: concurrentMultis }, async () => {
          while (next < batches && performance.now() < deadline) {
            const batch = next++;
            const ops = Array.from({ length: perMulti }, (_, i) => ({
              type: "create" as const,
              path: `/big/b${batch}-${i}`,
              data: "0123456789",
            }));
            // A multi is all-or-nothing, so retrying one whose answer was lost is safe: if it had
            // been applied, the retry's results report NODEEXISTS and nothing changes.
            await retrying(() => api.client.node.multi.mutate({ ops }), 100, 200);
            created += perMulti;
            if (batch % 100 === 0) context.log(`keel-startup: ${created.toLocaleString("en-US")} znodes`);
          }
        }),
      );
    } finally {
      api.close();
    }
    if (created < znodes) context.note(`keel-startup: loaded only ${created} of ${znodes} znodes within the cap`);
    const ensemble = cluster.ensemble;
    await Promise.all(ensemble.members.map((m) => ensemble.kill(m.id)));
    const start = performance.now();
    for (const m of ensemble.members) ensemble.startMember(m.id);
    cluster.retrackPids();
    await ensemble.waitForLeader({ timeoutMs: 10 * 60_000 });
    return [
      {
        metric: `ready after restart (${znodes.toLocaleString("en-US")} znodes)`,
        unit: "ms",
        better: "lower",
        value: performance.now() - start,
      },
    ];
  },
};

/**
 * Simulator CLI: `npm run sim -- --seeds N [--seed S] [--start S0] [--steps K] [--fault-ticks T] [--keel] [--no-link-down] [--membership]`.
 * `--keel` replicates the real znode application (KeelState) instead of the hash-chain test app.
 * `--membership` adds spare replicas and membership changes during the fault phase.
 * Runs schedules for seeds S0..S0+N-1 (or just S), stops at the first violation, prints the
 * failing seed, the violated invariant and the last K events, and exits non-zero.
 */
import { runSchedule } from "./cluster.js";
import { makeSchedule } from "./schedule.js";

function flag(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const index = args.indexOf(`--${name}`);
  if (index < 0) return fallback;
  const value = Number(args[index + 1]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} needs a non-negative integer`);
    process.exit(2);
  }
  return value;
}

const single = process.argv.includes("--seed");
const start = single ? flag("seed", 0) : flag("start", Math.floor(Date.now() % 1_000_000_000));
const count = single ? 1 : flag("seeds", 100);
const steps = flag("steps", 60);
const faultTicks = flag("fault-ticks", 120);
const app = process.argv.includes("--keel") ? "keel" : "sim";
/** `--no-link-down`: replicas are never told of cut links (schedules as they ran before LINK_DOWN). */
const linkDown = !process.argv.includes("--no-link-down");
/** `--membership`: spares join and the membership changes during the fault phase (docs/protocol.md §8). */
const membershipChanges = process.argv.includes("--membership");
const started = Date.now();
let committed = 0;
let messages = 0;
const byType = new Map<string, number>();
let crashes = 0;
let partitions = 0;
let linkDowns = 0;
let reconfigs = 0;
let leaderRemovals = 0;

for (let seed = start; seed < start + count; seed++) {
  const result = runSchedule(makeSchedule(seed, { faultTicks, app, linkDown, membershipChanges }), steps);
  committed += result.stats.committed;
  messages += result.stats.messages;
  crashes += result.stats.crashes;
  partitions += result.stats.partitions;
  linkDowns += result.stats.linkDowns;
  reconfigs += result.stats.reconfigsCommitted;
  leaderRemovals += result.stats.leaderRemovals;
  for (const [type, n] of result.sentByType) byType.set(type, (byType.get(type) ?? 0) + n);
  if (single) console.log(`seed ${seed}: ${result.ok ? "ok" : "FAILED"} ${JSON.stringify(result.stats)}`);
  if (!result.ok) {
    console.error(`\nseed ${seed} violates "${result.violation?.invariant}"\n  ${result.violation?.message}`);
    console.error(`schedule: ${JSON.stringify(makeSchedule(seed, { faultTicks, app, linkDown, membershipChanges }))}`);
    console.error(`last ${result.trace.length} events:\n${result.trace.join("\n")}`);
    console.error(
      `\nreproduce: npm run sim -- --seed ${seed} --fault-ticks ${faultTicks} --steps ${steps}${app === "keel" ? " --keel" : ""}${linkDown ? "" : " --no-link-down"}${membershipChanges ? " --membership" : ""}`,
    );
    process.exit(1);
  }
  if ((seed - start + 1) % 1000 === 0) console.log(`${seed - start + 1} schedules ok (${Date.now() - started} ms)`);
}
console.log(
  `${count} schedules from seed ${start} ok in ${Date.now() - started} ms: ${committed} txns committed, ` +
    `${messages} messages, ${crashes} crashes, ${partitions} partitions, ${linkDowns} LINK_DOWNs` +
    (membershipChanges ? `, ${reconfigs} membership changes (${leaderRemovals} removing the leader)` : ""),
);
console.log(`messages by type: ${[...byType].map(([type, n]) => `${type}=${n}`).join(" ")}`);

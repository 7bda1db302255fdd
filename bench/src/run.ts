/**
 * `npm run bench`: Keel, ZooKeeper 3.8 and etcd 3.4 side by side on this machine, in one run.
 * For every workload and system: start a fresh cluster, measure, stop it; repeat; then print one
 * table (Keel / best other, with the direction that is better) and write the JSON report.
 * Exits non-zero only when the harness itself broke; a system that cannot run or a workload that
 * fails is reported, never fatal.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cleanupAll, installSignalHandlers, interrupted } from "./cleanup.js";
import type { Driver } from "./driver.js";
import { etcdDriver } from "./drivers/etcd.js";
import { keelDriver } from "./drivers/keel.js";
import { zookeeperDriver } from "./drivers/zookeeper.js";
import { parseOptions, usage } from "./options.js";
import { type Figure, type Report, ResultBook, type Skip, type SystemName } from "./report.js";
import { renderTable } from "./table.js";
import { failoverWorkloads } from "./workloads/failover.js";
import { keelStartupWorkload } from "./workloads/keel-startup.js";
import { kvWorkloads } from "./workloads/kv.js";
import { lockWorkload } from "./workloads/lock.js";
import { rssWorkload } from "./workloads/rss.js";
import { watchWorkload } from "./workloads/watch.js";
import type { Workload } from "./workloads/workload.js";

const drivers: Record<SystemName, Driver> = { keel: keelDriver, zookeeper: zookeeperDriver, etcd: etcdDriver };
const allWorkloads: Workload[] = [
  ...kvWorkloads,
  lockWorkload,
  watchWorkload,
  ...failoverWorkloads,
  rssWorkload,
  keelStartupWorkload,
];

/** A one-line reason: tRPC client errors sometimes carry only "Unknown error"; add their cause. */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : "";
  return `${error.name}: ${error.message}${cause}`;
}

const log = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(
      process.argv.slice(2),
      allWorkloads.map((w) => w.id),
    );
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${usage}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(
      `${usage}\n\nworkloads:\n${allWorkloads.map((w) => `  ${w.id.padEnd(16)} ${w.title}${w.fullOnly ? " (full mode only)" : ""}`).join("\n")}\n`,
    );
    return 0;
  }
  installSignalHandlers();
  const startedAt = new Date();
  const book = new ResultBook();
  const skipped: Skip[] = [];
  const notes: string[] = [];
  const configs: string[] = [];

  const selected = allWorkloads.filter((w) =>
    options.workloads.length > 0 ? options.workloads.includes(w.id) : !(options.quick && w.fullOnly),
  );
  const systems: SystemName[] = [];
  for (const name of options.systems) {
    const driver = drivers[name];
    const problem = await driver.prepare(log);
    if (problem) {
      log(`SKIPPING ${name}: ${problem}`);
      skipped.push({ system: name, reason: problem });
    } else {
      systems.push(name);
      configs.push(`${name}: ${driver.describe()}`);
    }
  }
  const loadAtStart = loadavg();
  log(
    `systems: ${systems.join(", ") || "none"}; workloads: ${selected.map((w) => w.id).join(", ")}; repeats: ${options.repeats}${options.quick ? " (quick)" : ""}; load average ${loadAtStart.map((l) => l.toFixed(2)).join(" ")}`,
  );

  for (const workload of selected) {
    for (const system of systems) {
      if (workload.systems && !workload.systems.includes(system)) continue;
      for (let repeat = 1; repeat <= options.repeats; repeat++) {
        // After Ctrl-C the signal handler is stopping everything: start nothing new.
        if (interrupted()) await new Promise(() => undefined);
        const label = `${workload.id} × ${system} (${repeat}/${options.repeats})`;
        log(`${label}: starting a fresh ${workload.nodes}-node cluster`);
        const driver = drivers[system];
        const started = performance.now();
        let figures: Figure[] | undefined;
        try {
          const cluster = await driver.start({ nodes: workload.nodes });
          try {
            figures = await workload.run({
              system,
              driver,
              cluster,
              quick: options.quick,
              log,
              note: (line) => {
                log(`note: ${line}`);
                notes.push(line);
              },
            });
          } finally {
            await cluster.stop();
          }
        } catch (error) {
          const reason = `${label} failed: ${(error as Error).stack ?? error}`;
          log(reason);
          skipped.push({ system, workload: workload.id, reason: errorText(error) });
        }
        if (figures) {
          book.add(workload.title, system, figures);
          const summary = figures
            .filter((f) => f.better !== "info")
            .map(
              (f) =>
                `${f.metric}=${Number.isFinite(f.value) ? f.value.toFixed(2) : "—"}${f.unit === "count" || f.unit === "events" ? "" : ` ${f.unit}`}`,
            )
            .join(", ");
          log(`${label}: ${summary} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
        }
      }
    }
  }

  const rows = book.rows();
  const cpuInfo = cpus();
  const report: Report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: cpuInfo.length,
      model: cpuInfo[0]?.model ?? "unknown",
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadAverageAtStart: loadAtStart,
    },
    options: { quick: options.quick, repeats: options.repeats, systems, workloads: selected.map((w) => w.id) },
    rows,
    skipped,
    notes: [...configs, ...notes],
  };
  const output = options.output ?? join(dirname(fileURLToPath(import.meta.url)), "..", "reports", "latest.json");
  mkdirSync(dirname(output), { recursive: true });
  writeFileSync(output, `${JSON.stringify(report, null, 2)}\n`);

  const table = renderTable(rows, systems);
  process.stdout.write(`\n${table}\n\n`);
  process.stdout.write(
    `Machine: ${report.machine.cpus} × ${report.machine.model}, ${report.machine.memoryGiB} GiB, Node ${report.machine.node}; load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(" ")}.\n`,
  );
  process.stdout.write(
    `Each cell: median [min–max] over ${options.repeats} repeat(s). CPU rows are cores used while measuring (servers summed).\n`,
  );
  for (const config of configs) process.stdout.write(`- ${config}\n`);
  for (const skip of skipped)
    process.stdout.write(
      `- skipped ${skip.system}${skip.workload ? ` ${skip.workload}` : ""}: ${skip.reason.split("\n")[0]}\n`,
    );
  for (const note of notes) process.stdout.write(`- note: ${note}\n`);
  process.stdout.write(`JSON report: ${output}\n`);
  return 0;
}

main()
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(`bench: the harness broke: ${(error as Error).stack ?? String(error)}\n`);
    await cleanupAll();
    process.exit(1);
  });

/**
 * `npm run bench:delay`: Keel's 3-node workloads against members in separate network namespaces
 * with delayed peer links (drivers/keel-namespaced.ts), once per one-way delay, each repeat on a
 * fresh ensemble. Prints one table (rows: workload × metric; columns: the delays) and writes the
 * JSON report. Clean-up (servers, relays, namespaces, veths, bridge) runs on every exit path
 * through cleanup.ts; a workload that fails is reported, never fatal.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cleanupAll, installSignalHandlers, interrupted } from "./cleanup.js";
import { type DelayedBenchOptions, delayedUsage, parseDelayedOptions } from "./delayed/delayed-options.js";
import { keelNamespacedDriver } from "./drivers/keel-namespaced.js";
import { type Figure, FigureBook } from "./report.js";
import { type Spread, spread } from "./stats.js";
import { formatSpread } from "./table.js";
import { failoverWorkloads } from "./workloads/failover.js";
import { kvWorkloads } from "./workloads/kv.js";
import type { Workload } from "./workloads/workload.js";

const threeNodeWorkloads: Workload[] = [...kvWorkloads, ...failoverWorkloads].filter((w) => w.nodes === 3);

const log = (line: string): void => {
  process.stderr.write(`[bench:delay ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};

/** Figures by (workload, metric), then by delay: the table's rows and columns. */
class DelayBook extends FigureBook<number> {
  summary(): { workload: string; metric: string; unit: string; byDelayMs: Record<string, Spread> }[] {
    return this.cells().map((cell) => ({
      workload: cell.workload,
      metric: cell.figure.metric,
      unit: cell.figure.unit,
      byDelayMs: Object.fromEntries([...cell.values].map(([delay, values]) => [String(delay), spread(values)])),
    }));
  }

  render(delaysMs: readonly number[]): string {
    const header = ["workload", "metric", ...delaysMs.map((d) => `peer delay ${d} ms`)];
    const body = this.summary().map((row) => [
      row.workload,
      `${row.metric} (${row.unit})`,
      ...delaysMs.map((d) => formatSpread(row.byDelayMs[String(d)])),
    ]);
    return [header, header.map(() => "---"), ...body].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
  }
}

/** One workload on one fresh ensemble; adds which member led and how many bytes the relays carried. */
async function runOnce(
  workload: Workload,
  peerDelayMs: number,
  options: DelayedBenchOptions,
  notes: string[],
): Promise<Figure[]> {
  const driver = keelNamespacedDriver(peerDelayMs);
  const cluster = await driver.start({ nodes: workload.nodes });
  let figures: Figure[];
  try {
    if (options.firstClient === "leader") await cluster.putLeaderFirst();
    const leaderIsFirst = (await cluster.leader()) === 0 ? 1 : 0;
    const measured = await workload.run({
      system: "keel",
      driver,
      cluster,
      quick: options.quick,
      log,
      note: (line) => {
        log(`note: ${line}`);
        notes.push(`peer delay ${peerDelayMs} ms: ${line}`);
      },
    });
    figures = [
      ...measured,
      { metric: "first client at the leader (1 yes, 0 no)", unit: "flag", better: "info", value: leaderIsFirst },
    ];
  } finally {
    await cluster.stop();
  }
  // Known once the lab host stopped; shows the peer traffic really took the delayed path.
  const relayedMB = cluster.bytesRelayed / 1e6;
  return [...figures, { metric: "peer bytes through the delay relay", unit: "MB", better: "info", value: relayedMB }];
}

async function main(): Promise<number> {
  let options: ReturnType<typeof parseDelayedOptions>;
  try {
    options = parseDelayedOptions(
      process.argv.slice(2),
      threeNodeWorkloads.map((w) => w.id),
    );
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${delayedUsage}\n`);
    return 2;
  }
  if (options.help) {
    process.stdout.write(
      `${delayedUsage}\n\nworkloads:\n${threeNodeWorkloads.map((w) => `  ${w.id.padEnd(16)} ${w.title}`).join("\n")}\n`,
    );
    return 0;
  }
  const problem = await keelNamespacedDriver(0).prepare(log);
  if (problem) {
    process.stderr.write(`bench:delay cannot run here: ${problem}\n`);
    return 2;
  }
  installSignalHandlers();
  const startedAt = new Date();
  const loadAtStart = loadavg();
  const book = new DelayBook();
  const failures: string[] = [];
  const notes: string[] = [];
  const selected = threeNodeWorkloads.filter((w) => options.workloads.includes(w.id));
  log(
    `peer delays ${options.peerDelaysMs.join(", ")} ms; first client at ${options.firstClient}; workloads ${selected.map((w) => w.id).join(", ")}; repeats ${options.repeats}${options.quick ? " (quick)" : ""}; load average ${loadAtStart.map((l) => l.toFixed(2)).join(" ")}`,
  );
  for (const peerDelayMs of options.peerDelaysMs) {
    for (const workload of selected) {
      for (let repeat = 1; repeat <= options.repeats; repeat++) {
        if (interrupted()) await new Promise(() => undefined);
        const label = `${workload.id} @ ${peerDelayMs} ms (${repeat}/${options.repeats})`;
        log(`${label}: starting a fresh namespaced ensemble`);
        try {
          const figures = await runOnce(workload, peerDelayMs, options, notes);
          book.add(workload.title, peerDelayMs, figures);
          log(`${label}: ${figures.map((f) => `${f.metric}=${f.value.toFixed(2)}`).join(", ")}`);
        } catch (error) {
          log(`${label} failed: ${(error as Error).stack ?? error}`);
          failures.push(`${label}: ${(error as Error).message}`);
        }
      }
    }
  }

  const table = book.render(options.peerDelaysMs);
  const output =
    options.output ?? join(dirname(fileURLToPath(import.meta.url)), "..", "reports", "delayed-latest.json");
  mkdirSync(dirname(output), { recursive: true });
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      model: cpus()[0]?.model ?? "unknown",
      node: process.version,
      loadAverageAtStart: loadAtStart,
    },
    options,
    driver: keelNamespacedDriver(0).describe(),
    rows: book.summary(),
    failures,
    notes,
  };
  writeFileSync(output, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`\n${table}\n\n`);
  process.stdout.write(
    `Machine: ${report.machine.cpus} × ${report.machine.model}, Node ${report.machine.node}; load average at start ${loadAtStart.map((l) => l.toFixed(2)).join(" ")}.\n`,
  );
  process.stdout.write(`Each cell: median [min–max] over ${options.repeats} repeat(s).\n`);
  for (const failure of failures) process.stdout.write(`- failed: ${failure.split("\n")[0]}\n`);
  for (const note of notes) process.stdout.write(`- note: ${note}\n`);
  process.stdout.write(`JSON report: ${output}\n`);
  return failures.length > 0 && book.summary().length === 0 ? 1 : 0;
}

main()
  .then(async (code) => {
    await cleanupAll();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    process.stderr.write(`bench:delay: the harness broke: ${(error as Error).stack ?? String(error)}\n`);
    await cleanupAll();
    process.exit(1);
  });

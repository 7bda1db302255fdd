/**
 * `npm run chaos -w @keel/chaos -- --time 600 --nemesis all --seed S --nodes 3`: one chaos run
 * against real servers. Prints the summary and the results folder. Exits 1 when the checker found
 * an anomaly; 2 when it gave no verdict, the cluster did not heal, or the harness itself failed.
 * Ctrl-C ends the run early (the history so far is checked and the processes cleaned up).
 */
import { parseArgs } from "node:util";
import { assertCanSkewClocks } from "./harness/member-clocks.js";
import { assertCanFillDisks } from "./harness/member-disks.js";
import { assertCanBuildNetworks } from "./harness/namespaced-backend.js";
import { runChaos } from "./harness/run.js";
import {
  ALL_NEMESIS_KINDS,
  CLOCK_NEMESIS_KINDS,
  DISK_NEMESIS_KINDS,
  isClockNemesisKind,
  isDiskNemesisKind,
  isNemesisKind,
  isNetworkNemesisKind,
  NETWORK_NEMESIS_KINDS,
  type NemesisKind,
  PROCESS_NEMESIS_KINDS,
} from "./harness/schedule.js";
import { EXTRA_WORKLOAD_NAMES, type ExtraWorkloadName, isExtraWorkloadName } from "./workloads/registry.js";

const USAGE = `usage: npm run chaos -w @keel/chaos -- [options]
  --time SECONDS        workload time (default 600); the run lasts until each nemesis kind was injected once
  --nemesis LIST        all | comma-separated kinds (default all) of
                          process faults: ${PROCESS_NEMESIS_KINDS.join(", ")}
                          network faults (root only): ${NETWORK_NEMESIS_KINDS.join(", ")}
                          wall-clock steps (libfaketime): ${CLOCK_NEMESIS_KINDS.join(", ")}
                          a member's disk fills up (root only: a tmpfs per member): ${DISK_NEMESIS_KINDS.join(", ")}
  --workload LIST       all | none | comma-separated (default all) of ${EXTRA_WORKLOAD_NAMES.join(", ")};
                          the register workload always runs
  --seed N              replay a run's schedule and choices (default: a fresh seed, printed)
  --nodes 3|5           ensemble size (default 3)
  --concurrency N       client processes (default 5)
  --keys N              registers /chaos/r0.. (default 3)
  --results DIR         where to write report.json, history.json, summary.txt
                        (default packages/chaos/results/<time>-<seed>/)`;

function parseNemeses(value: string): NemesisKind[] {
  if (value === "all") return [...ALL_NEMESIS_KINDS];
  const kinds = value.split(",").map((name) => name.trim());
  for (const kind of kinds) if (!isNemesisKind(kind)) throw new Error(`unknown nemesis "${kind}"`);
  return kinds as NemesisKind[];
}

function parseWorkloads(value: string): ExtraWorkloadName[] {
  if (value === "all") return [...EXTRA_WORKLOAD_NAMES];
  if (value === "none") return [];
  const names = value.split(",").map((name) => name.trim());
  for (const name of names) if (!isExtraWorkloadName(name)) throw new Error(`unknown workload "${name}"`);
  return names as ExtraWorkloadName[];
}

function parseInteger(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return parsed;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      time: { type: "string" },
      nemesis: { type: "string" },
      workload: { type: "string" },
      seed: { type: "string" },
      nodes: { type: "string" },
      concurrency: { type: "string" },
      keys: { type: "string" },
      results: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const nodes = parseInteger("nodes", values.nodes, 3);
  if (nodes !== 3 && nodes !== 5) throw new Error(`--nodes must be 3 or 5, got ${nodes}`);
  const nemeses = parseNemeses(values.nemesis ?? "all");
  try {
    if (nemeses.some(isNetworkNemesisKind)) assertCanBuildNetworks();
    if (nemeses.some(isClockNemesisKind)) assertCanSkewClocks();
    if (nemeses.some(isDiskNemesisKind)) assertCanFillDisks();
  } catch (error) {
    // Not a harness failure worth a stack trace: say what to do instead.
    console.error(`keel chaos: ${(error as Error).message}`);
    return 2;
  }
  const seedOption = values.seed === undefined ? {} : { seed: parseInteger("seed", values.seed, 0) };
  const controller = new AbortController();
  process.once("SIGINT", () => {
    console.log(
      "interrupted: stopping the faults and the workload, checking the history so far, cleaning up (Ctrl-C again quits at once)",
    );
    controller.abort();
  });
  const result = await runChaos({
    ...seedOption,
    timeMs: parseInteger("time", values.time, 600) * 1000,
    nemeses,
    workloads: parseWorkloads(values.workload ?? "all"),
    nodes,
    concurrency: parseInteger("concurrency", values.concurrency, 5),
    keyCount: parseInteger("keys", values.keys, 3),
    ...(values.results === undefined ? {} : { resultsDir: values.results }),
    log: (line) => console.log(line),
    signal: controller.signal,
  });
  console.log(`\n${result.summary}`);
  if (result.resultsDir) console.log(`results: ${result.resultsDir}`);
  if (result.report.verdict === "anomaly") return 1;
  return result.report.verdict === "valid" && (result.report.healed || controller.signal.aborted) ? 0 : 2;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    console.error(USAGE);
    process.exitCode = 2;
  },
);

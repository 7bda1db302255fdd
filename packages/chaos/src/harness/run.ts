/**
 * One chaos run: start a cluster (in a private network when a network nemesis is asked for, under
 * libfaketime clocks when clock-skew is, on a small tmpfs per member when disk-full is), create the registers and set up the other workloads, run
 * every workload and the nemesis together until the time is up and every requested fault kind was
 * injected once, heal, read every register once more and let each workload make its final
 * observations, stop the cluster, run every checker and write the report.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createOnce, httpClient, type KeelHttpClient, retryRead } from "@keel/testkit";
import { checkRegisterHistory } from "../checkers/index.js";
import type { History } from "../history.js";
import { createWorkload, EXTRA_WORKLOAD_NAMES, type ExtraWorkloadName } from "../workloads/registry.js";
import type { ChaosWorkload, WorkloadCheckResult } from "../workloads/workload.js";
import { ChaosCluster } from "./cluster.js";
import { HistoryRecorder, startClock } from "./history-recorder.js";
import { type FaultRecord, runNemesis } from "./nemesis.js";
import { newSeed, Random } from "./random.js";
import { REGISTER_KEY_PREFIX, RegisterWorkload, registerKeys } from "./register-workload.js";
import {
  type ChaosReport,
  countOperations,
  formatSummary,
  overallVerdict,
  recoveryByKind,
  verdictOf,
} from "./report.js";
import {
  faultSchedule,
  isClockNemesisKind,
  isDiskNemesisKind,
  isNetworkNemesisKind,
  type NemesisKind,
} from "./schedule.js";
import { unavailableWindows } from "./unavailable.js";
import { sleep } from "./util.js";

export interface ChaosOptions {
  /** Replays a run's choices (schedule, targets, operations); a fresh one is drawn and logged when absent. */
  readonly seed?: number;
  /** Workload time; the run goes on past it until each nemesis kind was injected once. */
  readonly timeMs: number;
  readonly nemeses: readonly NemesisKind[];
  readonly nodes: 3 | 5;
  /** The workloads next to the register one (which always runs: recovery is timed by its writes). Default: all. */
  readonly workloads?: readonly ExtraWorkloadName[];
  /** Where to write report.json, history.json and summary.txt; false: nowhere. Default results/<time>-<seed>/. */
  readonly resultsDir?: string | false;
  readonly concurrency?: number;
  readonly keyCount?: number;
  readonly callTimeoutMs?: number;
  readonly thinkMsMax?: number;
  readonly log?: (line: string) => void;
  /** Aborting stops the faults and the workload early; the run still heals, checks and cleans up. */
  readonly signal?: AbortSignal;
}

export interface ChaosResult {
  readonly report: ChaosReport;
  readonly history: History;
  /** Each extra workload's raw record, by name. */
  readonly workloadRecords: Readonly<Record<string, unknown>>;
  readonly summary: string;
  readonly resultsDir: string | undefined;
}

const DEFAULTS = { concurrency: 5, keyCount: 3, callTimeoutMs: 2000, thinkMsMax: 20 } as const;
/** A generous wait for the cluster to come up or heal on a busy machine. */
const CLUSTER_WAIT_MS = 120_000;

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const seed = options.seed ?? newSeed();
  const log = options.log ?? (() => {});
  const concurrency = options.concurrency ?? DEFAULTS.concurrency;
  const keys = registerKeys(options.keyCount ?? DEFAULTS.keyCount);
  const signal = options.signal ?? new AbortController().signal;
  const random = new Random(seed);
  // Forked in this order so that a process-only run replays the workload it did before networks.
  const workloadRandom = random.fork(1);
  const extraNames = options.workloads ?? EXTRA_WORKLOAD_NAMES;
  const startedAt = new Date();
  log(`keel chaos: seed ${seed} (replay with --seed ${seed})`);

  // Network faults need the members in namespaces; the cluster (and its lab) is closed in the finally below.
  const cluster = await ChaosCluster.start(options.nodes, {
    network: options.nemeses.some(isNetworkNemesisKind),
    clocks: options.nemeses.some(isClockNemesisKind),
    disks: options.nemeses.some(isDiskNemesisKind),
    random: random.fork(2),
    log,
  });
  let history: History;
  let faults: FaultRecord[];
  let durationMs: number;
  let workloadEndMs: number;
  const extras: ChaosWorkload[] = extraNames.map((name) => createWorkload(name));
  /** Whether the cluster had a ready leader after the last fault and answered the final reads. */
  let healed = false;
  try {
    await cluster.waitForLeader(CLUSTER_WAIT_MS);
    const memberUrls = new Map(cluster.memberIds.map((id) => [id, cluster.clientUrl(id)]));
    await createRegisters(httpClient(cluster.clientUrl(cluster.memberIds[0] as number)), keys);

    const recorder = new HistoryRecorder(startClock());
    for (const [index, extra] of extras.entries()) {
      await extra.setup({ memberUrls, clock: recorder.clock, random: random.fork(100 + index), log });
    }
    const workload = new RegisterWorkload(
      {
        concurrency,
        keys,
        memberUrls,
        callTimeoutMs: options.callTimeoutMs ?? DEFAULTS.callTimeoutMs,
        thinkMsMax: options.thinkMsMax ?? DEFAULTS.thinkMsMax,
        random: workloadRandom,
      },
      recorder,
    );
    const workloadDone = Promise.all([workload.run(), ...extras.map((extra) => extra.run())]);
    try {
      faults = await runNemesis({
        cluster,
        clock: recorder.clock,
        schedule: faultSchedule(seed, options.nemeses),
        kinds: options.nemeses,
        timeMs: options.timeMs,
        firstOkWriteAfter: (sinceMs) => recorder.firstOkWriteAfter(sinceMs),
        signal,
        log: (line) => log(`${line} (${recorder.size} ops so far)`),
      });
      // With no nemesis (or an early abort) the workload still gets its time.
      while (!signal.aborted && recorder.clock.now() < options.timeMs) await sleep(100);
    } finally {
      workload.stop();
      for (const extra of extras) extra.stop();
      await workloadDone;
    }
    workloadEndMs = recorder.clock.now();
    // Ctrl-C also reaches the servers (one process group): after an abort there is no cluster to
    // read from, and the history is checked as it stands.
    if (!signal.aborted) {
      cluster.heal();
      try {
        const leader = await cluster.waitForLeader(CLUSTER_WAIT_MS);
        await finalReads(recorder, httpClient(cluster.clientUrl(leader)), keys);
        for (const extra of extras) await extra.finish(cluster.clientUrl(leader));
        healed = true;
      } catch (error) {
        // An unavailable cluster is a finding too; the history is still checked as it stands.
        log(`the cluster did not heal at the end: ${(error as Error).message}`);
      }
    }
    history = recorder.history();
    durationMs = recorder.clock.now();
  } finally {
    for (const extra of extras) {
      await extra.close().catch((error: unknown) => log(`closing workload ${extra.name}: ${(error as Error).message}`));
    }
    await cluster.close();
  }

  log(`checking ${history.length} operations`);
  const checkStartMs = performance.now();
  const check = checkRegisterHistory(history);
  const context = { unavailable: unavailableWindows(faults), workloadEndMs };
  const workloadChecks: WorkloadCheckResult[] = extras.map((extra) => extra.check(context));
  const report: ChaosReport = {
    seed,
    nodes: options.nodes,
    nemeses: options.nemeses,
    timeMs: options.timeMs,
    concurrency,
    keys,
    startedAt: startedAt.toISOString(),
    durationMs,
    operations: countOperations(history),
    faults,
    healed,
    recoveryByKind: recoveryByKind(faults),
    verdict: overallVerdict(verdictOf(check), workloadChecks),
    check,
    workloadChecks,
    checkMs: performance.now() - checkStartMs,
  };
  const summary = formatSummary(report);
  const workloadRecords = Object.fromEntries(extras.map((extra) => [extra.name, extra.record()]));
  const resultsDir = writeResults(options.resultsDir, startedAt, seed, { report, history, workloadRecords, summary });
  return { report, history, workloadRecords, summary, resultsDir };
}

async function createRegisters(client: KeelHttpClient, keys: readonly string[]): Promise<void> {
  for (const path of [REGISTER_KEY_PREFIX, ...keys]) {
    await createOnce(client, { path, data: "" }, { timeoutMs: CLUSTER_WAIT_MS });
  }
}

/** One more linearizable read of every register after healing, under a process id never used before. */
async function finalReads(recorder: HistoryRecorder, client: KeelHttpClient, keys: readonly string[]) {
  let processId = recorder.history().reduce((max, operation) => Math.max(max, operation.process), 0) + 1;
  for (const key of keys) {
    const invocation = recorder.invoke(processId++, key);
    const node = await retryRead(() => client.node.get.query({ path: key, linearizable: true }), {
      timeoutMs: CLUSTER_WAIT_MS,
    });
    recorder.complete(invocation, { f: "read", value: node.data, version: node.stat.version }, "ok");
  }
}

/** The package's results/ folder (git-ignored), whether run from src/ by tsx or vitest. */
const DEFAULT_RESULTS_ROOT = fileURLToPath(new URL("../../results/", import.meta.url));

function writeResults(
  option: string | false | undefined,
  startedAt: Date,
  seed: number,
  result: { report: ChaosReport; history: History; workloadRecords: Record<string, unknown>; summary: string },
): string | undefined {
  if (option === false) return undefined;
  const dir = option ?? join(DEFAULT_RESULTS_ROOT, `${startedAt.toISOString().replace(/[:.]/g, "-")}-${seed}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "report.json"), `${JSON.stringify(result.report, null, 2)}\n`);
  writeFileSync(join(dir, "history.json"), `${JSON.stringify(result.history)}\n`);
  for (const [name, record] of Object.entries(result.workloadRecords)) {
    writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(record)}\n`);
  }
  writeFileSync(join(dir, "summary.txt"), `${result.summary}\n`);
  return dir;
}

/**
 * The run's report: what the workload did, what the nemesis did and how fast the cluster took
 * writes again, and the checker's verdict. JSON for tools, a few lines of text for people.
 */
import { formatRegisterCheckResult, type RegisterCheckResult } from "../checkers/index.js";
import type { History, Outcome, RegisterOp } from "../history.js";
import type { WorkloadCheckResult } from "../workloads/workload.js";
import { describeFault, type FaultRecord } from "./nemesis.js";
import { ALL_NEMESIS_KINDS, type NemesisKind } from "./schedule.js";
import { unreachable } from "./util.js";

/** The longest kind name, so that the recovery table lines up. */
const KIND_WIDTH = Math.max(...ALL_NEMESIS_KINDS.map((kind) => kind.length));

export type Verdict = "valid" | "anomaly" | "unknown";

/** The checker's answer in one word: "unknown" when its search budget ran out before a verdict. */
export function verdictOf(check: RegisterCheckResult): Verdict {
  switch (check.type) {
    case "valid":
      return "valid";
    case "invalid":
      return "anomaly";
    case "unknown":
      return "unknown";
    default:
      return unreachable(check);
  }
}

export function overallVerdict(register: Verdict, workloads: readonly WorkloadCheckResult[]): Verdict {
  const verdicts = [register, ...workloads.map((check) => check.verdict)];
  if (verdicts.includes("anomaly")) return "anomaly";
  return verdicts.includes("unknown") ? "unknown" : "valid";
}

export type OperationCounts = Record<RegisterOp["f"], Record<Outcome, number>>;

export interface RecoveryStats {
  readonly faults: number;
  /** Faults after which the workload got a write through within the nemesis's wait. */
  readonly recovered: number;
  readonly medianMs: number | undefined;
  readonly maxMs: number | undefined;
}

export interface ChaosReport {
  readonly seed: number;
  readonly nodes: number;
  readonly nemeses: readonly NemesisKind[];
  readonly timeMs: number;
  readonly concurrency: number;
  readonly keys: readonly string[];
  readonly startedAt: string;
  readonly durationMs: number;
  readonly operations: OperationCounts;
  readonly faults: readonly FaultRecord[];
  /** Whether the healed cluster answered the final reads (false after an abort, or when it never came back). */
  readonly healed: boolean;
  readonly recoveryByKind: Partial<Record<NemesisKind, RecoveryStats>>;
  /** Every checker's verdict together: an anomaly anywhere, else unknown anywhere, else valid. */
  readonly verdict: Verdict;
  readonly check: RegisterCheckResult;
  /** The other workloads' checkers (lock, election, session expiry, sequential, watch). */
  readonly workloadChecks: readonly WorkloadCheckResult[];
  readonly checkMs: number;
}

export function countOperations(history: History): OperationCounts {
  const zero = (): Record<Outcome, number> => ({ ok: 0, fail: 0, unknown: 0 });
  const counts: OperationCounts = { read: zero(), write: zero(), cas: zero() };
  for (const operation of history) counts[operation.op.f][operation.outcome]++;
  return counts;
}

export function recoveryByKind(faults: readonly FaultRecord[]): Partial<Record<NemesisKind, RecoveryStats>> {
  const byKind: Partial<Record<NemesisKind, RecoveryStats>> = {};
  for (const kind of new Set(faults.map((f) => f.kind))) {
    const ofKind = faults.filter((f) => f.kind === kind);
    const times = ofKind.flatMap((f) => (f.recoveryMs === undefined ? [] : [f.recoveryMs])).sort((a, b) => a - b);
    byKind[kind] = { faults: ofKind.length, recovered: times.length, medianMs: median(times), maxMs: times.at(-1) };
  }
  return byKind;
}

/** Anomalies past this many are counted, not printed: the report's JSON has them all. */
const ANOMALIES_PRINTED_MAX = 5;

function formatWorkloadCheck(check: WorkloadCheckResult): string[] {
  const stats = Object.entries(check.stats)
    .map(([name, value]) => `${name} ${Number.isInteger(value) ? value : value.toFixed(1)}`)
    .join(", ");
  const lines = [
    `${check.checker} check: ${check.verdict === "valid" ? "valid" : check.verdict.toUpperCase()} (${stats})`,
  ];
  for (const anomaly of check.anomalies.slice(0, ANOMALIES_PRINTED_MAX)) lines.push(`  - ${anomaly}`);
  const more = check.anomalies.length - ANOMALIES_PRINTED_MAX;
  if (more > 0) lines.push(`  … and ${more} more in report.json`);
  return lines;
}

function median(sorted: readonly number[]): number | undefined {
  if (sorted.length === 0) return undefined;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function formatSummary(report: ChaosReport): string {
  const ms = (value: number | undefined) => (value === undefined ? "-" : `${Math.round(value)} ms`);
  const lines = [
    `keel chaos: seed ${report.seed}, ${report.nodes} nodes, nemeses ${report.nemeses.join(",")}, ` +
      `${report.concurrency} processes on ${report.keys.length} keys, ${Math.round(report.durationMs / 1000)} s`,
    "operations (ok / fail / unknown):",
  ];
  for (const [f, counts] of Object.entries(report.operations)) {
    lines.push(`  ${f.padEnd(6)} ${counts.ok} / ${counts.fail} / ${counts.unknown}`);
  }
  lines.push(`faults (${report.faults.length}):`);
  for (const fault of report.faults) lines.push(`  ${describeFault(fault)}`);
  lines.push("recovery (fault start → first acknowledged write invoked after it):");
  for (const [kind, stats] of Object.entries(report.recoveryByKind)) {
    lines.push(
      `  ${kind.padEnd(KIND_WIDTH)} ${stats.recovered}/${stats.faults} recovered, median ${ms(stats.medianMs)}, max ${ms(stats.maxMs)}`,
    );
  }
  if (!report.healed) lines.push("the cluster did not answer the final reads (aborted, or it never healed)");
  lines.push(`register check (${ms(report.checkMs)}): ${formatRegisterCheckResult(report.check)}`);
  for (const check of report.workloadChecks) lines.push(...formatWorkloadCheck(check));
  if (report.verdict !== "valid") lines.push(`replay with --seed ${report.seed}`);
  return lines.join("\n");
}

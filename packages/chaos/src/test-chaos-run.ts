// The bounded chaos run both run tests make (process and clock faults; network faults), and the
// checks they share: a linearizable register history and every other workload's checker valid,
// every requested kind injected, ok reads, writes and cas, every fault healed and followed by an
// acknowledged write, and one final ok read per key.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { formatRegisterCheckResult } from "./checkers/index.js";
import { describeFault } from "./harness/nemesis.js";
import { type ChaosResult, runChaos } from "./harness/run.js";
import type { NemesisKind } from "./harness/schedule.js";
import { EXTRA_WORKLOAD_NAMES } from "./workloads/registry.js";

export async function runAndCheckChaos(options: {
  readonly name: string;
  readonly seed: number;
  readonly timeMs: number;
  readonly nemeses: readonly NemesisKind[];
}): Promise<ChaosResult> {
  const resultsDir = mkdtempSync(join(tmpdir(), `keel-${options.name}-`));
  console.log(`${options.name}: seed ${options.seed}, results in ${resultsDir}`);
  const result = await runChaos({
    seed: options.seed,
    timeMs: options.timeMs,
    nemeses: options.nemeses,
    nodes: 3,
    resultsDir,
    log: (line) => console.log(line),
  });
  const { report, history, summary } = result;
  console.log(summary);

  expect(report.verdict, summary).toBe("valid");
  expect(formatRegisterCheckResult(report.check)).toMatch(/^linearizable/);
  expect(report.workloadChecks.map((check) => [check.checker, check.verdict])).toEqual(
    EXTRA_WORKLOAD_NAMES.map((checker) => [checker, "valid"]),
  );
  expect(report.healed).toBe(true);
  expect(new Set(report.faults.map((fault) => fault.kind))).toEqual(new Set(options.nemeses));
  for (const f of ["read", "write", "cas"] as const) expect(report.operations[f].ok, f).toBeGreaterThan(0);
  for (const fault of report.faults) {
    expect(fault.healedMs, describeFault(fault)).toBeDefined();
    expect(fault.recoveryMs, describeFault(fault)).toBeDefined();
  }
  // The final reads after healing: one ok linearizable read per key, last in the history.
  const finalReads = history.slice(-report.keys.length);
  expect(finalReads.map((operation) => [operation.key, operation.op.f, operation.outcome])).toEqual(
    report.keys.map((key) => [key, "read", "ok"]),
  );
  rmSync(resultsDir, { recursive: true, force: true });
  return result;
}

/**
 * A bounded chaos run on 3 real servers: about 60 s of the register workload (5 processes, 3 keys)
 * while the nemesis injects each fault kind at least once (kill, kill-leader, kill-all, pause,
 * pause-leader). It checks the recorded history is linearizable, that each kind was injected, that
 * reads, writes and cas all completed ok, and that after every fault the cluster healed and took a
 * write again. Nothing here asserts how fast: waits poll for conditions, with generous limits.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { formatRegisterCheckResult } from "./checkers/index.js";
import { describeFault } from "./harness/nemesis.js";
import { runChaos } from "./harness/run.js";
import { PROCESS_NEMESIS_KINDS } from "./harness/schedule.js";

/** Fixed, so a failure replays: `npm run chaos -w @keel/chaos -- --time 60 --seed 20261202`. */
const SEED = 20261202;

it("a 60 s run under every nemesis stays linearizable and recovers after each fault", {
  timeout: 900_000,
}, async () => {
  const resultsDir = mkdtempSync(join(tmpdir(), "keel-chaos-"));
  console.log(`chaos run: seed ${SEED}, results in ${resultsDir}`);
  const { report, history, summary } = await runChaos({
    seed: SEED,
    timeMs: 60_000,
    nemeses: PROCESS_NEMESIS_KINDS,
    nodes: 3,
    resultsDir,
    log: (line) => console.log(line),
  });
  console.log(summary);

  expect(report.verdict, formatRegisterCheckResult(report.check)).toBe("valid");
  expect(report.healed).toBe(true);
  expect(new Set(report.faults.map((fault) => fault.kind))).toEqual(new Set(PROCESS_NEMESIS_KINDS));
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
});

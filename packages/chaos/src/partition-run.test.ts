/**
 * A bounded chaos run on 3 real servers in network namespaces (NetworkLab, so it needs root): about
 * 45 s of the register workload while the nemesis injects each network fault at least once
 * (isolate, isolate-leader, majority-minority, bridge, delay). It checks the recorded history is
 * linearizable, that each kind was injected, that reads, writes and cas all completed ok, that after
 * every fault the cluster healed and took a write again, and that the run left no network behind.
 * Nothing here asserts how fast: waits poll for conditions, with generous limits.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { formatRegisterCheckResult } from "./checkers/index.js";
import { describeFault } from "./harness/nemesis.js";
import { runChaos } from "./harness/run.js";
import { NETWORK_NEMESIS_KINDS } from "./harness/schedule.js";

/** Fixed, so a failure replays: `npm run chaos -w @keel/chaos -- --time 45 --seed 20261203 --nemesis <kinds>`. */
const SEED = 20261203;

/** Names of this process's run labs (`kcr<pid % 1000>s<n>…`) still present. */
function labLeftovers(): string[] {
  const prefix = `kcr${process.pid % 1000}s`;
  const namespaces = execFileSync("ip", ["netns", "list"], { encoding: "utf8" });
  const links = execFileSync("ip", ["-o", "link", "show"], { encoding: "utf8" });
  const names = [
    ...namespaces.split("\n").map((line) => line.split(" ")[0] ?? ""),
    ...links.split("\n").map((line) => line.split(": ")[1]?.split("@")[0] ?? ""),
  ];
  return names.filter((name) => name.startsWith(prefix));
}

it("a 45 s run under every network nemesis stays linearizable and recovers after each fault", {
  timeout: 900_000,
}, async () => {
  const resultsDir = mkdtempSync(join(tmpdir(), "keel-chaos-partition-"));
  console.log(`partition chaos run: seed ${SEED}, results in ${resultsDir}`);
  const { report, history, summary } = await runChaos({
    seed: SEED,
    timeMs: 45_000,
    nemeses: NETWORK_NEMESIS_KINDS,
    nodes: 3,
    resultsDir,
    log: (line) => console.log(line),
  });
  console.log(summary);

  expect(report.verdict, formatRegisterCheckResult(report.check)).toBe("valid");
  expect(report.healed).toBe(true);
  expect(new Set(report.faults.map((fault) => fault.kind))).toEqual(new Set(NETWORK_NEMESIS_KINDS));
  for (const f of ["read", "write", "cas"] as const) expect(report.operations[f].ok, f).toBeGreaterThan(0);
  for (const fault of report.faults) {
    expect(fault.healedMs, describeFault(fault)).toBeDefined();
    expect(fault.recoveryMs, describeFault(fault)).toBeDefined();
    const expectedTargets = fault.kind === "bridge" ? 2 : 1;
    expect(fault.targets, describeFault(fault)).toHaveLength(expectedTargets);
  }
  const finalReads = history.slice(-report.keys.length);
  expect(finalReads.map((operation) => [operation.key, operation.op.f, operation.outcome])).toEqual(
    report.keys.map((key) => [key, "read", "ok"]),
  );
  expect(labLeftovers()).toEqual([]);
  rmSync(resultsDir, { recursive: true, force: true });
});

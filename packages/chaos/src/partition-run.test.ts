/**
 * A bounded chaos run on 3 real servers in network namespaces (NetworkLab, so it needs root): about
 * 45 s of the register workload while the nemesis injects each network fault at least once
 * (isolate, isolate-leader, majority-minority, bridge, delay). It checks the recorded history is
 * linearizable, that each kind was injected, that reads, writes and cas all completed ok, that after
 * every fault the cluster healed and took a write again, and that the run left no network behind.
 * Nothing here asserts how fast: waits poll for conditions, with generous limits.
 */
import { execFileSync } from "node:child_process";
import { expect, it } from "vitest";
import { describeFault } from "./harness/nemesis.js";
import { NETWORK_NEMESIS_KINDS } from "./harness/schedule.js";
import { runAndCheckChaos } from "./test-chaos-run.js";

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
  const { report } = await runAndCheckChaos({
    name: "chaos-partition",
    seed: SEED,
    timeMs: 45_000,
    nemeses: NETWORK_NEMESIS_KINDS,
  });
  for (const fault of report.faults) {
    expect(fault.targets, describeFault(fault)).toHaveLength(fault.kind === "bridge" ? 2 : 1);
  }
  expect(labLeftovers()).toEqual([]);
});

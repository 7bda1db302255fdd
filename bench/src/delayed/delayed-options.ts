/** Command-line options of `npm run bench:delay`, parsed and checked in one place (pure). */
import { parseArgs } from "node:util";
import { commaList } from "../options.js";

export interface DelayedBenchOptions {
  quick: boolean;
  repeats: number;
  /** One-way member↔member delays to measure, in the order given; 0 is the namespaced baseline. */
  peerDelaysMs: number[];
  workloads: string[];
  /** Where the workloads' first client (seq-write's only one) connects: lab member 1, or the leader. */
  firstClient: "member1" | "leader";
  output: string | undefined;
  help: boolean;
}

/** Workloads run when --workloads is not given. */
export const delayedDefaultWorkloads = ["seq-write", "write-throughput", "read-throughput", "failover-kill"];
/** Above this a 50 ms tick's heartbeats and syncLimit (8 ticks) stop making sense. */
export const peerDelayMsMax = 100;

export const delayedUsage = `npm run bench:delay -w @keel/bench -- [options]   (root only)

Keel only: 3 members, each in its own network namespace on a bridge, every member↔member link
delayed by the given one-way delay (a TCP relay; the kernel has no netem). Client links are not delayed.

  --peer-delay-ms a,b  one-way peer delays to measure (default 0,5,20; 0 = namespaces, no delay; ≤ ${peerDelayMsMax})
  --quick              short runs, 1 repeat
  --repeats N          repeats per figure (default 3; 1 with --quick)
  --workloads a,b      3-node workload ids (default ${delayedDefaultWorkloads.join(",")})
  --first-client X    member1 (default, as the local bench's node 0) or leader: where seq-write's
                       client and the first throughput connection go; at a follower a write also
                       pays the forward to the leader and the commit back
  --output FILE        JSON report path (default: bench/reports/delayed-latest.json)
  --help`;

export function parseDelayedOptions(argv: readonly string[], knownWorkloads: readonly string[]): DelayedBenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: "boolean", default: false },
      repeats: { type: "string" },
      "peer-delay-ms": { type: "string" },
      workloads: { type: "string" },
      "first-client": { type: "string", default: "member1" },
      output: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  const delayTexts = values["peer-delay-ms"] === undefined ? ["0", "5", "20"] : commaList(values["peer-delay-ms"]);
  const peerDelaysMs = delayTexts.map(Number);
  if (peerDelaysMs.length === 0 || peerDelaysMs.some((d) => !Number.isInteger(d) || d < 0 || d > peerDelayMsMax))
    throw new Error(`--peer-delay-ms takes integers from 0 to ${peerDelayMsMax}, comma-separated`);
  if (new Set(peerDelaysMs).size !== peerDelaysMs.length) throw new Error("--peer-delay-ms lists a delay twice");
  const workloads = values.workloads === undefined ? delayedDefaultWorkloads : commaList(values.workloads);
  for (const w of workloads) {
    if (!knownWorkloads.includes(w)) throw new Error(`unknown workload "${w}" (know: ${knownWorkloads.join(", ")})`);
  }
  const firstClient = values["first-client"];
  if (firstClient !== "member1" && firstClient !== "leader") throw new Error("--first-client takes member1 or leader");
  const repeats = values.repeats === undefined ? (values.quick ? 1 : 3) : Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > 50)
    throw new Error("--repeats takes an integer from 1 to 50");
  return {
    quick: values.quick ?? false,
    repeats,
    peerDelaysMs,
    workloads,
    firstClient,
    output: values.output,
    help: values.help ?? false,
  };
}

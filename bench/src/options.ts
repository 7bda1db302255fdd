/** Command-line options of `npm run bench`, parsed and checked in one place (pure). */
import { parseArgs } from "node:util";
import { type SystemName, systemNames } from "./report.js";

export interface BenchOptions {
  quick: boolean;
  repeats: number;
  systems: SystemName[];
  /** Workload ids; empty means the default set. */
  workloads: string[];
  output: string | undefined;
  help: boolean;
}

export const usage = `npm run bench -- [options]

  --quick              short runs, 1 repeat, small RSS load, no 1M-znode start-up (a few minutes)
  --repeats N          repeats per figure (default 3; 1 with --quick); each figure is min/median/max
  --systems a,b        any of ${systemNames.join(", ")} (default: all)
  --workloads a,b      workload ids (default: all that fit the mode); see the list below
  --output FILE        JSON report path (default: bench/reports/latest.json)
  --help`;

/** "a, b,,c" → ["a", "b", "c"]; nothing given → []. */
export function commaList(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function parseOptions(argv: readonly string[], knownWorkloads: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: "boolean", default: false },
      repeats: { type: "string" },
      systems: { type: "string" },
      workloads: { type: "string" },
      output: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  const systems = commaList(values.systems);
  for (const s of systems) {
    if (!(systemNames as readonly string[]).includes(s))
      throw new Error(`unknown system "${s}" (know: ${systemNames.join(", ")})`);
  }
  const workloads = commaList(values.workloads);
  for (const w of workloads) {
    if (!knownWorkloads.includes(w)) throw new Error(`unknown workload "${w}" (know: ${knownWorkloads.join(", ")})`);
  }
  const repeats = values.repeats === undefined ? (values.quick ? 1 : 3) : Number(values.repeats);
  if (!Number.isInteger(repeats) || repeats < 1 || repeats > 50)
    throw new Error("--repeats takes an integer from 1 to 50");
  return {
    quick: values.quick ?? false,
    repeats,
    systems: systemNames.filter((s) => systems.length === 0 || systems.includes(s)),
    workloads,
    output: values.output,
    help: values.help ?? false,
  };
}

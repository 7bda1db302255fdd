/**
 * What the built server itself says it accepts: the flags and KEEL_* variables `keel-server --help`
 * lists (generated from config.ts's option table, so it cannot drift from the parser), and a
 * `--check-config` run that validates a member's whole configuration without starting it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { repoPath, repoRoot } from "./repo-paths.js";

export const serverMain = repoPath("apps/server/dist/main.js");
export const entrypointScript = repoPath("deploy/docker/entrypoint.sh");

export interface ServerOptions {
  /** `--data-dir`, `--peer`, ..., plus the bare `--help`, `-h`, `--check-config`. */
  readonly flags: ReadonlySet<string>;
  /** `KEEL_DATA_DIR`, `KEEL_PEERS`, ..., `KEEL_CONFIG`. */
  readonly envNames: ReadonlySet<string>;
}

export function serverOptions(): ServerOptions {
  const help = execFileSync(process.execPath, [serverMain, "--help"], { encoding: "utf8" });
  const flags = new Set<string>();
  for (const match of help.matchAll(/^ {2}(-[-a-z]+)(?:, (-[-a-z]+))?/gm)) {
    for (const flag of match.slice(1)) if (flag !== undefined) flags.add(flag);
  }
  const envNames = new Set([...help.matchAll(/\bEnv (KEEL_[A-Z_]+)\b/g)].map((match) => match[1] ?? ""));
  return { flags, envNames };
}

/** `--data-dir=/x` and `--data-dir` both name `--data-dir`; values that are not flags are skipped. */
export function flagNames(args: readonly string[]): string[] {
  return args.filter((arg) => arg.startsWith("-")).map((arg) => arg.split("=", 1)[0] ?? arg);
}

/** The parts of the logged configuration the deployment decides. */
export interface CheckedConfig {
  readonly id: number;
  readonly join: boolean;
  readonly peers: readonly {
    readonly id: number;
    readonly host: string;
    readonly peerPort: number;
    readonly clientPort: number;
    readonly role: string;
  }[];
}

export interface CheckConfigResult {
  readonly exitCode: number | null;
  readonly stderr: string;
  /** The `configured` log line's config, when the server logged one. */
  readonly config: CheckedConfig | undefined;
  /** Messages logged at warn level, such as `ignoring unknown environment variable KEEL_...`. */
  readonly warnings: readonly string[];
}

interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly config?: CheckConfigResult["config"];
}

/** Runs the image's entry point as the container would, with --check-config appended. */
export function checkConfig(args: readonly string[], env: Readonly<Record<string, string>>): CheckConfigResult {
  const result = spawnSync("sh", [entrypointScript, ...args, "--check-config"], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...env },
    encoding: "utf8",
  });
  const lines = result.stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LogLine);
  return {
    exitCode: result.status,
    stderr: result.stderr,
    config: lines.find((line) => line.msg === "configured")?.config,
    warnings: lines.filter((line) => line.level === "warn").map((line) => line.msg),
  };
}

// Helpers shared by scripts/start.mjs and scripts/test.mjs: run a command, install when missing.
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Environment for every child: no telemetry, no colour codes in CI logs. */
export const quietEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: "1",
  TURBO_TELEMETRY_DISABLED: "1",
  DO_NOT_TRACK: "1",
};

export function log(message) {
  process.stdout.write(`[keel] ${message}\n`);
}

/** Runs a command to completion with inherited output; returns its exit code. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: "inherit", env: quietEnv, ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

/** Starts a long-running child with inherited stderr; the caller owns its lifetime. */
export function start(command, args, options = {}) {
  return spawn(command, args, { cwd: repoRoot, env: quietEnv, ...options });
}

/** `npm ci` (or `npm install` without a lockfile) when dependencies are missing on a fresh clone. */
export function installIfMissing() {
  const marker = join(repoRoot, "node_modules", ".bin", "turbo");
  if (existsSync(marker)) return;
  const hasLock = existsSync(join(repoRoot, "package-lock.json"));
  log(hasLock ? "installing dependencies (npm ci)..." : "installing dependencies (npm install)...");
  const code = run("npm", [hasLock ? "ci" : "install", "--no-audit", "--no-fund"]);
  if (code !== 0) {
    log("dependency installation failed");
    process.exit(code);
  }
}

export function build() {
  log("building (turbo run build)...");
  return run("npx", ["turbo", "run", "build", "--output-logs=errors-only"]);
}

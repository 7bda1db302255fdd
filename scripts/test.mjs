#!/usr/bin/env node
// `npm test`: install what is missing, make sure chromium is there, build, then run lint,
// typecheck, unit + simulator + integration tests (vitest) and the Playwright suite. Every step
// runs even if an earlier one failed (except when the build fails), and the last line sums the
// tests of every suite: "N passed, N failed".
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build, installIfMissing, log, repoRoot, run } from "./lib.mjs";

const workspaceDirs = ["packages", "apps"].flatMap((group) =>
  readdirSync(join(repoRoot, group)).map((name) => join(repoRoot, group, name)),
);
const reportFiles = [
  ...[...workspaceDirs, join(repoRoot, "bench")].map((dir) => join(dir, "reports", "vitest.json")),
  join(repoRoot, "e2e", "reports", "playwright.json"),
];

function clearReports() {
  for (const file of reportFiles) rmSync(file, { force: true });
}

/** Sums passed/failed tests over the vitest and Playwright JSON reports that exist. */
function countTests() {
  let passed = 0;
  let failed = 0;
  for (const file of reportFiles) {
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, "utf8"));
    if (report.stats) {
      passed += (report.stats.expected ?? 0) + (report.stats.flaky ?? 0);
      failed += report.stats.unexpected ?? 0;
    } else {
      passed += report.numPassedTests ?? 0;
      failed += report.numFailedTests ?? 0;
    }
  }
  return { passed, failed };
}

installIfMissing();
if (run("bash", ["scripts/ensure-chromium.sh"]) !== 0) process.exit(1);
clearReports();

const failedSteps = [];
if (build() !== 0) {
  log("build failed; not running the tests");
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const steps = [
  ["lint", "npm", ["run", "lint"]],
  ["typecheck", "npx", ["turbo", "run", "typecheck", "--output-logs=errors-only"]],
  // One package at a time: the integration tests start real server processes on 2 cores.
  ["unit, simulator and integration tests", "npx", ["turbo", "run", "test", "--concurrency=1"]],
  ["end-to-end tests (Playwright, chromium)", "npx", ["turbo", "run", "test:e2e"]],
];
for (const [name, command, args] of steps) {
  log(`${name}...`);
  if (run(command, args) !== 0) failedSteps.push(name);
}

const { passed, failed } = countTests();
// A failed step that left no failing test behind (lint, typecheck, a crashed runner) still counts.
const stepFailuresWithoutTests = failed === 0 ? failedSteps.length : 0;
if (failedSteps.length > 0) log(`failed steps: ${failedSteps.join(", ")}`);
console.log(`${passed} passed, ${failed + stepFailuresWithoutTests} failed`);
process.exit(failedSteps.length > 0 ? 1 : 0);

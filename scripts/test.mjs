#!/usr/bin/env node
// `npm test`: install what is missing, make sure chromium is there, build, then run every suite —
// lint, typecheck, each workspace's vitest suite (unit, simulator, integration) and the Playwright
// suite — and end with one line summing all of them: "N passed, N failed".
//
// Every suite runs even when an earlier one failed (turbo --continue), and a suite that failed
// without leaving a report behind (lint, typecheck, a runner that crashed or never started) still
// counts as one failure, so the closing line can never look better than the run was.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { build, installIfMissing, log, repoRoot, run } from "./lib.mjs";

/** Workspaces whose package.json has the given script, as absolute directories. */
function workspacesWithScript(script) {
  const dirs = ["packages", "apps"].flatMap((group) =>
    readdirSync(join(repoRoot, group)).map((name) => join(repoRoot, group, name)),
  );
  dirs.push(join(repoRoot, "e2e"), join(repoRoot, "bench"));
  return dirs.filter((dir) => {
    const manifest = join(dir, "package.json");
    if (!existsSync(manifest)) return false;
    return Boolean(JSON.parse(readFileSync(manifest, "utf8")).scripts?.[script]);
  });
}

/** One suite per workspace test script; each must leave its JSON report behind. */
const suites = [
  ...workspacesWithScript("test").map((dir) => ({ dir, report: join(dir, "reports", "vitest.json") })),
  ...workspacesWithScript("test:e2e").map((dir) => ({ dir, report: join(dir, "reports", "playwright.json") })),
];

/** Counts one report's tests: Playwright's JSON has `stats`, vitest's has `numPassedTests`. */
function countReport(file) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  if (report.stats) {
    return {
      passed: (report.stats.expected ?? 0) + (report.stats.flaky ?? 0),
      failed: report.stats.unexpected ?? 0,
    };
  }
  // A file that failed to load (syntax error, import failure) has no test results but is a failure.
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === "failed" && (file.assertionResults ?? []).length === 0,
  ).length;
  return { passed: report.numPassedTests ?? 0, failed: (report.numFailedTests ?? 0) + brokenFiles };
}

/**
 * The failed tests of one report, a few lines each: CI keeps only the tail of the output, so the
 * closing lines must say which tests failed and why, not only how many.
 */
function failedTestLines(file) {
  const report = JSON.parse(readFileSync(file, "utf8"));
  const firstLines = (messages) =>
    String((messages ?? []).join("\n"))
      .split("\n")
      .slice(0, 4)
      .map((line) => `      ${line.slice(0, 300)}`);
  const lines = [];
  if (report.stats) {
    const visit = (suite, prefix) => {
      for (const spec of suite.specs ?? []) {
        for (const test of spec.tests ?? []) {
          if (test.status !== "unexpected") continue;
          const errors = (test.results ?? []).flatMap((result) =>
            result.error?.message ? [result.error.message] : [],
          );
          lines.push(`    ✗ ${prefix}${spec.title}`, ...firstLines(errors.slice(0, 1)));
        }
      }
      for (const child of suite.suites ?? []) visit(child, `${prefix}${child.title} › `);
    };
    for (const suite of report.suites ?? []) visit(suite, `${suite.title} › `);
    return lines;
  }
  for (const testFile of report.testResults ?? []) {
    const name = relative(repoRoot, testFile.name);
    if (testFile.status === "failed" && (testFile.assertionResults ?? []).length === 0) {
      lines.push(`    ✗ ${name} (did not load)`, ...firstLines([testFile.message]));
    }
    for (const test of testFile.assertionResults ?? []) {
      if (test.status !== "failed") continue;
      lines.push(`    ✗ ${name} › ${test.fullName ?? test.title}`, ...firstLines(test.failureMessages));
    }
  }
  return lines;
}

installIfMissing();
if (run("bash", ["scripts/ensure-test-packages.sh"]) !== 0) process.exit(1);
for (const suite of suites) rmSync(suite.report, { force: true });

let passed = 0;
let failed = 0;
const failures = [];
/** Lines naming each failed test and the start of its error, printed just before the summary. */
const failedTests = [];

if (build() !== 0) {
  log("build failed; not running the tests");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

// Checks without a report of their own count as one test each.
for (const [name, command, args] of [
  ["lint", "npm", ["run", "lint"]],
  ["typecheck", "npx", ["turbo", "run", "typecheck", "--output-logs=errors-only", "--continue"]],
]) {
  log(`${name}...`);
  if (run(command, args) === 0) passed += 1;
  else {
    failed += 1;
    failures.push(name);
  }
}

// One package at a time: the integration tests start real server processes on 2 cores.
log("unit, simulator and integration tests...");
run("npx", ["turbo", "run", "test", "--concurrency=1", "--continue"]);
log("end-to-end tests (Playwright, chromium)...");
run("npx", ["turbo", "run", "test:e2e", "--continue"]);

for (const suite of suites) {
  const name = relative(repoRoot, suite.dir);
  if (!existsSync(suite.report)) {
    failed += 1;
    failures.push(`${name} (no report: the suite did not run to the end)`);
    continue;
  }
  const counts = countReport(suite.report);
  passed += counts.passed;
  failed += counts.failed;
  if (counts.failed > 0) {
    failures.push(`${name} (${counts.failed} failed)`);
    failedTests.push(...failedTestLines(suite.report));
  }
}

if (failures.length > 0) log(`failed: ${failures.join("; ")}`);
if (failedTests.length > 0) console.log(failedTests.join("\n"));
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);

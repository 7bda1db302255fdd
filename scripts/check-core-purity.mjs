#!/usr/bin/env node
// Style rule 1: packages/core/src (outside sim/, test/ and *.test.ts) uses no clock, timer,
// randomness, process or console. Biome bans the node:* imports; this catches the globals.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { repoRoot } from "./lib.mjs";

const banned = [
  [/\bDate\.now\s*\(/, "Date.now(): time comes in as ticks"],
  [/\bnew Date\s*\(/, "new Date(): time comes in as an argument"],
  [/\bMath\.random\s*\(/, "Math.random(): use the injected Random"],
  [/\bperformance\.now\s*\(/, "performance.now(): time comes in as an argument"],
  [/\bset(Timeout|Interval|Immediate)\s*\(/, "timers: the host ticks the core"],
  [/\bprocess\./, "process: core has no process"],
  [/\bconsole\./, "console: core returns what happened; the host logs"],
];
const root = join(repoRoot, "packages", "core", "src");
const skipped = (path) => /\/(sim|test)\//.test(path) || /\.(test|bench)\.ts$/.test(path);

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (path.endsWith(".ts")) yield path;
  }
}

let problems = 0;
for (const path of files(root)) {
  if (skipped(`${path}`)) continue;
  const lines = readFileSync(path, "utf8").split("\n");
  lines.forEach((line, index) => {
    if (/^\s*(\/\/|\*)/.test(line)) return;
    for (const [pattern, why] of banned) {
      if (pattern.test(line)) {
        problems++;
        console.error(`${relative(repoRoot, path)}:${index + 1}: ${why}`);
      }
    }
  });
}
if (problems > 0) process.exit(1);

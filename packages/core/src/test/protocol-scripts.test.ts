/**
 * Runs every data-driven protocol script under packages/core/testdata (testdata/README.md) against
 * a fresh InteractionEnv. `REWRITE=1 npx vitest run src/test/protocol-scripts.test.ts` rewrites the
 * expected outputs from the current behaviour; review the diff like code.
 */
import { readdirSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runScript } from "./datadriven.js";
import { InteractionEnv } from "./interaction-env.js";

const testdata = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "testdata");
const rewrite = process.env.REWRITE === "1";

function scripts(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return scripts(path);
      return name.endsWith(".txt") ? [path] : [];
    });
}

describe("data-driven protocol scripts", () => {
  // testdata/app holds the application's scripts, run by app-scripts.test.ts.
  const all = scripts(testdata).filter((path) => !relative(testdata, path).startsWith(`app${sep}`));

  it("there are scripts for every part of the protocol", () => {
    const dirs = new Set(all.map((path) => relative(testdata, dirname(path))));
    for (const dir of [
      "election",
      "discovery",
      "sync",
      "broadcast",
      "read-index",
      "observer",
      "regressions",
      "mutations",
      "sessions",
    ]) {
      expect(dirs.has(dir), `testdata/${dir} has no script`).toBe(true);
    }
  });

  for (const path of all) {
    it(relative(testdata, path), () => {
      const env = new InteractionEnv();
      const result = runScript(path, (command) => env.handle(command), rewrite);
      for (const m of result.mismatches) {
        expect(m.actual, `${m.pos}: ${m.line}`).toBe(m.expected);
      }
    });
  }
});

/**
 * Runs the application scripts under packages/core/testdata/app (testdata/README.md) against a
 * fresh AppEnv: a leader's KeelState, a follower applying the same log bytes, and named watchers.
 * `REWRITE=1 npx vitest run src/test/app-scripts.test.ts` rewrites the expected outputs from the
 * current behaviour; review the diff like code.
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { AppEnv } from "./app-env.js";
import { runScript } from "./datadriven.js";

const dir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "testdata", "app");
const rewrite = process.env.REWRITE === "1";

describe("data-driven application scripts", () => {
  const all = readdirSync(dir)
    .filter((name) => name.endsWith(".txt"))
    .sort();

  it("there is at least one", () => {
    expect(all.length).toBeGreaterThan(0);
  });

  for (const name of all) {
    it(`app/${name}`, () => {
      const env = new AppEnv();
      const result = runScript(join(dir, name), (command) => env.handle(command), rewrite);
      for (const m of result.mismatches) expect(m.actual, `${m.pos}: ${m.line}`).toBe(m.expected);
    });
  }
});

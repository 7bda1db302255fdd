import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // Compute-bound tests are sized by work, not time: a busy machine may run them several times
    // slower than a quiet one, so no wall-clock limit (0 disables vitest's 5 s default).
    testTimeout: 0,
    // Everything here is pure computation (no processes, sockets or timers to wait on), so it may
    // use every core: vitest's default is one worker fewer than the cores, a single one on CI's two.
    maxWorkers: 2,
    reporters: ["default", "json"],
    outputFile: { json: "reports/vitest.json" },
  },
});

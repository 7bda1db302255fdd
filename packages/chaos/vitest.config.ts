import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // The harness starts real server processes and injects faults on 2 cores: one file at a time.
    // Checkers are compute-bound and sized by work, not time.
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
    reporters: ["default", "json"],
    outputFile: { json: "reports/vitest.json" },
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // Each file starts a real 3-member ensemble: one file at a time keeps a 2-core machine sane.
    fileParallelism: false,
    testTimeout: 0,
    hookTimeout: 120_000,
    reporters: ["default", "json"],
    outputFile: { json: "reports/vitest.json" },
  },
});

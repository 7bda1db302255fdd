import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // The integration tests start real 3-server ensembles and run the built CLI as child
    // processes; on a 2-core machine one file at a time keeps them from starving each other.
    fileParallelism: false,
    // No wall-clock limit: the tests wait on conditions, and a busy machine is only slower.
    testTimeout: 0,
    hookTimeout: 0,
    reporters: ["default", "json"],
    outputFile: { json: "reports/vitest.json" },
  },
});

import { defineConfig } from "vitest/config";

/**
 * Tests that need the server additions of issue 17 (deletion causes and progress notifications,
 * branch srv17). Once that branch is merged, drop the exclusion in vitest.config.ts.
 */
export default defineConfig({
  test: {
    include: ["src/**/*.srv17.test.ts"],
    fileParallelism: false,
    testTimeout: 0,
    hookTimeout: 120_000,
  },
});

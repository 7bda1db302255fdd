import { defineConfig } from "vitest/config";

/** The long fault runs (lock.long.test.ts): `npm run test:long`. */
export default defineConfig({
  test: {
    include: ["src/**/*.long.test.ts"],
    fileParallelism: false,
    testTimeout: 0,
    hookTimeout: 120_000,
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // Every file starts real server processes (Keel, and Debian's ZooKeeper for the differential
    // test) on 2 cores: one file at a time keeps them from starving each other's heartbeats.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 180_000,
    reporters: ["default", "json"],
    outputFile: { json: "reports/vitest.json" },
  },
});

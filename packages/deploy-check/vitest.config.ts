import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // The server-flag checks start keel-server with --check-config once per member; on a 2-core
    // machine one file at a time keeps them from starving each other.
    fileParallelism: false,
    // One --check-config run takes about half a second; the bound only stops a hung child process.
    testTimeout: 60_000,
    reporters: ["default", "json"],
    outputFile: { json: "reports/vitest.json" },
  },
});

import { defineConfig } from "vitest/config";

// The console's pure helpers (formatting, merging, derivations); pages are tested in a real
// browser by e2e/. The JSON report is what `npm test` counts.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
    testTimeout: 0,
    reporters: ["default", "json"],
    outputFile: { json: "reports/vitest.json" },
  },
});

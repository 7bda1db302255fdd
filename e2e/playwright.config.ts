import { defineConfig } from "@playwright/test";

// Real browser: Debian's chromium (Playwright's own browser download cannot work on these machines).
export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: "reports/playwright.json" }]],
  globalSetup: "./fixtures/global-setup.ts",
  use: {
    browserName: "chromium",
    headless: true,
    // An operator's laptop, not Playwright's 1280x720 default: the screenshots are part of the review.
    viewport: { width: 1440, height: 900 },
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--headless",
        "--disable-gpu",
        "--disable-quic",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
});

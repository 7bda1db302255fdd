/**
 * The metrics page against the global setup's ensemble: after a burst of requests, every
 * member's chip counts samples from its own cluster.metrics stream, the per-member charts carry
 * one series per member with points, and the by-op rate chart has the ops of the burst.
 */
import { connect } from "@keel/client";
import { expect, test } from "@playwright/test";
import { consoleUrl, screenshotPath, serverUrls } from "../fixtures/env";

const chart = (id: string) => `[data-testid="metrics-chart"][data-chart="${id}"]`;

test("charts every member's samples after a burst of requests", async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto(`${consoleUrl()}/metrics`);
  await expect(page.getByRole("heading", { name: "Metrics" })).toBeVisible();
  await expect(page.getByTestId("member-chip")).toHaveCount(serverUrls().length);

  const keel = await connect({ servers: serverUrls(), sessionTimeoutMs: 10_000, label: "e2e-metrics" });
  try {
    const root = `/e2e-metrics-${Date.now()}`;
    await keel.create(root, "");
    for (let index = 0; index < 60; index += 1) {
      await keel.create(`${root}/n${index}`, `v${index}`);
      await keel.get(`${root}/n${index}`);
      await keel.set(`${root}/n${index}`, `w${index}`);
    }
  } finally {
    await keel.close();
  }

  // Every member's own stream reached the page (a chip per member, counting its samples).
  for (const chip of await page.getByTestId("member-chip").all()) {
    await expect
      .poll(async () => Number(await chip.getAttribute("data-samples")), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(3);
  }
  for (const id of ["request-rate", "commit-rate", "sessions", "znodes", "outstanding"]) {
    const card = page.locator(chart(id));
    await expect(card).toHaveAttribute("data-series", String(serverUrls().length));
    await expect
      .poll(async () => Number(await card.getAttribute("data-points")), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(2);
    // One drawn curve per member, each through more than one point (a path with segments).
    const curves = card.locator("path.recharts-line-curve");
    await expect(curves).toHaveCount(serverUrls().length);
    for (const curve of await curves.all()) await expect(curve).toHaveAttribute("d", /^M[^M]*[LC]/);
  }
  const byOp = page.locator(chart("request-rate-by-op"));
  await expect
    .poll(async () => Number(await byOp.getAttribute("data-series")), { timeout: 20_000 })
    .toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId("total-requests")).not.toHaveText("–");

  // Hiding a member takes its series off the per-member charts. (The chip's checkbox is visually
  // hidden, as Mantine draws the chip on its label: click the label.)
  const firstChip = page.getByTestId("member-chip").first();
  const chipLabel = page.locator(`label[for="${await firstChip.getAttribute("id")}"]`);
  await chipLabel.click();
  await expect(firstChip).not.toBeChecked();
  await expect(page.locator(chart("request-rate"))).toHaveAttribute("data-series", String(serverUrls().length - 1));
  await chipLabel.click();
  await expect(page.locator(chart("request-rate"))).toHaveAttribute("data-series", String(serverUrls().length));
  await page.screenshot({ path: screenshotPath("metrics"), fullPage: true });
});

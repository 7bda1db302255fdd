/**
 * The cluster page against the global setup's real 3-node ensemble: three members, one leading
 * and two following, with the epoch and last zxid each server reports on its own /status.json;
 * and a write through the API advances the zxid the page shows (live, over cluster.events).
 */
import { connect } from "@keel/client";
import { expect, type Page, test } from "@playwright/test";
import { consoleUrl, screenshotPath, serverUrls, statusOf } from "../fixtures/env";

const rowOf = (page: Page, serverId: number) =>
  page.locator(`[data-testid="member-row"][data-member-id="${serverId}"]`);

test("shows every member with its role, state, and the epoch and zxid it reports", async ({ page }) => {
  await page.goto(consoleUrl());
  await expect(page).toHaveTitle("Keel console");
  await expect(page.getByRole("heading", { name: "Cluster" })).toBeVisible();
  const rows = page.getByTestId("member-row");
  await expect(rows).toHaveCount(serverUrls().length);
  await expect(page.locator('[data-testid="member-row"][data-role="leading"]')).toHaveCount(1, { timeout: 15_000 });
  await expect(page.locator('[data-testid="member-row"][data-role="following"]')).toHaveCount(2);
  await expect(page.locator('[data-testid="member-row"][data-state="serving"]')).toHaveCount(3);

  // Nothing writes during this check, so each server's /status.json and its row must agree.
  for (const url of serverUrls()) {
    const status = await statusOf(url);
    const row = rowOf(page, status.serverId);
    await expect(row).toHaveAttribute("data-role", status.role);
    const epoch = row.getByTestId("member-epoch");
    await expect(epoch).toHaveAttribute("data-epoch", String(status.currentEpoch));
    await expect(epoch).toContainText(String(status.currentEpoch));
    const zxid = row.getByTestId("member-zxid");
    await expect(zxid).toHaveAttribute("data-zxid", status.lastAppliedZxid);
    const expectedZxid = `0x${(BigInt(status.lastAppliedZxid) >> 32n).toString(16)}:${BigInt(status.lastAppliedZxid) & 0xffff_ffffn}`;
    await expect(zxid).toHaveText(expectedZxid);
    expect(status.currentEpoch).toBeGreaterThan(0);
  }
  await expect(page.getByTestId("leader-timeline-row").first()).toHaveAttribute("data-current", "true");
});

test("a write through the API advances the zxid the page shows", async ({ page }) => {
  await page.goto(consoleUrl());
  const leaderRow = page.locator('[data-testid="member-row"][data-role="leading"]');
  await expect(leaderRow).toHaveCount(1, { timeout: 15_000 });
  const before = BigInt((await leaderRow.getByTestId("member-zxid").getAttribute("data-zxid")) ?? "0");

  const keel = await connect({ servers: serverUrls(), sessionTimeoutMs: 10_000, label: "e2e-cluster" });
  const created = await keel.create(`/e2e-cluster-${Date.now()}`, "x").finally(() => keel.close());
  const createdZxid = BigInt(created.stat.czxid);
  expect(createdZxid).toBeGreaterThan(before);

  // Every member applies the txn and pushes its new status: each row reaches the create's zxid.
  for (const row of await page.getByTestId("member-row").all()) {
    await expect
      .poll(async () => BigInt((await row.getByTestId("member-zxid").getAttribute("data-zxid")) || "0"), {
        timeout: 10_000,
      })
      .toBeGreaterThanOrEqual(createdZxid);
  }
  await page.screenshot({ path: screenshotPath("cluster"), fullPage: true });
});

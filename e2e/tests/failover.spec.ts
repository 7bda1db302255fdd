/**
 * Killing the leader, seen from the cluster page. This spec starts its own 3-node ensemble and
 * console (the global setup's members run in another process, which cannot kill them), SIGKILLs
 * the leader, and checks that its row turns red (data-state="down"), that another member leads,
 * and that the leader timeline lists the new leader on top.
 */

import type { ChildProcess } from "node:child_process";
import { Ensemble, freePort } from "@keel/testkit";
import { expect, test } from "@playwright/test";
import { startConsole, waitForHttp } from "../fixtures/console";
import { screenshotPath } from "../fixtures/env";

let ensemble: Ensemble;
let consoleProcess: ChildProcess | undefined;
let consoleUrl: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  ensemble = await Ensemble.start({ voters: 3 });
  await ensemble.waitForLeader({ timeoutMs: 60_000 });
  const port = await freePort();
  consoleUrl = `http://127.0.0.1:${port}`;
  consoleProcess = startConsole(
    port,
    ensemble.members.map((member) => member.clientUrl),
  );
  await waitForHttp(consoleUrl, 60_000);
});

test.afterAll(async () => {
  consoleProcess?.kill("SIGTERM");
  await ensemble?.close();
});

test("killing the leader turns its row red and shows the new leader", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(consoleUrl);
  const leaderRows = page.locator('[data-testid="member-row"][data-role="leading"]');
  await expect(leaderRows).toHaveCount(1, { timeout: 20_000 });
  const oldLeader = await ensemble.waitForLeader({ timeoutMs: 30_000 });
  await expect(leaderRows).toHaveAttribute("data-member-id", String(oldLeader));
  const oldEpoch = Number(await leaderRows.getByTestId("member-epoch").getAttribute("data-epoch"));

  await ensemble.kill(oldLeader);

  const killedRow = page.locator(`[data-testid="member-row"][data-member-id="${oldLeader}"]`);
  await expect(killedRow).toHaveAttribute("data-state", "down", { timeout: 10_000 });
  await expect(killedRow.getByTestId("member-down")).toBeVisible();

  const newLeaderRow = page.locator(
    `[data-testid="member-row"][data-role="leading"]:not([data-member-id="${oldLeader}"])`,
  );
  await expect(newLeaderRow).toHaveCount(1, { timeout: 60_000 });
  const newLeader = Number(await newLeaderRow.getAttribute("data-member-id"));
  expect(newLeader).not.toBe(oldLeader);
  await expect(newLeaderRow.getByTestId("member-epoch")).not.toHaveAttribute("data-epoch", String(oldEpoch));

  const newest = page.getByTestId("leader-timeline-row").first();
  await expect(newest).toHaveAttribute("data-leader-id", String(newLeader), { timeout: 10_000 });
  await expect(newest).toHaveAttribute("data-current", "true");
  await expect(
    page.locator(`[data-testid="leader-timeline-row"][data-leader-id="${oldLeader}"][data-epoch="${oldEpoch}"]`),
  ).toHaveCount(1);
  await expect(page.getByTestId("summary-quorum")).toHaveText("2 / 3 voters");
  await page.screenshot({ path: screenshotPath("cluster-failover"), fullPage: true });
});

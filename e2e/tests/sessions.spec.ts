/**
 * The Sessions page against a real ensemble: an SDK client's session shows with its client
 * address and the member it is attached to; expiring it from the page ends the client's session
 * (its state turns `expired`) and the row goes, live.
 */
import { connect, type KeelClient } from "@keel/client";
import { expect, test } from "@playwright/test";
import { consoleUrl, serverUrls } from "../fixtures/env";

/** Generous: the machine is shared, and a member may re-elect mid-test (the page then resubscribes). */
const LIVE = { timeout: 15_000 };

let keel: KeelClient | undefined;

test.afterAll(async () => {
  await keel?.close().catch(() => {});
});

test("a client's session shows on the Sessions page and expiring it there ends it", async ({ page }) => {
  keel = await connect({
    servers: serverUrls(),
    sessionTimeoutMs: 20_000,
    label: "e2e-sessions",
  });
  const state = keel.state;
  expect(state.name).toBe("connected");
  const attachedServer = state.name === "connected" ? state.serverId : -1;
  const expired = new Promise<void>((resolve) => {
    keel?.onStateChange((next) => {
      if (next.name === "expired") resolve();
    });
  });
  // An ephemeral node, so the row's count and the expanded list have something to show.
  await keel.create("/e2e-sessions-owned", "x", { kind: "ephemeral" });

  await page.goto(`${consoleUrl()}/sessions`);
  const row = page.locator(`[data-testid="session-row"][data-session-id="${keel.sessionId}"]`);
  await expect(row).toBeVisible(LIVE);
  await expect(row).toHaveAttribute("data-attached-server", String(attachedServer), LIVE);
  await expect(row.getByTestId("session-client-address")).toContainText("127.0.0.1", LIVE);
  await row.getByTestId("session-expand").click();
  await expect(page.getByTestId("session-ephemerals")).toContainText("/e2e-sessions-owned", LIVE);

  await page.screenshot({ path: "screenshots/sessions.png", fullPage: true });

  await row.getByTestId("expire-button").click();
  await page.getByTestId("expire-confirm").click();
  await expired;
  expect(keel.state.name).toBe("expired");
  await expect(row).toHaveCount(0, LIVE);
});

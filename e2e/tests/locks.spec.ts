/**
 * The Locks page against a real ensemble, with real SDK clients in the test process: the holder
 * and the queue show as the clients take and wait for a lock, the queue moves when the holder
 * releases, and an operator's force-release from the page hands the lock to the next waiter,
 * fires the old holder's lock-lost signal and is recorded (with its reason) in the hand-off history.
 * Liveness comes from the page's subscriptions: nothing reloads the page after it opens.
 */
import { LockLostError } from "@keel/client";
import { expect, test } from "@playwright/test";
import { consoleUrl, sdkClients } from "../fixtures/env";

/** Generous: the machine is shared, and a member may re-elect mid-test (the page then resubscribes). */
const LIVE = { timeout: 15_000 };

const { client, close } = sdkClients();

test.afterAll(close);

test("a lock's holder, queue, release and force-release show live on the Locks page", async ({ page }) => {
  const a = await client("orders-a");
  const b = await client("orders-b");
  const c = await client("orders-c");
  const leaseA = await a.lock("orders").acquire({ timeoutMs: 30_000 });
  const pendingB = b.lock("orders").acquire({ timeoutMs: 60_000 });

  await page.goto(`${consoleUrl()}/locks`);
  const card = page.locator('[data-testid="lock-card"][data-lock-name="orders"][data-lock-kind="lock"]');
  const holder = card.getByTestId("lock-holder");
  const waiters = card.getByTestId("lock-waiter");

  // A holds (its label and client id on the page); B is first in the queue.
  await expect(holder).toHaveAttribute("data-session-id", a.sessionId, LIVE);
  await expect(holder).toContainText("orders-a", LIVE);
  await expect(holder).toContainText(a.clientId, LIVE);
  await expect(waiters.first()).toHaveAttribute("data-session-id", b.sessionId, LIVE);
  await expect(waiters.first()).toHaveAttribute("data-position", "1", LIVE);

  // A releases: the queue moves, B holds.
  await leaseA.release();
  const leaseB = await pendingB;
  await expect(holder).toHaveAttribute("data-session-id", b.sessionId, LIVE);
  await expect(waiters).toHaveCount(0, LIVE);

  // C queues behind B.
  const pendingC = c.lock("orders").acquire({ timeoutMs: 60_000 });
  await expect(waiters.first()).toHaveAttribute("data-session-id", c.sessionId, LIVE);

  const lost = new Promise<unknown>((resolve) => {
    if (leaseB.signal.aborted) resolve(leaseB.signal.reason);
    leaseB.signal.addEventListener("abort", () => resolve(leaseB.signal.reason), { once: true });
  });

  // The operator force-releases B from the page, with a reason.
  const reason = "e2e: holder hung, released by operator";
  await holder.getByTestId("force-release-button").click();
  await expect(page.getByTestId("force-release-confirm")).toBeDisabled(LIVE);
  await page.getByTestId("force-release-reason").fill(reason);
  await page.getByTestId("force-release-confirm").click();

  // The lock goes to C, B's lease signal fires with a LockLostError.
  const leaseC = await pendingC;
  expect(leaseC.held).toBe(true);
  expect(await lost).toBeInstanceOf(LockLostError);
  expect(leaseB.held).toBe(false);
  await expect(holder).toHaveAttribute("data-session-id", c.sessionId, LIVE);
  await expect(waiters).toHaveCount(0, LIVE);

  // The hand-off history records who held it and the force release with its reason.
  const forced = card.locator('[data-testid="handoff-row"][data-kind="forceReleased"]');
  await expect(forced).toHaveAttribute("data-session-id", b.sessionId, LIVE);
  await expect(forced).toContainText(reason, LIVE);
  await expect(card.locator('[data-testid="handoff-row"][data-kind="acquired"]')).toHaveCount(3, LIVE);

  await page.screenshot({ path: "screenshots/locks.png", fullPage: true });
  await leaseC.release();
});

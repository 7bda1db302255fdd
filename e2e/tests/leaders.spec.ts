/**
 * The Leaders page against a real ensemble, with SDK candidates in the test process: it shows the
 * leader (with its term) and the next candidate, and when the leader resigns it shows the new
 * leader and the change, live through its subscriptions.
 */
import { expect, test } from "@playwright/test";
import { consoleUrl, sdkClients } from "../fixtures/env";

/** Generous: the machine is shared, and a member may re-elect mid-test (the page then resubscribes). */
const LIVE = { timeout: 15_000 };

const { client, close } = sdkClients();

test.afterAll(close);

test("an election's leader, candidates and leadership changes show live on the Leaders page", async ({ page }) => {
  const first = await client("scheduler-1");
  const second = await client("scheduler-2");
  const firstElection = first.election("nightly-scheduler");
  const leadership = await firstElection.campaign({ timeoutMs: 30_000 });
  const pendingSecond = second.election("nightly-scheduler").campaign({ timeoutMs: 60_000 });

  await page.goto(`${consoleUrl()}/leaders`);
  const card = page.locator('[data-testid="election-card"][data-election-name="nightly-scheduler"]');
  const leader = card.getByTestId("election-leader");
  const candidates = card.getByTestId("election-candidate");

  await expect(leader).toHaveAttribute("data-session-id", first.sessionId, LIVE);
  await expect(leader).toContainText("scheduler-1", LIVE);
  // The term is the leader node's czxid, the SDK's fencing token.
  await expect(leader.getByText(/^0x[0-9a-f]+:[0-9a-f]+$/)).toHaveCount(1, LIVE);
  expect(leadership.fencingToken > 0n).toBe(true);
  await expect(candidates).toHaveCount(1, LIVE);
  await expect(candidates.first()).toHaveAttribute("data-session-id", second.sessionId, LIVE);

  await firstElection.resign();
  const secondLeadership = await pendingSecond;
  expect(secondLeadership.fencingToken > leadership.fencingToken).toBe(true);

  await expect(leader).toHaveAttribute("data-session-id", second.sessionId, LIVE);
  await expect(leader).toContainText("scheduler-2", LIVE);
  await expect(candidates).toHaveCount(0, LIVE);
  const changes = card.getByTestId("leader-change-row");
  await expect(card.locator('[data-testid="leader-change-row"][data-kind="released"]')).toHaveAttribute(
    "data-session-id",
    first.sessionId,
    LIVE,
  );
  // Newest first: the second candidate's election tops the list.
  await expect(changes.first()).toHaveAttribute("data-kind", "acquired", LIVE);
  await expect(changes.first()).toHaveAttribute("data-session-id", second.sessionId, LIVE);

  await page.screenshot({ path: "screenshots/leaders.png", fullPage: true });
  await secondLeadership.release();
});

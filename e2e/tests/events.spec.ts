/**
 * The events page (audit feed from log.events) against the global setup's ensemble: a create,
 * set and delete made with the SDK appear with their op and path; Pause holds new entries back
 * (counted as "N new") until Resume; a path prefix filter keeps only entries under it.
 */
import { connect, type KeelClient } from "@keel/client";
import { expect, type Page, test } from "@playwright/test";
import { consoleUrl, screenshotPath, serverUrls } from "../fixtures/env";

let keel: KeelClient;

test.beforeAll(async () => {
  keel = await connect({ servers: serverUrls(), sessionTimeoutMs: 10_000, label: "e2e-events" });
});

test.afterAll(async () => {
  await keel?.close();
});

const rowFor = (page: Page, op: string, path: string) =>
  page.locator(`[data-testid="event-row"][data-op="${op}"][data-path="${path}"]`);

async function openFeed(page: Page): Promise<void> {
  await page.goto(`${consoleUrl()}/events`);
  await expect(page.getByRole("heading", { name: "Events" })).toBeVisible();
  await expect(page.getByTestId("events-stream")).toContainText("live", { timeout: 20_000 });
}

test("a create, set and delete appear in the live feed with op and path", async ({ page }) => {
  await openFeed(page);
  const path = `/e2e-events-${Date.now()}`;
  await keel.create(path, "one");
  await keel.set(path, "two");
  await keel.delete(path);
  await expect(rowFor(page, "create", path)).toHaveCount(1, { timeout: 10_000 });
  await expect(rowFor(page, "setData", path)).toHaveCount(1);
  const deleted = rowFor(page, "delete", path);
  await expect(deleted).toHaveCount(1);
  await expect(deleted.getByTestId("event-cause")).toContainText("deleted by session");
  // Newest first: the delete is above the create.
  const zxids = await page
    .getByTestId("event-row")
    .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-zxid")));
  const deleteZxid = await deleted.getAttribute("data-zxid");
  const createZxid = await rowFor(page, "create", path).getAttribute("data-zxid");
  expect(zxids.indexOf(deleteZxid)).toBeLessThan(zxids.indexOf(createZxid));
  await page.screenshot({ path: screenshotPath("events"), fullPage: true });
});

test("pause holds new entries until resume", async ({ page }) => {
  await openFeed(page);
  await page.getByTestId("pause-button").click();
  await expect(page.getByTestId("pause-button")).toHaveText("Resume");
  const path = `/e2e-paused-${Date.now()}`;
  await keel.create(path, "held");
  await expect
    .poll(async () => Number(await page.getByTestId("pending-count").getAttribute("data-pending")), { timeout: 10_000 })
    .toBeGreaterThanOrEqual(1);
  await expect(rowFor(page, "create", path)).toHaveCount(0);
  await page.getByTestId("pause-button").click();
  await expect(rowFor(page, "create", path)).toHaveCount(1);
  await expect(page.getByTestId("pending-count")).toHaveCount(0);
});

test("a path prefix filter keeps only the entries under it", async ({ page }) => {
  const stamp = Date.now();
  const kept = `/e2e-filter-${stamp}`;
  const other = `/e2e-other-${stamp}`;
  await keel.create(kept, "");
  await keel.create(other, "");
  await keel.create(`${kept}/child`, "");
  await openFeed(page);
  await expect(rowFor(page, "create", other)).toHaveCount(1, { timeout: 10_000 });
  await page.getByTestId("path-filter").fill(kept);
  await expect(rowFor(page, "create", `${kept}/child`)).toHaveCount(1, { timeout: 10_000 });
  await expect(rowFor(page, "create", kept)).toHaveCount(1);
  await expect(rowFor(page, "create", other)).toHaveCount(0);
  const paths = await page
    .getByTestId("event-row")
    .evaluateAll((rows) => rows.map((row) => row.getAttribute("data-path")));
  for (const path of paths) expect(path?.startsWith(kept)).toBe(true);
  // Live entries respect the filter too.
  await keel.create(`${other}/late`, "");
  await keel.create(`${kept}/late`, "");
  await expect(rowFor(page, "create", `${kept}/late`)).toHaveCount(1, { timeout: 10_000 });
  await expect(rowFor(page, "create", `${other}/late`)).toHaveCount(0);
});

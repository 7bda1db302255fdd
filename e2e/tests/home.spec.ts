/**
 * Loads the console in real Chromium against a real 3-node ensemble and checks that it shows
 * every member live, with exactly one leader.
 */
import { expect, test } from "@playwright/test";

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set by the global setup`);
  return value;
}

test("the console home page shows the ensemble with one leader", async ({ page }) => {
  await page.goto(env("KEEL_E2E_CONSOLE_URL"));
  await expect(page).toHaveTitle("Keel console");
  await expect(page.getByRole("heading", { name: "Ensemble" })).toBeVisible();
  const rows = page.getByTestId("member-row");
  await expect(rows).toHaveCount(env("KEEL_E2E_SERVER_URLS").split(",").length);
  await expect(page.locator('[data-testid="member-row"][data-role="leading"]')).toHaveCount(1, { timeout: 15_000 });
  await expect(page.locator('[data-testid="member-row"][data-role="following"]')).toHaveCount(2);
});

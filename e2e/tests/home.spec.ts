/**
 * Loads the console's home page in real Chromium and checks it rendered the ensemble view.
 */
import { expect, test } from "@playwright/test";

test("the console home page renders the ensemble view", async ({ page }) => {
  const url = process.env.KEEL_E2E_CONSOLE_URL;
  if (!url) throw new Error("KEEL_E2E_CONSOLE_URL is not set by the global setup");
  await page.goto(url);
  await expect(page).toHaveTitle("Keel console");
  await expect(page.getByRole("heading", { name: "Ensemble" })).toBeVisible();
});

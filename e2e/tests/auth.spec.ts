/**
 * Logging in to the console of an ensemble that requires authentication (docs/console.md,
 * "Logging in"), with its own ensemble and console (fixtures/auth-ensemble.ts). One story, each
 * person in their own browser context (their own cookies): an anonymous visitor is sent to /login;
 * a wrong password is refused; super logs in and adds an operator and a viewer on the Users page;
 * the viewer sees the lock but no force-release button, and the server refuses the viewer's
 * force-release sent by hand with the viewer's own cookie and CSRF token; the operator
 * force-releases the lock; the audit page shows it with the operator's name; logout returns to /login.
 */
import { connect, type KeelClient } from "@keel/client";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { type AuthEnsemble, SUPER_PASSWORD, startAuthEnsemble } from "../fixtures/auth-ensemble";
import { screenshotPath } from "../fixtures/env";

const LIVE = { timeout: 15_000 };
const OPERATOR = { name: "olga", password: "olga-operator-pw" };
const VIEWER = { name: "vera", password: "vera-viewer-pw1" };

let auth: AuthEnsemble;
const clients: KeelClient[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  auth = await startAuthEnsemble();
});

test.afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()));
  await auth?.close();
});

/** A fresh browser context (no cookies, no sessionStorage) on the console's login page. */
async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

async function logIn(page: Page, user: string, password: string): Promise<void> {
  await page.getByTestId("login-user").fill(user);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
}

async function addUser(page: Page, user: { name: string; password: string }, role: "operator" | "viewer") {
  await page.getByTestId("add-user-name").fill(user.name);
  await page.getByTestId("add-user-password").fill(user.password);
  await page.getByTestId("add-user-role").click();
  await page.getByRole("option", { name: role === "viewer" ? "viewer (read only)" : "operator", exact: true }).click();
  await page.getByTestId("add-user-submit").click();
  await expect(page.locator(`[data-testid="user-row"][data-user="${user.name}"]`)).toHaveAttribute(
    "data-role",
    role,
    LIVE,
  );
}

test("login, roles, a refused viewer, an operator's force-release in the audit feed, logout", async ({ browser }) => {
  test.setTimeout(180_000);
  const { consoleUrl, serverUrls } = auth;

  // Anonymous: every page sends the browser to /login.
  const superPage = await freshPage(browser);
  await superPage.goto(`${consoleUrl}/locks`);
  await expect(superPage).toHaveURL(/\/login\?next=%2Flocks$/, LIVE);

  // A wrong password is refused, and says only that.
  await logIn(superPage, "super", "not-the-password");
  await expect(superPage.getByTestId("login-error")).toHaveText("wrong user or password", LIVE);

  // super logs in, lands where it was going, and adds an operator and a viewer.
  await logIn(superPage, "super", SUPER_PASSWORD);
  await expect(superPage).toHaveURL(`${consoleUrl}/locks`, LIVE);
  await expect(superPage.getByTestId("current-user")).toHaveText("super");
  await expect(superPage.getByTestId("current-role")).toHaveText("admin");
  await superPage.getByTestId("nav-users").click();
  await addUser(superPage, OPERATOR, "operator");
  await addUser(superPage, VIEWER, "viewer");
  await superPage.screenshot({ path: screenshotPath("users"), fullPage: true });

  // A lock held by an SDK client (authenticated as the operator), with a second one waiting.
  const holder = await connect({
    servers: serverUrls,
    auth: { user: OPERATOR.name, password: OPERATOR.password },
    label: "audit-holder",
  });
  const waiter = await connect({
    servers: serverUrls,
    auth: { user: OPERATOR.name, password: OPERATOR.password },
    label: "audit-waiter",
  });
  clients.push(holder, waiter);
  const lease = await holder.lock("audited").acquire({ timeoutMs: 30_000 });
  const pending = waiter.lock("audited").acquire({ timeoutMs: 120_000 });

  // The viewer sees the holder but is offered no force-release ...
  const viewerPage = await freshPage(browser);
  await viewerPage.goto(`${consoleUrl}/locks`);
  await expect(viewerPage).toHaveURL(/\/login/, LIVE);
  await logIn(viewerPage, VIEWER.name, VIEWER.password);
  await expect(viewerPage.getByTestId("current-role")).toHaveText("viewer", LIVE);
  const viewerCard = viewerPage.locator('[data-testid="lock-card"][data-lock-name="audited"][data-lock-kind="lock"]');
  const viewerHolder = viewerCard.getByTestId("lock-holder");
  await expect(viewerHolder).toHaveAttribute("data-session-id", holder.sessionId, LIVE);
  await expect(viewerHolder.getByTestId("force-release-button")).toHaveCount(0);
  await expect(viewerPage.getByTestId("nav-users")).toHaveCount(0);
  await expect(viewerPage.getByTestId("nav-audit")).toHaveCount(0);

  // ... and a force-release sent by hand, with the viewer's own cookie and CSRF token, is refused.
  const node = await viewerHolder.getAttribute("data-node");
  expect(node).not.toBeNull();
  const refusal = await viewerPage.evaluate(
    async ({ member, path }) => {
      // In the page: its sessionStorage (e2e's tsconfig has no DOM types).
      const storage = (globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } })
        .sessionStorage;
      const stored = storage.getItem(`keel.session.${new URL(member).hostname}`);
      const csrfToken = stored === null ? "" : (JSON.parse(stored) as { csrfToken: string }).csrfToken;
      const response = await fetch(`${member}/node.delete`, {
        method: "POST",
        credentials: "include",
        headers: { "content-type": "application/json", "x-keel-csrf": csrfToken },
        body: JSON.stringify({ path, version: -1, forceRelease: { reason: "a viewer tries" } }),
      });
      const body = (await response.json()) as { error?: { message: string; data?: { keelCode?: string } } };
      return { status: response.status, keelCode: body.error?.data?.keelCode, message: body.error?.message };
    },
    { member: serverUrls[0] as string, path: node as string },
  );
  expect(refusal.keelCode).toBe("NOAUTH");
  expect(refusal.message).toMatch(/viewer/);
  expect(lease.held).toBe(true);

  // The operator force-releases the lock from the page: the waiter gets it.
  const operatorPage = await freshPage(browser);
  await operatorPage.goto(`${consoleUrl}/login?next=%2Flocks`);
  await logIn(operatorPage, OPERATOR.name, OPERATOR.password);
  await expect(operatorPage).toHaveURL(`${consoleUrl}/locks`, LIVE);
  await expect(operatorPage.getByTestId("current-role")).toHaveText("operator");
  const operatorHolder = operatorPage
    .locator('[data-testid="lock-card"][data-lock-name="audited"][data-lock-kind="lock"]')
    .getByTestId("lock-holder");
  await expect(operatorHolder).toHaveAttribute("data-session-id", holder.sessionId, LIVE);
  const reason = "e2e: released by the operator";
  await operatorHolder.getByTestId("force-release-button").click();
  await operatorPage.getByTestId("force-release-reason").fill(reason);
  await operatorPage.getByTestId("force-release-confirm").click();
  const next = await pending;
  expect(next.held).toBe(true);
  await expect(operatorHolder).toHaveAttribute("data-session-id", waiter.sessionId, LIVE);

  // The audit feed shows the force-release, by the operator; the viewer's refusal is there too.
  await operatorPage.getByTestId("nav-audit").click();
  const released = operatorPage.locator(
    `[data-testid="audit-row"][data-action="forceRelease"][data-outcome="OK"][data-user="${OPERATOR.name}"]`,
  );
  await expect(released).toHaveCount(1, LIVE);
  await expect(released).toContainText(reason);
  await expect(
    operatorPage.locator(
      `[data-testid="audit-row"][data-action="forceRelease"][data-outcome="NOAUTH"][data-user="${VIEWER.name}"]`,
    ),
  ).toHaveCount(1, LIVE);
  await operatorPage.screenshot({ path: screenshotPath("audit"), fullPage: true });

  // Logout returns to /login, and the console is anonymous again.
  await operatorPage.getByTestId("logout-button").click();
  await expect(operatorPage).toHaveURL(/\/login/, LIVE);
  await operatorPage.goto(`${consoleUrl}/locks`);
  await expect(operatorPage).toHaveURL(/\/login\?next=%2Flocks$/, LIVE);

  await next.release();
});

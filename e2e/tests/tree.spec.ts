/**
 * The Tree page in real Chromium against a real 3-node ensemble. Nodes are made and changed
 * through the servers' HTTP API (tRPC over plain JSON, as `curl` would), and the page must show
 * them: a node created elsewhere appears in the open tree through the page's live watch (the test
 * proves no reload or navigation happened), a stale-version edit opens the conflict dialog with
 * both versions' text, the data views render text / JSON / hex, create and delete work from the
 * UI, and a node with 100,000 children (made in multi batches in beforeAll) opens, scrolls and
 * filters.
 */
import { expect, type Page, test } from "@playwright/test";
import { consoleUrl, serverUrls } from "../fixtures/env";

/** Codes after which the same call may simply be sent again (docs/errors.md: retry "safe"). */
const RETRYABLE = new Set(["NOTREADY", "CONNECTIONLOSS", "OPERATIONTIMEOUT"]);

interface RpcError {
  error: { message: string; data?: { keelCode?: string } };
}

/** One tRPC call over HTTP, retried on transient codes; a NODEEXISTS on a retried create is success. */
async function rpc<T>(procedure: string, input: unknown, kind: "query" | "mutation" = "mutation"): Promise<T> {
  const deadline = Date.now() + 30_000;
  let attempt = 0;
  for (;;) {
    const server = serverUrls()[attempt % serverUrls().length];
    attempt += 1;
    const response =
      kind === "query"
        ? await fetch(`${server}/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`)
        : await fetch(`${server}/${procedure}`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(input),
          });
    const body = (await response.json()) as { result: { data: T } } | RpcError;
    if ("result" in body) return body.result.data;
    const code = body.error.data?.keelCode ?? "";
    if (!RETRYABLE.has(code) || Date.now() > deadline) throw new Error(`${procedure}: ${code} ${body.error.message}`);
    await new Promise((resolve) => setTimeout(resolve, 200 * Math.min(attempt, 5)));
  }
}

async function createNode(path: string, data = ""): Promise<void> {
  try {
    await rpc("node.create", { path, data });
  } catch (error) {
    if (!String(error).includes("NODEEXISTS")) throw error;
  }
}

/** The server's multi op limit (core's MULTI_OPS_MAX): the big node is made in batches of it. */
const MULTI_OPS_MAX = 1000;
const BIG_CHILDREN = 100_000;
const childName = (index: number) => `child-${String(index).padStart(6, "0")}`;

async function createChildren(parent: string, count: number): Promise<void> {
  for (let start = 0; start < count; start += MULTI_OPS_MAX) {
    const ops = [];
    for (let index = start; index < Math.min(count, start + MULTI_OPS_MAX); index += 1)
      ops.push({ type: "create", path: `${parent}/${childName(index)}`, data: "" });
    // A batch applied before (a retried call, a rerun beforeAll) fails as a whole: NODEEXISTS on
    // its first op and RUNTIMEINCONSISTENCY (ZooKeeper's "rolled back") on the others. Already done.
    const { results } = await rpc<{ results: { type: string; code?: string }[] }>("node.multi", { ops });
    const alreadyDone = new Set(["NODEEXISTS", "RUNTIMEINCONSISTENCY"]);
    const failed = results.find((result) => result.type === "error" && !alreadyDone.has(result.code ?? ""));
    if (failed !== undefined) throw new Error(`multi failed: ${JSON.stringify(failed)}`);
  }
}

const row = (page: Page, path: string) => page.locator(`[data-testid="tree-row"][data-path="${path}"]`);

/** Opens a node's page and waits until the live watch is connected. */
async function openTree(page: Page, path: string): Promise<void> {
  await page.goto(`${consoleUrl()}/tree${path}`);
  await expect(page.getByTestId("node-path")).toHaveText(path, { timeout: 30_000 });
  await expect(page.getByTestId("tree-live")).toHaveAttribute("data-state", "live", { timeout: 30_000 });
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  await createNode("/e2e-tree");
  await createNode("/e2e-tree/big");
  const started = Date.now();
  await createChildren("/e2e-tree/big", BIG_CHILDREN);
  console.log(`created ${BIG_CHILDREN} children in ${Date.now() - started} ms`);
});

test("a node created through the API appears in the open tree without a reload", async ({ page }) => {
  await createNode("/e2e-tree/live");
  await openTree(page, "/e2e-tree/live");
  await expect(row(page, "/e2e-tree/live")).toBeVisible();
  // A marker on window survives client-side updates but not a reload or a navigation.
  await page.evaluate(() => {
    (globalThis as unknown as { keelMarker: string }).keelMarker = "same-page";
  });
  const urlBefore = page.url();
  let navigations = 0;
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) navigations += 1;
  });

  await createNode("/e2e-tree/live/appeared", "made elsewhere");
  // Default expect timeout: the row comes from the watch event, not from any polling.
  await expect(row(page, "/e2e-tree/live/appeared")).toBeVisible();
  await expect(page.getByTestId("stat-numChildren")).toHaveText("1");
  expect(await page.evaluate(() => (globalThis as unknown as { keelMarker?: string }).keelMarker)).toBe("same-page");
  expect(page.url()).toBe(urlBefore);
  expect(navigations).toBe(0);
});

test("the node view shows data as text, JSON and hex, with the Stat, kind and ACL", async ({ page }) => {
  await createNode("/e2e-tree/views");
  await createNode("/e2e-tree/views/config", '{"replicas":3,"zones":["a","b"]}');
  await createNode("/e2e-tree/views/broken", '{"replicas": 3,');
  await openTree(page, "/e2e-tree/views/config");
  await expect(page.getByTestId("node-data")).toHaveText('{"replicas":3,"zones":["a","b"]}');
  await expect(page.getByTestId("node-kind")).toBeVisible();
  await expect(page.getByTestId("node-version")).toHaveText("version 0");
  await expect(page.getByTestId("stat-version")).toHaveText("0");
  await expect(page.getByTestId("stat-dataLength")).toHaveText("32 B");
  await expect(page.getByTestId("stat-czxid")).toHaveText(/^0x[0-9a-f]+:[0-9a-f]+$/);
  await expect(page.getByTestId("stat-ephemeralOwner")).toHaveText("–");
  await expect(page.getByTestId("acl-row")).toHaveText(["world:anyonecdrwa"]);

  await page.getByTestId("data-mode").getByText("JSON").click();
  await expect(page.getByTestId("node-data")).toContainText('"replicas": 3,');
  await expect(page.getByTestId("node-data")).toHaveAttribute("data-json", "valid");

  await page.getByTestId("data-mode").getByText("Hex").click();
  const hexRows = page.getByTestId("hex-row");
  await expect(hexRows).toHaveCount(2);
  await expect(hexRows.first()).toContainText("00000000");
  await expect(hexRows.first()).toContainText("7b 22 72 65 70 6c 69 63  61 73 22 3a 33 2c 22 7a");
  await expect(hexRows.first()).toContainText('{"replicas":3,"z');
  await page.getByTestId("data-mode").getByText("JSON").click();
  await page.screenshot({ path: "screenshots/tree.png", fullPage: true });

  await row(page, "/e2e-tree/views/broken").click();
  await expect(page.getByTestId("node-path")).toHaveText("/e2e-tree/views/broken");
  await expect(page.getByTestId("json-error")).toContainText("Not valid JSON");
});

test("a stale-version edit shows the conflict diff of both versions and can keep mine", async ({ page }) => {
  const path = "/e2e-tree/conflict";
  await createNode(path, "mode: primary\nreplicas: 1\n");
  await openTree(page, path);
  await expect(page.getByTestId("node-version")).toHaveText("version 0");
  await page.getByTestId("edit-button").click();
  await page.getByTestId("node-editor").fill("mode: primary\nreplicas: 5 # mine\n");

  await rpc("node.set", { path, data: "mode: primary\nreplicas: 2 # theirs\n", version: 0 });
  await expect(page.getByTestId("editor-stale")).toBeVisible();
  await page.getByTestId("save-button").click();

  const diff = page.getByTestId("conflict-diff");
  await expect(diff).toBeVisible();
  await expect(diff.locator('[data-kind="mine"]')).toContainText("replicas: 5 # mine");
  await expect(diff.locator('[data-kind="theirs"]')).toContainText("replicas: 2 # theirs");
  await expect(diff.locator('[data-kind="same"]')).toContainText("mode: primary");
  await page.screenshot({ path: "screenshots/tree-conflict.png", fullPage: true });

  await page.getByTestId("conflict-keep-mine").click();
  await expect(page.getByTestId("node-version")).toHaveText("version 2");
  await expect(page.getByTestId("node-data")).toHaveText("mode: primary\nreplicas: 5 # mine\n");
  const node = await rpc<{ data: string }>("node.get", { path }, "query");
  expect(node.data).toBe("mode: primary\nreplicas: 5 # mine\n");
});

test("create and recursive delete from the UI", async ({ page }) => {
  await createNode("/e2e-tree/ui");
  await openTree(page, "/e2e-tree/ui");
  await page.getByTestId("create-button").click();
  await page.getByTestId("create-name").fill("made-in-ui");
  await page.getByTestId("create-data").fill("hello from the console");
  await page.getByTestId("create-submit").click();
  await expect(row(page, "/e2e-tree/ui/made-in-ui")).toBeVisible();
  expect((await rpc<{ data: string }>("node.get", { path: "/e2e-tree/ui/made-in-ui" }, "query")).data).toBe(
    "hello from the console",
  );

  await createNode("/e2e-tree/ui/made-in-ui/a");
  await createNode("/e2e-tree/ui/made-in-ui/a/deep");
  await createNode("/e2e-tree/ui/made-in-ui/b");
  await row(page, "/e2e-tree/ui/made-in-ui").click();
  await expect(page.getByTestId("node-path")).toHaveText("/e2e-tree/ui/made-in-ui");
  await page.getByTestId("delete-button").click();
  await expect(page.getByTestId("delete-count")).toHaveText("4 nodes");
  await page.getByTestId("delete-confirm").click();
  await expect(row(page, "/e2e-tree/ui/made-in-ui")).toHaveCount(0);
  await expect(page.getByTestId("node-path")).toHaveText("/e2e-tree/ui");
  const exists = await rpc<{ stat: unknown }>("node.exists", { path: "/e2e-tree/ui/made-in-ui" }, "query");
  expect(exists.stat).toBeNull();
});

test(`a node with ${BIG_CHILDREN} children opens, scrolls and filters`, async ({ page }) => {
  await openTree(page, "/e2e-tree/big");
  await expect(row(page, `/e2e-tree/big/${childName(0)}`)).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("stat-numChildren")).toHaveText(String(BIG_CHILDREN));
  // Virtualised: a screenful of rows in the DOM, not 20,000.
  expect(await page.getByTestId("tree-row").count()).toBeLessThan(200);

  const last = `/e2e-tree/big/${childName(BIG_CHILDREN - 1)}`;
  await page.getByTestId("tree-scroll").evaluate((element) => {
    element.scrollTop = element.scrollHeight;
  });
  await expect(row(page, last)).toBeVisible();
  await row(page, last).click();
  await expect(page.getByTestId("node-path")).toHaveText(last);

  // Jump back by path (the row is 100,000 rows up), then filter its children.
  await page.getByTestId("search-input").fill("/e2e-tree/big");
  await page.getByTestId("search-input").press("Enter");
  await expect(page.getByTestId("node-path")).toHaveText("/e2e-tree/big");
  await expect(row(page, "/e2e-tree/big")).toBeVisible();
  await page.getByTestId("children-filter").fill(childName(12_345));
  await expect(page.getByTestId("tree-row").filter({ hasText: "child-" })).toHaveText([childName(12_345)]);
});

test("search jumps to a path and finds nodes by content", async ({ page }) => {
  await createNode("/e2e-tree/search");
  await createNode("/e2e-tree/search/alpha", "a needle in a haystack");
  await createNode("/e2e-tree/search/beta");
  await createNode("/e2e-tree/search/beta/gamma", "another needle");
  await openTree(page, "/");

  await page.getByTestId("search-input").fill("/e2e-tree/search/beta/gamma");
  await page.getByTestId("search-input").press("Enter");
  await expect(page.getByTestId("node-path")).toHaveText("/e2e-tree/search/beta/gamma");
  await expect(row(page, "/e2e-tree/search/beta/gamma")).toBeVisible();
  expect(page.url()).toContain("/tree/e2e-tree/search/beta/gamma");

  await row(page, "/e2e-tree/search").click();
  await page.getByTestId("find-toggle").click();
  await page.getByTestId("find-contains").fill("needle");
  await page.getByTestId("find-run").click();
  const results = page.getByTestId("find-result");
  await expect(results).toHaveCount(2);
  await page.locator('[data-testid="find-result"][data-path="/e2e-tree/search/alpha"]').click();
  await expect(page.getByTestId("node-path")).toHaveText("/e2e-tree/search/alpha");
  await expect(page.getByTestId("node-data")).toHaveText("a needle in a haystack");
});

test("a subtree exported as JSON imports under another parent, skipping what exists", async ({ page }) => {
  await createNode("/e2e-tree/source");
  await createNode("/e2e-tree/source/one", "1");
  await createNode("/e2e-tree/source/one/deep", '{"deep":true}');
  await createNode("/e2e-tree/restore");
  await openTree(page, "/e2e-tree/source");

  await page.getByTestId("export-button").click();
  await page.getByTestId("export-run").click();
  await expect(page.getByTestId("export-done")).toHaveText("Exported 3 nodes.");
  const exported = await page.getByTestId("export-json").inputValue();
  expect(JSON.parse(exported)).toMatchObject({
    path: "/e2e-tree/source",
    children: [{ path: "/e2e-tree/source/one", data: "1", children: [{ data: '{"deep":true}' }] }],
  });

  await page.getByRole("tab", { name: "Import" }).click();
  await page.getByTestId("import-parent").fill("/e2e-tree/restore");
  await page.getByTestId("import-json").fill(exported);
  await page.getByTestId("import-run").click();
  await expect(page.getByTestId("import-report")).toContainText("3 created, 0 skipped", { timeout: 30_000 });
  const deep = await rpc<{ data: string }>("node.get", { path: "/e2e-tree/restore/source/one/deep" }, "query");
  expect(deep.data).toBe('{"deep":true}');

  await page.getByTestId("import-run").click();
  await expect(page.getByTestId("import-report")).toContainText("0 created, 3 skipped", { timeout: 30_000 });
});

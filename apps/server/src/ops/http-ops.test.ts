// Checks handleOpsRequest on a real http.Server bound to 127.0.0.1 port 0: each ops path's status
// code, content type and body, 405 for other methods, and that other paths are left to the caller.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import type { ServerStatus } from "./health.js";
import { handleOpsRequest } from "./http-ops.js";
import { createServerMetrics } from "./metrics.js";
import { followerStatus } from "./test-status.js";

let server: Server | undefined;

afterEach(async () => {
  const open = server;
  server = undefined;
  if (open !== undefined) await new Promise<void>((resolve) => open.close(() => resolve()));
});

async function serve(status: () => ServerStatus): Promise<string> {
  const metrics = createServerMetrics({ version: "0.1.0", collectDefaults: false });
  const logger = pino({ level: "silent" });
  server = createServer((req, res) => {
    if (!handleOpsRequest(req, res, { status: { status }, registry: metrics.registry, logger })) {
      res.writeHead(404).end("not ops");
    }
  });
  server.keepAliveTimeout = 1; // let close() finish promptly
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("handleOpsRequest", () => {
  it("serves health, ready, status, ruok, mntr and metrics", async () => {
    const base = await serve(() => followerStatus);
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get("content-type")).toContain("application/json");
    expect(await health.json()).toMatchObject({ status: "ok", serverId: 2 });
    expect((await fetch(`${base}/ready?verbose=1`)).status).toBe(200);
    expect(await (await fetch(`${base}/ruok`)).text()).toBe("imok\n");
    expect(await (await fetch(`${base}/status`)).text()).toContain("Mode: follower");
    expect(await (await fetch(`${base}/mntr`)).text()).toContain("zk_znode_count\t42");
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    expect(await metrics.text()).toContain("keel_role");
  });

  it("answers 503 with the reason when not ready", async () => {
    const base = await serve(() => ({ ...followerStatus, role: "looking", synced: false, leaderId: null }));
    const ready = await fetch(`${base}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ ready: false, reason: "electing a leader" });
  });

  it("leaves other paths to the caller and refuses other methods", async () => {
    const base = await serve(() => followerStatus);
    expect(await (await fetch(`${base}/trpc/tree.get`)).text()).toBe("not ops");
    const post = await fetch(`${base}/health`, { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("answers 500 when the status source throws", async () => {
    const base = await serve(() => {
      throw new Error("replica host gone");
    });
    expect((await fetch(`${base}/status`)).status).toBe(500);
  });
});

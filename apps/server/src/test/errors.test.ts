/**
 * The error contract end to end, on real processes (docs/errors.md): bad input is BADARGUMENTS
 * with a message naming the field and value; a watch resumed from a zxid ahead of the server is
 * NOTREADY (503), a malformed one BADARGUMENTS; /zookeeper is read-only; watchesPerSessionMax is
 * enforced per connection; /mntr reports packets, connections, data size and leader fields; and a
 * write to a server without a quorum is refused as NOTREADY (503, Retry-After, not applied).
 */
import { Ensemble, httpClient, wsClient } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOnce, eventually, expectKeelError } from "./helpers.js";

let ensemble: Ensemble;
let leaderUrl = "";
beforeAll(async () => {
  ensemble = await Ensemble.start({ voters: 3, serverArgs: ["--watches-per-session-max", "2"] });
  const leader = await ensemble.waitForLeader();
  leaderUrl = ensemble.member(leader).clientUrl;
});
afterAll(async () => {
  await ensemble?.close();
});

interface ErrorBody {
  error: { message: string; data: { keelCode: string | null; httpStatus: number; retry: string | null } };
}

async function post(url: string, procedure: string, input: unknown) {
  const response = await fetch(`${url}/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    body: (await response.json()) as ErrorBody,
  };
}

/** A subscription over HTTP is a server-sent-event stream; an error arrives as its last event. */
async function subscribeOverHttp(url: string, input: unknown): Promise<string> {
  const response = await fetch(`${url}/watch.events?input=${encodeURIComponent(JSON.stringify(input))}`, {
    signal: AbortSignal.timeout(10_000),
  });
  return response.text();
}

describe("input errors on a real server", () => {
  it("names the field and the value, with keelCode BADARGUMENTS and HTTP 400", async () => {
    const cases: [string, unknown, string][] = [
      [
        "node.set",
        { path: "/a", data: "x", version: 1.5 },
        "version must be an integer from -1 to 2147483647, got 1.5",
      ],
      ["node.create", { path: "" }, "path must be a path such as /app/config (not empty)"],
      ["node.create", { path: "/t", kind: "ttl", ttlMs: 0 }, "ttlMs must be an integer from 1 to 31536000000, got 0"],
      ["session.open", { timeoutMs: -1 }, "timeoutMs must be an integer from 1 to"],
      ["session.keepAlive", { sessionId: "x1", secret: "s" }, "sessionId must be a decimal integer string"],
    ];
    for (const [procedure, input, message] of cases) {
      const { status, body } = await post(leaderUrl, procedure, input);
      expect(status, procedure).toBe(400);
      expect(body.error.data.keelCode, procedure).toBe("BADARGUMENTS");
      expect(body.error.message, procedure).toContain(message);
    }
  });

  it("a watch resumed from a zxid ahead of the server is NOTREADY (503); a malformed one is BADARGUMENTS", async () => {
    const ahead = await subscribeOverHttp(leaderUrl, { path: "/", mode: "persistent", afterZxid: String(2n ** 62n) });
    expect(ahead).toContain('"keelCode":"NOTREADY"');
    expect(ahead).toContain('"httpStatus":503');
    const malformed = await subscribeOverHttp(leaderUrl, { path: "/", mode: "persistent", lastEventId: "zxid-1" });
    expect(malformed).toContain('"keelCode":"BADARGUMENTS"');
  });
});

describe("/zookeeper", () => {
  it("can be read but not created under, set, re-ACLed or deleted", async () => {
    const client = httpClient(leaderUrl);
    // ZooKeeper's own nodes are there, as in ZooKeeper.
    expect((await client.node.children.query({ path: "/zookeeper" })).children).toEqual([
      { name: "config" },
      { name: "quota" },
    ]);
    expect((await client.node.exists.query({ path: "/zookeeper" })).stat).not.toBeNull();
    await expectKeelError(client.node.create.mutate({ path: "/zookeeper/config" }), "BADARGUMENTS");
    await expectKeelError(client.node.set.mutate({ path: "/zookeeper", data: "x" }), "BADARGUMENTS");
    await expectKeelError(
      client.node.setAcl.mutate({ path: "/zookeeper", acl: [{ perms: 31, scheme: "world", id: "anyone" }] }),
      "BADARGUMENTS",
    );
    await expectKeelError(client.node.delete.mutate({ path: "/zookeeper" }), "BADARGUMENTS");
  });
});

describe("watchesPerSessionMax", () => {
  it("refuses a connection's third watch stream with QUOTAEXCEEDED, and accepts one again after a close", async () => {
    const ws = wsClient(leaderUrl);
    const errors: unknown[] = [];
    const open = () =>
      ws.client.watch.events.subscribe({ path: "/", mode: "persistent" }, { onError: (error) => errors.push(error) });
    try {
      const first = open();
      open();
      open();
      await eventually(async () => errors.length === 1, 10_000, "the third stream to be refused");
      expect(String(errors[0])).toMatch(/QUOTAEXCEEDED|watchesPerSessionMax is 2/);
      expect((errors[0] as { data?: { keelCode?: string } }).data?.keelCode).toBe("QUOTAEXCEEDED");
      first.unsubscribe();
      await new Promise((resolve) => setTimeout(resolve, 200));
      open();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(errors).toHaveLength(1);
    } finally {
      await ws.close();
    }
  });
});

describe("/mntr and /metrics", () => {
  it("report packets, client connections, data size and, on the leader, its followers", async () => {
    const client = httpClient(leaderUrl);
    await createOnce(client, { path: "/sized", data: "x".repeat(1000) });
    const mntr = await (await fetch(`${leaderUrl}/mntr`)).text();
    const value = (key: string) => Number(new RegExp(`^${key}\\t(\\S+)$`, "m").exec(mntr)?.[1]);
    expect(value("zk_packets_received")).toBeGreaterThan(0);
    expect(value("zk_packets_sent")).toBeGreaterThan(0);
    expect(value("zk_num_alive_connections")).toBeGreaterThan(0);
    expect(value("zk_approximate_data_size")).toBeGreaterThanOrEqual(1000 + "/sized".length);
    expect(value("zk_followers")).toBe(2);
    expect(value("zk_synced_followers")).toBe(2);
    await eventually(
      async () => {
        const metrics = await (await fetch(`${leaderUrl}/metrics`)).text();
        return /^keel_client_connections [1-9]/m.test(metrics);
      },
      10_000,
      "keel_client_connections to count this client",
    );
  });
});

describe("a server without a quorum", () => {
  it("refuses writes as NOTREADY: HTTP 503, Retry-After, retry rule safe, and nothing applied", async () => {
    const leader = ensemble.members.find((member) => member.clientUrl === leaderUrl);
    if (leader === undefined) throw new Error("no leader");
    for (const member of ensemble.members) if (member.id !== leader.id) await ensemble.kill(member.id);
    await eventually(
      async () => (await ensemble.status(leader.id))?.ready === false,
      30_000,
      "the lone server to stop serving",
    );
    const { status, retryAfter, body } = await post(leaderUrl, "node.create", { path: "/refused" });
    expect(status).toBe(503);
    expect(retryAfter).toBe("1");
    expect(body.error.data.keelCode).toBe("NOTREADY");
    expect(body.error.data.retry).toBe("safe");
    // Not applied: once a quorum is back, the node is absent.
    for (const member of ensemble.members) if (member.id !== leader.id) ensemble.startMember(member.id);
    await ensemble.waitForLeader();
    await expectKeelError(httpClient(leaderUrl).node.get.query({ path: "/refused", linearizable: true }), "NONODE");
  });
});

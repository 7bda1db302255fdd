/**
 * `--auth-required` on a real server (docs/security.md, "Client authentication"): an anonymous
 * caller may only log in and ask who it is; every other procedure answers NOAUTH (HTTP 403), over
 * HTTP and over a WebSocket opened without credentials. A WebSocket whose upgrade carries a Basic
 * header acts as that user for its whole life. A wrong password is AUTHFAILED (HTTP 401) with the
 * same message whether the user exists or not.
 */
import type { WatchEventView } from "@keel/api";
import { basicAuth, type Ensemble, keelCodeOf } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { passwordOf, rawCall, socketClientWith, startWithUsers, userClient } from "./auth-clients.js";
import { eventually, expectKeelError } from "./helpers.js";

let ensemble: Ensemble;
let url: string;

beforeAll(async () => {
  ({ ensemble, url } = await startWithUsers({ authRequired: true }, { alice: "operator" }));
});
afterAll(async () => {
  await ensemble?.close();
});

/** Procedures other than auth.login and auth.whoami, with valid inputs. */
const DATA_CALLS = [
  { procedure: "node.get", type: "query", input: { path: "/" } },
  { procedure: "node.exists", type: "query", input: { path: "/" } },
  { procedure: "node.children", type: "query", input: { path: "/" } },
  { procedure: "node.find", type: "query", input: { path: "/" } },
  { procedure: "node.create", type: "mutation", input: { path: "/anonymous" } },
  { procedure: "node.set", type: "mutation", input: { path: "/", data: "x" } },
  { procedure: "node.multi", type: "mutation", input: { ops: [{ type: "create", path: "/anonymous" }] } },
  { procedure: "session.open", type: "mutation", input: {} },
  { procedure: "session.list", type: "query", input: undefined },
  { procedure: "cluster.status", type: "query", input: undefined },
  { procedure: "auth.tokens.create", type: "mutation", input: { ttlMs: 3_600_000 } },
  { procedure: "auth.users.list", type: "query", input: undefined },
] as const;

describe("--auth-required", () => {
  it.each(DATA_CALLS)("refuses an anonymous $procedure with NOAUTH (HTTP 403)", async ({ procedure, type, input }) => {
    const answer = await rawCall(url, procedure, { type, input });
    expect({ status: answer.status, keelCode: answer.keelCode }).toEqual({ status: 403, keelCode: "NOAUTH" });
    expect(answer.message).toMatch(/authentication required/);
  });

  it("answers an anonymous auth.whoami with no user and authRequired true", async () => {
    const answer = await rawCall(url, "auth.whoami", { type: "query" });
    expect(answer.status).toBe(200);
    expect((answer.body as { result: { data: unknown } }).result.data).toMatchObject({
      user: null,
      role: "anonymous",
      via: "anonymous",
      authRequired: true,
    });
  });

  it("lets an anonymous caller log in with auth.login", async () => {
    const answer = await rawCall(url, "auth.login", {
      type: "mutation",
      input: { user: "alice", password: passwordOf("alice") },
    });
    expect(answer.status).toBe(200);
    expect((answer.body as { result: { data: unknown } }).result.data).toMatchObject({
      user: "alice",
      role: "operator",
    });
  });

  it("serves the same calls with a Basic header", async () => {
    const alice = userClient(url, "alice");
    await alice.node.create.mutate({ path: "/by-alice", data: "a" });
    expect((await alice.node.get.query({ path: "/by-alice" })).data).toBe("a");
    expect(await alice.auth.whoami.query()).toMatchObject({ user: "alice", role: "operator", authRequired: true });
  });

  it("refuses calls and subscriptions on a WebSocket opened without credentials with NOAUTH", async () => {
    const socket = socketClientWith(url);
    try {
      await expectKeelError(socket.client.node.get.query({ path: "/" }), "NOAUTH");
      await expectKeelError(socket.client.node.create.mutate({ path: "/anonymous-ws" }), "NOAUTH");
      const refused = await new Promise<unknown>((resolve) => {
        const subscription = socket.client.watch.events.subscribe(
          { path: "/", mode: "persistent_recursive" },
          {
            onData: () => resolve(new Error("a watch event reached an anonymous socket")),
            onError: (error) => {
              subscription.unsubscribe();
              resolve(error);
            },
          },
        );
      });
      expect(keelCodeOf(refused)).toBe("NOAUTH");
      // whoami is still answered, and says why.
      expect(await socket.client.auth.whoami.query()).toMatchObject({ user: null, authRequired: true });
    } finally {
      await socket.close();
    }
  });

  it("serves a WebSocket whose upgrade carries a Basic header as that user, subscriptions included", async () => {
    const socket = socketClientWith(url, basicAuth("alice", passwordOf("alice")));
    const events: WatchEventView[] = [];
    let subscription: { unsubscribe(): void } | undefined;
    try {
      expect(await socket.client.auth.whoami.query()).toMatchObject({ user: "alice", via: "password" });
      await socket.client.node.create.mutate({ path: "/ws-alice" });
      subscription = socket.client.watch.events.subscribe(
        { path: "/ws-alice", mode: "persistent" },
        { onData: (tracked) => events.push(tracked.data) },
      );
      // Writes until the stream (live once it delivers) shows one.
      await eventually(
        async () => {
          await socket.client.node.set.mutate({ path: "/ws-alice", data: String(Date.now()) });
          return events.some((event) => event.type === "NodeDataChanged");
        },
        15_000,
        "a data-changed event on alice's socket",
      );
    } finally {
      subscription?.unsubscribe();
      await socket.close();
    }
  });

  it("refuses a wrong password with AUTHFAILED (HTTP 401), saying the same whether the user exists or not", async () => {
    const existing = await rawCall(url, "node.get", {
      type: "query",
      input: { path: "/" },
      headers: basicAuth("alice", "wrong-password"),
    });
    const missing = await rawCall(url, "node.get", {
      type: "query",
      input: { path: "/" },
      headers: basicAuth("nosuchuser", "wrong-password"),
    });
    for (const answer of [existing, missing]) {
      expect({ status: answer.status, keelCode: answer.keelCode }).toEqual({ status: 401, keelCode: "AUTHFAILED" });
    }
    expect(existing.message).toBe(missing.message);
    expect(existing.body).toEqual(missing.body);
    // auth.login says the same.
    const loginExisting = await rawCall(url, "auth.login", {
      type: "mutation",
      input: { user: "alice", password: "wrong-password" },
    });
    const loginMissing = await rawCall(url, "auth.login", {
      type: "mutation",
      input: { user: "nosuchuser", password: "wrong-password" },
    });
    expect([loginExisting.status, loginMissing.status]).toEqual([401, 401]);
    expect([loginExisting.keelCode, loginMissing.keelCode]).toEqual(["AUTHFAILED", "AUTHFAILED"]);
    expect(loginExisting.message).toBe(loginMissing.message);
    // Over a WebSocket too.
    const socket = socketClientWith(url, basicAuth("alice", "wrong-password"));
    try {
      await expectKeelError(socket.client.node.get.query({ path: "/" }), "AUTHFAILED");
    } finally {
      await socket.close();
    }
  });
});

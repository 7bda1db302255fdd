/**
 * Authentication against a real 3-member ensemble started with a super password (testkit's
 * `superPassword`): connecting with a good password, a bad one (fails at once with AUTHFAILED, not
 * at the connect timeout), a scoped token and a revoked one; the `auth.users` and `auth.tokens`
 * wrappers; and `children()` paging. A second, 1-member ensemble with --auth-required refuses an
 * anonymous client with NOAUTH.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthFailedError, type KeelClient, NoAuthError, NodeExistsError } from "./index.js";
import { Harness } from "./test/harness.js";

// Far longer than any test: a client that retried refused credentials until the connect timeout
// would fail these tests by their own timeout instead.
const LONG_CONNECT_TIMEOUT_MS = 3_600_000;
const PROMPT = { timeout: 120_000 };

let harness: Harness;
let superPassword: string;
let admin: KeelClient;

beforeAll(async () => {
  harness = await Harness.start({ superPassword: true });
  superPassword = harness.ensemble.superPassword as string;
  admin = await harness.client({ auth: { user: "super", password: superPassword } });
});
afterAll(async () => {
  await harness?.close();
});

describe("passwords", () => {
  it("connects as super, manages a user, and connects as that user", async () => {
    expect(await admin.whoami()).toMatchObject({ user: "super", role: "admin", via: "password" });
    expect(await admin.auth.users.add("alice", "alice-password-1", "viewer")).toMatchObject({
      name: "alice",
      role: "viewer",
    });
    await expect(admin.auth.users.add("alice", "another-password", "viewer")).rejects.toBeInstanceOf(NodeExistsError);
    const { users } = await admin.auth.users.list();
    expect(users.map((user) => user.name)).toContain("alice");

    const alice = await harness.client({ auth: { user: "alice", password: "alice-password-1" } });
    expect(await alice.whoami()).toMatchObject({ user: "alice", role: "viewer", via: "password" });
    // a viewer reads but does not write; users are an admin's
    expect(await alice.exists("/")).not.toBeNull();
    await expect(alice.create("/by-alice")).rejects.toBeInstanceOf(NoAuthError);
    await expect(alice.auth.users.list()).rejects.toBeInstanceOf(NoAuthError);

    expect(await admin.auth.users.setRole("alice", "operator")).toMatchObject({ name: "alice", role: "operator" });
    await admin.auth.users.setPassword("alice", "alice-password-2");
    const again = await harness.client({ auth: { user: "alice", password: "alice-password-2" } });
    expect(await again.whoami()).toMatchObject({ role: "operator" });
    expect((await again.create("/by-alice")).path).toBe("/by-alice");
  });

  it("fails connect at once with AuthFailedError for a wrong password or an unknown user", PROMPT, async () => {
    for (const auth of [
      { user: "super", password: "not-the-password" },
      { user: "nobody", password: "whatever-password" },
    ]) {
      const failure = await harness
        .client({ auth, connectTimeoutMs: LONG_CONNECT_TIMEOUT_MS })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AuthFailedError);
    }
  });
});

describe("tokens", () => {
  it("connects with a scoped token, and no longer once it is revoked", PROMPT, async () => {
    await admin.auth.users.add("bob", "bob-password-1", "operator");
    await admin.create("/bob");
    const issued = await admin.auth.tokens.create({
      user: "bob",
      ttlMs: 3_600_000,
      scope: { paths: ["/bob"], perms: 31 },
      description: "ci",
    });
    expect(issued.token).toMatch(/^keel_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(issued.token).toContain(issued.tokenId);

    const bob = await harness.client({ auth: { token: issued.token } });
    expect(await bob.whoami()).toMatchObject({
      user: "bob",
      role: "operator",
      via: "token",
      scope: { paths: ["/bob"], perms: 31 },
    });
    expect((await bob.create("/bob/job")).path).toBe("/bob/job");
    await expect(bob.create("/elsewhere")).rejects.toBeInstanceOf(NoAuthError);

    const { tokens } = await admin.auth.tokens.list({ user: "bob" });
    expect(tokens).toContainEqual(expect.objectContaining({ tokenId: issued.tokenId, user: "bob", description: "ci" }));
    await admin.auth.tokens.revoke(issued.tokenId);
    expect((await admin.auth.tokens.list({ user: "bob" })).tokens.map((token) => token.tokenId)).not.toContain(
      issued.tokenId,
    );
    const failure = await harness
      .client({ auth: { token: issued.token }, connectTimeoutMs: LONG_CONNECT_TIMEOUT_MS })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AuthFailedError);
  });
});

describe("children paging", () => {
  it("children() returns every child across pages; childrenPage returns one", async () => {
    await admin.create("/paged");
    const names = ["a", "b", "c", "d", "e"];
    for (const name of names) await admin.create(`/paged/${name}`);
    const first = await admin.childrenPage("/paged", { limit: 2 });
    expect(first.children.map((child) => child.name)).toEqual(["a", "b"]);
    expect(first.nextAfter).toBe("b");
    const rest = await admin.childrenPage("/paged", { after: "b", limit: 10 });
    expect(rest.children.map((child) => child.name)).toEqual(["c", "d", "e"]);
    expect(rest.nextAfter).toBeNull();
    expect(await admin.children("/paged")).toEqual(names);
  });
});

describe("an ensemble that requires authentication", () => {
  let strict: Harness;
  beforeAll(async () => {
    strict = await Harness.start({ voters: 1, authRequired: true });
  });
  afterAll(async () => {
    await strict?.close();
  });

  it("refuses an anonymous client at once with NoAuthError and takes super", PROMPT, async () => {
    const failure = await strict.client({ connectTimeoutMs: LONG_CONNECT_TIMEOUT_MS }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NoAuthError);
    expect((failure as Error).message).toMatch(/authentication required/);
    const root = await strict.client({
      auth: { user: "super", password: strict.ensemble.superPassword as string },
    });
    expect(await root.whoami()).toMatchObject({ user: "super", authRequired: true });
  });
});

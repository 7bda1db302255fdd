/**
 * Authenticator: a table of credentials against a fake record store and a fake clock (a number),
 * each row on a fresh Authenticator; then the failure limiter (a blocked address costs no lookup),
 * the verified-password cache (bound to the record version), and store errors. Users are hashed
 * with N=2^14 to keep the suite quick; unknown users still verify against a production-cost decoy.
 */
import { PERMS } from "@keel/core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ANONYMOUS_CALLER,
  Authenticator,
  type AuthFailure,
  type AuthRecords,
  type Caller,
  isAuthFailure,
} from "./authenticator.js";
import { FailureLimiter } from "./failure-limiter.js";
import type { Credentials } from "./http-credentials.js";
import { hashPassword, type PasswordHash } from "./password-hash.js";
import type { Role, TokenRecord, UserRecord } from "./records.js";
import { newToken, secretDigest } from "./tokens.js";

const CHEAP = { N: 2 ** 14, r: 8, p: 1 };
const NOW = 50_000;
const CONTEXT = { clientIp: "192.0.2.7", nowMs: NOW };
const SCOPE = { paths: ["/app"], perms: PERMS.READ | PERMS.WRITE };

let aliceHash: PasswordHash;
let superHash: PasswordHash;
beforeAll(async () => {
  [aliceHash, superHash] = await Promise.all([hashPassword("alice-pw", CHEAP), hashPassword("super-pw", CHEAP)]);
});

const aliceToken = newToken();
const bobToken = newToken(); // bob is no longer a user
const superToken = newToken();
const strangerToken = newToken(); // no record

class FakeRecords implements AuthRecords {
  readonly users = new Map<string, { record: UserRecord; version: string; createdZxid: string }>();
  readonly tokens = new Map<string, TokenRecord>();
  lookups = 0;
  failure: Error | undefined;

  constructor() {
    this.setUser("alice", "operator", aliceHash, "5");
    this.setToken(aliceToken, "alice");
    this.setToken(bobToken, "bob");
    this.setToken(superToken, "super");
  }

  /** `createdZxid`: the record's czxid; tokens are issued under "7" (setToken). */
  setUser(name: string, role: Role, password: PasswordHash, version: string, createdZxid = "7"): void {
    this.users.set(name, { record: { v: 1, role, password, createdAtMs: 1 }, version, createdZxid });
  }

  setToken(made: { tokenId: string; secret: string }, user: string): void {
    const secretSha256 = secretDigest(made.secret);
    const record = {
      v: 1,
      kind: "api",
      user,
      userZxid: "7",
      scope: SCOPE,
      secretSha256,
      createdAtMs: 1,
      expiresAtMs: 100_000,
    } as const;
    this.tokens.set(made.tokenId, { ...record, description: "" });
  }

  async user(name: string): Promise<{ record: UserRecord; version: string; createdZxid: string } | undefined> {
    this.lookups++;
    if (this.failure !== undefined) throw this.failure;
    return this.users.get(name);
  }

  async token(tokenId: string): Promise<TokenRecord | undefined> {
    this.lookups++;
    if (this.failure !== undefined) throw this.failure;
    return this.tokens.get(tokenId);
  }
}

const password = (user: string, pw: string): Credentials => ({ kind: "password", user, password: pw });
const bearer = (token: string): Credentials => ({ kind: "token", token });
const caller = (fields: Partial<Caller>): Caller => ({ ...ANONYMOUS_CALLER, ...fields });
const failed = (reason: RegExp): AuthFailure => ({ error: "AUTHFAILED", reason: expect.stringMatching(reason) });
const tokenCaller = (user: string, role: Role, via: "token" | "cookie", tokenId: string): Caller =>
  caller({ user, role, via, scope: SCOPE, tokenId, expiresAtMs: 100_000 });

interface Case {
  case: string;
  credentials: Credentials;
  expected: Caller | AuthFailure;
  superConfigured?: boolean;
  nowMs?: number;
  setup?: (records: FakeRecords) => void;
}

describe("Authenticator.resolve", () => {
  it.each<Case>([
    { case: "anonymous", credentials: { kind: "anonymous" }, expected: ANONYMOUS_CALLER },
    {
      case: "user, right password",
      credentials: password("alice", "alice-pw"),
      expected: caller({ user: "alice", role: "operator", via: "password" }),
    },
    {
      case: "user, wrong password",
      credentials: password("alice", "alice-PW"),
      expected: failed(/wrong password for alice/),
    },
    { case: "unknown user", credentials: password("carol", "alice-pw"), expected: failed(/no such user carol/) },
    { case: "invalid user name", credentials: password("../alice", "x"), expected: failed(/invalid user name/) },
    {
      case: "super, right password",
      credentials: password("super", "super-pw"),
      expected: caller({ user: "super", role: "admin", via: "password" }),
    },
    {
      case: "super, wrong password",
      credentials: password("super", "alice-pw"),
      expected: failed(/wrong password for super/),
    },
    {
      case: "super when none is configured",
      credentials: password("super", "super-pw"),
      superConfigured: false,
      expected: failed(/no super password configured/),
    },
    {
      case: "a user record named super is never consulted",
      credentials: password("super", "alice-pw"),
      setup: (records) => records.setUser("super", "admin", aliceHash, "9"),
      expected: failed(/wrong password for super/),
    },
    { case: "malformed", credentials: { kind: "malformed", reason: "bad base64" }, expected: failed(/bad base64/) },
    {
      case: "bearer token",
      credentials: bearer(aliceToken.token),
      expected: tokenCaller("alice", "operator", "token", aliceToken.tokenId),
    },
    {
      case: "cookie token",
      credentials: { kind: "cookie", token: aliceToken.token },
      expected: tokenCaller("alice", "operator", "cookie", aliceToken.tokenId),
    },
    {
      case: "token of a demoted user acts with the user's role now",
      credentials: bearer(aliceToken.token),
      setup: (records) => records.setUser("alice", "viewer", aliceHash, "6"),
      expected: tokenCaller("alice", "viewer", "token", aliceToken.tokenId),
    },
    {
      case: "token one ms before expiry",
      credentials: bearer(aliceToken.token),
      nowMs: 99_999,
      expected: tokenCaller("alice", "operator", "token", aliceToken.tokenId),
    },
    { case: "token at expiry", credentials: bearer(aliceToken.token), nowMs: 100_000, expected: failed(/expired/) },
    {
      case: "token with a wrong secret",
      credentials: bearer(`keel_${aliceToken.tokenId}_${strangerToken.secret}`),
      expected: failed(/wrong secret/),
    },
    { case: "revoked or unknown token", credentials: bearer(strangerToken.token), expected: failed(/no such token/) },
    { case: "malformed token", credentials: bearer("keel_1234_abc"), expected: failed(/malformed token/) },
    { case: "token of a removed user", credentials: bearer(bobToken.token), expected: failed(/bob, who is no longer/) },
    {
      case: "token of a user removed and added again under the same name",
      credentials: bearer(aliceToken.token),
      expected: failed(/alice, who is no longer/),
      setup: (records) => records.setUser("alice", "operator", aliceHash, "9", "8"),
    },
    {
      case: "super's console token",
      credentials: { kind: "cookie", token: superToken.token },
      expected: tokenCaller("super", "admin", "cookie", superToken.tokenId),
    },
    {
      case: "super's token once super is not configured",
      credentials: bearer(superToken.token),
      superConfigured: false,
      expected: failed(/super, who is no longer/),
    },
  ])("$case", async ({ credentials, expected, superConfigured = true, nowMs = NOW, setup }) => {
    const records = new FakeRecords();
    setup?.(records);
    const authenticator = new Authenticator({ records, superPasswordHash: superConfigured ? superHash : null });
    expect(await authenticator.resolve(credentials, { ...CONTEXT, nowMs })).toEqual(expected);
  });

  it("looks nothing up for a name that cannot be a user", async () => {
    const records = new FakeRecords();
    const authenticator = new Authenticator({ records, superPasswordHash: superHash });
    await authenticator.resolve(password("a/b", "x"), CONTEXT);
    await authenticator.resolve(password("super", "x"), CONTEXT);
    expect(records.lookups).toBe(0);
  });
});

describe("Authenticator with the failure limiter", () => {
  it("refuses a blocked address before any lookup or scrypt, until the window passes", async () => {
    const records = new FakeRecords();
    const authenticator = new Authenticator({ records, superPasswordHash: superHash });
    for (let i = 0; i < 20; i++) await authenticator.resolve({ kind: "malformed", reason: "x" }, CONTEXT);
    const throttled = await authenticator.resolve(password("alice", "alice-pw"), CONTEXT);
    expect(throttled).toEqual({ error: "THROTTLED", reason: expect.stringContaining("192.0.2.7") });
    expect(await authenticator.resolve(bearer(aliceToken.token), { ...CONTEXT, nowMs: NOW + 9_999 })).toMatchObject({
      error: "THROTTLED",
    });
    expect(records.lookups).toBe(0);
    const elsewhere = await authenticator.resolve(password("alice", "alice-pw"), { ...CONTEXT, clientIp: "192.0.2.8" });
    expect(isAuthFailure(elsewhere)).toBe(false);
    expect(await authenticator.resolve({ kind: "anonymous" }, CONTEXT)).toBe(ANONYMOUS_CALLER);
    const later = await authenticator.resolve(password("alice", "alice-pw"), { ...CONTEXT, nowMs: NOW + 10_000 });
    expect(later).toMatchObject({ user: "alice", role: "operator" });
  });

  it("counts wrong passwords and bad tokens, not successes", async () => {
    const limiter = new FailureLimiter({ failuresMax: 2, windowMs: 10_000, addressesMax: 10 });
    const authenticator = new Authenticator({ records: new FakeRecords(), superPasswordHash: superHash, limiter });
    await authenticator.resolve(password("alice", "alice-pw"), CONTEXT);
    await authenticator.resolve(bearer(aliceToken.token), CONTEXT);
    await authenticator.resolve(password("alice", "nope"), CONTEXT);
    expect(limiter.blocked(CONTEXT.clientIp, NOW)).toBe(false);
    await authenticator.resolve(bearer(strangerToken.token), CONTEXT);
    expect(limiter.blocked(CONTEXT.clientIp, NOW)).toBe(true);
  });

  it("lets a store error through without counting it as a failure", async () => {
    const records = new FakeRecords();
    const limiter = new FailureLimiter({ failuresMax: 1, windowMs: 10_000, addressesMax: 10 });
    const authenticator = new Authenticator({ records, superPasswordHash: superHash, limiter });
    records.failure = new Error("sync timed out");
    await expect(authenticator.resolve(password("alice", "alice-pw"), CONTEXT)).rejects.toThrow("sync timed out");
    await expect(authenticator.resolve(bearer(aliceToken.token), CONTEXT)).rejects.toThrow("sync timed out");
    records.failure = undefined;
    expect(await authenticator.resolve(password("alice", "alice-pw"), CONTEXT)).toMatchObject({ user: "alice" });
  });
});

describe("Authenticator under a burst from one address", () => {
  it("checks at most failuresMax concurrent guesses and throttles the rest, then stays blocked", async () => {
    const limiter = new FailureLimiter({ failuresMax: 4, windowMs: 10_000, addressesMax: 10 });
    const authenticator = new Authenticator({ records: new FakeRecords(), superPasswordHash: superHash, limiter });
    const attempts = Array.from({ length: 7 }, (_, i) =>
      authenticator.resolve(password("alice", `guess-${i}`), CONTEXT),
    );
    const errors = (await Promise.all(attempts)).map((outcome) => (isAuthFailure(outcome) ? outcome.error : "ok"));
    expect(errors).toEqual([...Array(4).fill("AUTHFAILED"), ...Array(3).fill("THROTTLED")]);
    expect(await authenticator.resolve(password("alice", "alice-pw"), CONTEXT)).toMatchObject({ error: "THROTTLED" });
  });

  it("lets many concurrent requests with the same good password through", async () => {
    const authenticator = new Authenticator({ records: new FakeRecords(), superPasswordHash: superHash });
    const attempts = Array.from({ length: 30 }, () => authenticator.resolve(password("alice", "alice-pw"), CONTEXT));
    for (const outcome of await Promise.all(attempts))
      expect(outcome).toMatchObject({ user: "alice", role: "operator" });
  });
});

describe("Authenticator with the verified-password cache", () => {
  it("skips scrypt for a password verified against the same record version within 60 s", async () => {
    const records = new FakeRecords();
    const authenticator = new Authenticator({ records, superPasswordHash: superHash });
    expect(await authenticator.resolve(password("alice", "alice-pw"), CONTEXT)).toMatchObject({ user: "alice" });
    // Swap the stored hash behind the cache's back, keeping the version: only a cache hit can
    // still accept the old password.
    records.setUser("alice", "operator", superHash, "5");
    expect(
      await authenticator.resolve(password("alice", "alice-pw"), { ...CONTEXT, nowMs: NOW + 59_999 }),
    ).toMatchObject({
      user: "alice",
    });
    expect(
      await authenticator.resolve(password("alice", "alice-pw"), { ...CONTEXT, nowMs: NOW + 60_000 }),
    ).toMatchObject({
      error: "AUTHFAILED",
    });
  });

  it("misses once the user record's version changes", async () => {
    const records = new FakeRecords();
    const authenticator = new Authenticator({ records, superPasswordHash: superHash });
    await authenticator.resolve(password("alice", "alice-pw"), CONTEXT);
    records.setUser("alice", "operator", superHash, "6"); // password changed
    expect(await authenticator.resolve(password("alice", "alice-pw"), CONTEXT)).toMatchObject({ error: "AUTHFAILED" });
    expect(await authenticator.resolve(password("alice", "super-pw"), CONTEXT)).toMatchObject({ user: "alice" });
  });

  it("reads the role from the record, not the cache", async () => {
    const records = new FakeRecords();
    const authenticator = new Authenticator({ records, superPasswordHash: superHash });
    await authenticator.resolve(password("alice", "alice-pw"), CONTEXT);
    records.setUser("alice", "admin", aliceHash, "5");
    expect(await authenticator.resolve(password("alice", "alice-pw"), CONTEXT)).toMatchObject({ role: "admin" });
  });
});

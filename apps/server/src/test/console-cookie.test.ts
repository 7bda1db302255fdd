/**
 * The console's session cookie on a real server (docs/security.md, "Client authentication";
 * auth-design "Credentials on the wire"): auth.login from a console origin sets an HttpOnly,
 * SameSite=Strict cookie and answers the CSRF token; the cookie authenticates queries from that
 * origin (or from no origin: not a browser), a cookie mutation also needs `x-keel-csrf`, the cookie
 * from any other origin is refused, and auth.logout revokes the token behind the cookie.
 */
import { createHash } from "node:crypto";
import type { Ensemble } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Headers,
  passwordOf,
  type RawAnswer,
  rawCall,
  resultOf,
  socketClientWith,
  startWithUsers,
  superClient,
} from "./auth-clients.js";
import { expectKeelError } from "./helpers.js";

const CONSOLE = "http://console.keel.test:3000";
const ELSEWHERE = "http://evil.example";

let ensemble: Ensemble;
let url: string;

beforeAll(async () => {
  ({ ensemble, url } = await startWithUsers({ consoleOrigins: [CONSOLE] }, { alice: "operator" }));
});
afterAll(async () => {
  await ensemble?.close();
});

interface ConsoleLogin {
  answer: RawAnswer;
  cookie: string;
  token: string;
  csrfToken: string;
}

function setCookiesOf(answer: RawAnswer): string[] {
  const value = answer.headers["set-cookie"];
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

async function login(origin: string | undefined = CONSOLE): Promise<ConsoleLogin> {
  const answer = await rawCall(url, "auth.login", {
    type: "mutation",
    input: { user: "alice", password: passwordOf("alice"), ttlMs: 600_000 },
    headers: origin === undefined ? {} : { origin },
  });
  const data = resultOf<{ csrfToken: string }>(answer);
  const line = setCookiesOf(answer)[0] ?? "";
  const token = /^keel_session=([^;]+);/.exec(line)?.[1] ?? "";
  return { answer, cookie: `keel_session=${token}`, token, csrfToken: data.csrfToken };
}

function withCookie(session: ConsoleLogin, extra: Headers = {}, origin: string | undefined = CONSOLE): Headers {
  return { cookie: session.cookie, ...(origin === undefined ? {} : { origin }), ...extra };
}

const statusOf = (answer: RawAnswer) => ({ status: answer.status, keelCode: answer.keelCode });

describe("the console's session cookie", () => {
  it("auth.login from a console origin sets an HttpOnly, SameSite=Strict cookie and answers the CSRF token", async () => {
    const session = await login();
    expect(session.answer.status).toBe(200);
    const cookies = setCookiesOf(session.answer);
    expect(cookies).toHaveLength(1);
    const attributes = (cookies[0] ?? "").split(";").map((part) => part.trim());
    expect(attributes[0]).toMatch(/^keel_session=keel_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(attributes).toEqual(expect.arrayContaining(["HttpOnly", "SameSite=Strict", "Path=/"]));
    const maxAge = Number(attributes.find((part) => part.startsWith("Max-Age="))?.slice("Max-Age=".length));
    expect(maxAge).toBeGreaterThan(590);
    expect(maxAge).toBeLessThanOrEqual(600);
    expect(attributes).not.toContain("Secure"); // plain HTTP here
    const expected = createHash("sha256").update(`keel-csrf\0${session.token}`, "utf8").digest("hex").slice(0, 32);
    expect(session.csrfToken).toBe(expected);
    expect(resultOf(session.answer)).toMatchObject({ user: "alice", role: "operator" });
    // The console origin may read the answer, with credentials.
    expect(session.answer.headers["access-control-allow-origin"]).toBe(CONSOLE);
    expect(session.answer.headers["access-control-allow-credentials"]).toBe("true");
  });

  it("answers a query with the cookie from the console origin as the logged-in user", async () => {
    const session = await login();
    const whoami = await rawCall(url, "auth.whoami", { type: "query", headers: withCookie(session) });
    expect(resultOf(whoami)).toMatchObject({ user: "alice", via: "cookie" });
    const get = await rawCall(url, "node.get", { type: "query", input: { path: "/" }, headers: withCookie(session) });
    expect(get.status).toBe(200);
  });

  it("refuses a cookie mutation without x-keel-csrf (or with a wrong one) with NOAUTH and serves it with the right one", async () => {
    const session = await login();
    const create = (headers: Headers) =>
      rawCall(url, "node.create", { type: "mutation", input: { path: "/by-cookie" }, headers });
    const missing = await create(withCookie(session));
    expect(statusOf(missing)).toEqual({ status: 403, keelCode: "NOAUTH" });
    expect(missing.message).toMatch(/CSRF/);
    const wrong = await create(withCookie(session, { "x-keel-csrf": "0".repeat(32) }));
    expect(statusOf(wrong)).toEqual({ status: 403, keelCode: "NOAUTH" });
    const other = await login();
    const anothers = await create(withCookie(session, { "x-keel-csrf": other.csrfToken }));
    expect(statusOf(anothers)).toEqual({ status: 403, keelCode: "NOAUTH" });
    const exists = await rawCall(url, "node.exists", { type: "query", input: { path: "/by-cookie" } });
    expect(resultOf<{ stat: unknown }>(exists).stat).toBeNull();

    const right = await create(withCookie(session, { "x-keel-csrf": session.csrfToken }));
    expect(right.status).toBe(200);
    expect(resultOf(right)).toMatchObject({ path: "/by-cookie" });
  });

  it("refuses the cookie from another origin with NOAUTH, even with the CSRF header", async () => {
    const session = await login();
    const query = await rawCall(url, "node.get", {
      type: "query",
      input: { path: "/" },
      headers: withCookie(session, {}, ELSEWHERE),
    });
    expect(statusOf(query)).toEqual({ status: 403, keelCode: "NOAUTH" });
    const mutation = await rawCall(url, "node.create", {
      type: "mutation",
      input: { path: "/from-elsewhere" },
      headers: withCookie(session, { "x-keel-csrf": session.csrfToken }, ELSEWHERE),
    });
    expect(statusOf(mutation)).toEqual({ status: 403, keelCode: "NOAUTH" });
    // Another origin gets CORS without credentials.
    expect(query.headers["access-control-allow-origin"]).toBe("*");
    expect(query.headers["access-control-allow-credentials"]).toBeUndefined();
  });

  it("refuses auth.login from another origin, setting no cookie", async () => {
    const answer = await rawCall(url, "auth.login", {
      type: "mutation",
      input: { user: "alice", password: passwordOf("alice") },
      headers: { origin: ELSEWHERE },
    });
    expect(statusOf(answer)).toEqual({ status: 403, keelCode: "NOAUTH" });
    expect(setCookiesOf(answer)).toEqual([]);
  });

  it("refuses the cookie and logins from the opaque origin null (sandboxed frames, file: pages)", async () => {
    const session = await login();
    const query = await rawCall(url, "node.get", {
      type: "query",
      input: { path: "/" },
      headers: withCookie(session, {}, "null"),
    });
    expect(statusOf(query)).toEqual({ status: 403, keelCode: "NOAUTH" });
    const loginFromNull = await rawCall(url, "auth.login", {
      type: "mutation",
      input: { user: "alice", password: passwordOf("alice") },
      headers: { origin: "null" },
    });
    expect(statusOf(loginFromNull)).toEqual({ status: 403, keelCode: "NOAUTH" });
  });

  it("honours the cookie from a caller with no Origin (not a browser)", async () => {
    const session = await login(undefined);
    const get = await rawCall(url, "node.get", {
      type: "query",
      input: { path: "/" },
      headers: withCookie(session, {}, undefined),
    });
    expect(get.status).toBe(200);
  });

  it("auth.logout revokes the cookie's token, so the old cookie then makes the caller anonymous", async () => {
    const session = await login();
    const logout = await rawCall(url, "auth.logout", {
      type: "mutation",
      headers: withCookie(session, { "x-keel-csrf": session.csrfToken }),
    });
    expect(logout.status).toBe(200);
    expect(resultOf(logout)).toEqual({ loggedOut: true });
    expect(setCookiesOf(logout).some((line) => /^keel_session=;.*Max-Age=0/.test(line))).toBe(true);
    // A browser keeps sending a revoked HttpOnly cookie it cannot drop: the caller is anonymous, not failed.
    const after = await rawCall(url, "auth.whoami", { type: "query", headers: withCookie(session) });
    expect(resultOf(after)).toMatchObject({ user: null, role: "anonymous" });
    const tokens = await superClient(ensemble, url).auth.tokens.list.query({ user: "alice" });
    expect(tokens.tokens.map((token) => token.tokenId)).not.toContain(session.token.split("_")[1]);
  });

  it("auth.logout without the CSRF header clears the cookie but cannot revoke the token (no forged logouts)", async () => {
    const session = await login();
    const logout = await rawCall(url, "auth.logout", { type: "mutation", headers: withCookie(session) });
    expect(resultOf(logout)).toEqual({ loggedOut: true });
    const after = await rawCall(url, "node.get", { type: "query", input: { path: "/" }, headers: withCookie(session) });
    expect(after.status).toBe(200);
  });

  it("authenticates a WebSocket by the cookie from the console origin, and refuses it from another origin", async () => {
    const session = await login();
    const fromConsole = socketClientWith(url, withCookie(session));
    const fromElsewhere = socketClientWith(url, withCookie(session, {}, ELSEWHERE));
    try {
      expect(await fromConsole.client.auth.whoami.query()).toMatchObject({ user: "alice", via: "cookie" });
      // A WebSocket has no later requests to forge: its mutations need no CSRF header.
      await fromConsole.client.node.create.mutate({ path: "/by-cookie-socket" });
      await expectKeelError(fromElsewhere.client.node.get.query({ path: "/" }), "NOAUTH");
      await expectKeelError(fromElsewhere.client.node.create.mutate({ path: "/by-elsewhere-socket" }), "NOAUTH");
    } finally {
      await Promise.all([fromConsole.close(), fromElsewhere.close()]);
    }
  });
});

/**
 * http-credentials: a table of request headers and the credentials read from them (Authorization
 * schemes, Basic edge cases, cookie headers with several, malformed and quoted cookies, and
 * Authorization winning over the cookie), then the Set-Cookie values.
 */
import { describe, expect, it } from "vitest";
import { clearedSessionCookie, credentialsOf, type RequestHeaders, sessionCookie } from "./http-credentials.js";

const TOKEN = `keel_0123456789abcdef_${"A".repeat(43)}`;
const OTHER_TOKEN = `keel_fedcba9876543210_${"B".repeat(42)}A`;
const basic = (text: string): string => `Basic ${Buffer.from(text, "utf8").toString("base64")}`;

describe("credentialsOf", () => {
  it.each<{ case: string; headers: RequestHeaders; expected: unknown }>([
    { case: "no headers", headers: {}, expected: { kind: "anonymous" } },
    { case: "bearer token", headers: { authorization: `Bearer ${TOKEN}` }, expected: { kind: "token", token: TOKEN } },
    {
      case: "scheme in any case, extra blanks",
      headers: { authorization: `  bEaReR \t ${TOKEN} ` },
      expected: { kind: "token", token: TOKEN },
    },
    // Bearer values are checked by the Authenticator, which fails them (and counts the failure).
    {
      case: "bearer junk",
      headers: { authorization: "Bearer nonsense" },
      expected: { kind: "token", token: "nonsense" },
    },
    {
      case: "basic",
      headers: { authorization: basic("alice:s3cret") },
      expected: { kind: "password", user: "alice", password: "s3cret" },
    },
    {
      case: "basic password with colons",
      headers: { authorization: basic("alice:a:b::c") },
      expected: { kind: "password", user: "alice", password: "a:b::c" },
    },
    {
      case: "basic empty password",
      headers: { authorization: basic("alice:") },
      expected: { kind: "password", user: "alice", password: "" },
    },
    {
      case: "basic UTF-8 password",
      headers: { authorization: basic("alice:pässwörd✓") },
      expected: { kind: "password", user: "alice", password: "pässwörd✓" },
    },
    { case: "basic without colon", headers: { authorization: basic("alice") }, expected: malformed(/no ':'/) },
    { case: "basic not base64", headers: { authorization: "Basic ***" }, expected: malformed(/not base64/) },
    { case: "basic bad padding", headers: { authorization: "Basic YWxpY2U6eA" }, expected: malformed(/not base64/) },
    {
      case: "basic not UTF-8",
      headers: { authorization: `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString("base64")}` },
      expected: malformed(/UTF-8/),
    },
    { case: "scheme only", headers: { authorization: "Bearer" }, expected: malformed(/scheme/) },
    { case: "value with a space", headers: { authorization: "Bearer a b" }, expected: malformed(/scheme/) },
    { case: "empty", headers: { authorization: "" }, expected: malformed(/scheme/) },
    { case: "other scheme", headers: { authorization: "Digest abc" }, expected: malformed(/unsupported.*Digest/) },
    { case: "too long", headers: { authorization: `Bearer ${"x".repeat(9000)}` }, expected: malformed(/too long/) },
    { case: "two headers", headers: { authorization: ["Bearer a", "Bearer b"] }, expected: malformed(/more than one/) },
    { case: "cookie", headers: { cookie: `keel_session=${TOKEN}` }, expected: { kind: "cookie", token: TOKEN } },
    {
      case: "cookie among others, odd spacing",
      headers: { cookie: `theme=dark;keel_session = ${TOKEN} ;  lang=en` },
      expected: { kind: "cookie", token: TOKEN },
    },
    {
      case: "quoted cookie",
      headers: { cookie: `keel_session="${TOKEN}"` },
      expected: { kind: "cookie", token: TOKEN },
    },
    {
      case: "malformed pairs skipped",
      headers: { cookie: `garbage; =; ;keel_session; keel_session=${TOKEN}` },
      expected: { kind: "cookie", token: TOKEN },
    },
    {
      case: "junk session cookie skipped for a good one",
      headers: { cookie: `keel_session=old-junk; keel_session=${OTHER_TOKEN}; keel_session=${TOKEN}` },
      expected: { kind: "cookie", token: OTHER_TOKEN },
    },
    { case: "only junk session cookie", headers: { cookie: "keel_session=junk" }, expected: { kind: "anonymous" } },
    { case: "empty session cookie", headers: { cookie: "keel_session=" }, expected: { kind: "anonymous" } },
    {
      case: "name must match exactly",
      headers: { cookie: `xkeel_session=${TOKEN}; keel_session_old=${TOKEN}; KEEL_SESSION=${TOKEN}` },
      expected: { kind: "anonymous" },
    },
    {
      case: "cookie header lines as an array",
      headers: { cookie: ["a=1", `keel_session=${TOKEN}`] },
      expected: { kind: "cookie", token: TOKEN },
    },
    {
      case: "authorization wins over the cookie",
      headers: { authorization: basic("bob:pw"), cookie: `keel_session=${TOKEN}` },
      expected: { kind: "password", user: "bob", password: "pw" },
    },
    {
      case: "a malformed authorization still wins",
      headers: { authorization: "Negotiate xyz", cookie: `keel_session=${TOKEN}` },
      expected: malformed(/unsupported/),
    },
  ])("$case", ({ headers, expected }) => {
    expect(credentialsOf(headers)).toEqual(expected);
  });
});

function malformed(reason: RegExp): unknown {
  return { kind: "malformed", reason: expect.stringMatching(reason) };
}

describe("session cookies", () => {
  it("set the token HttpOnly, SameSite=Strict, for the whole site, Secure over TLS", () => {
    expect(sessionCookie(TOKEN, 28_800, false)).toBe(
      `keel_session=${TOKEN}; HttpOnly; SameSite=Strict; Path=/; Max-Age=28800`,
    );
    expect(sessionCookie(TOKEN, 60, true)).toBe(
      `keel_session=${TOKEN}; HttpOnly; SameSite=Strict; Path=/; Max-Age=60; Secure`,
    );
  });

  it("round-trip through credentialsOf", () => {
    const setCookie = sessionCookie(TOKEN, 60, true);
    const sent = setCookie.slice(0, setCookie.indexOf(";"));
    expect(credentialsOf({ cookie: sent })).toEqual({ kind: "cookie", token: TOKEN });
  });

  it("clear with an empty value and Max-Age=0", () => {
    expect(clearedSessionCookie(false)).toBe("keel_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
    expect(clearedSessionCookie(true)).toBe("keel_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0; Secure");
  });

  it("refuse a value that is not a token or an age that is not whole seconds (bugs)", () => {
    expect(() => sessionCookie("x; Domain=evil", 60, false)).toThrow(/well-formed token/);
    expect(() => sessionCookie(TOKEN, 1.5, false)).toThrow(/whole seconds/);
    expect(() => sessionCookie(TOKEN, -1, false)).toThrow(/whole seconds/);
  });
});

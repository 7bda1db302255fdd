/**
 * records: the /keel/auth JSON records byte for byte as the contract shows them, a table of
 * records decoding must refuse, and tables for the scope arithmetic and the perm letters.
 */

import { scopeAllows, isUnrestricted as scopeIsFull, scopeWithin } from "@keel/api";
import { PERMS, utf8Decode, utf8Encode } from "@keel/core";
import { describe, expect, it } from "vitest";
import {
  AUTH_RECORD_BYTES_MAX,
  decodeTokenRecord,
  decodeUserRecord,
  encodeTokenRecord,
  encodeUserRecord,
  formatPerms,
  parsePerms,
  type TokenRecord,
  type TokenScope,
  USER_NAME_PATTERN,
  type UserRecord,
} from "./records.js";

const PASSWORD = { alg: "scrypt", N: 32768, r: 8, p: 1, salt: "c2FsdHNhbHRzYWx0c2FsdA==", hash: "aGFzaA==" } as const;
const USER: UserRecord = { v: 1, role: "operator", password: { ...PASSWORD }, createdAtMs: 1_700_000_000_000 };
const TOKEN: TokenRecord = {
  v: 1,
  kind: "api",
  user: "alice",
  userZxid: "4294967301",
  scope: { paths: ["/app", "/locks"], perms: PERMS.READ | PERMS.WRITE },
  secretSha256: "0f007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1a",
  createdAtMs: 1_700_000_000_000,
  expiresAtMs: 1_700_086_400_000,
  description: "deploy bot",
};

function json(value: unknown): Uint8Array {
  return utf8Encode(JSON.stringify(value));
}

describe("user records", () => {
  it("encode to the contract's JSON and decode back", () => {
    const bytes = encodeUserRecord(USER);
    expect(utf8Decode(bytes)).toBe(
      '{"v":1,"role":"operator","password":{"alg":"scrypt","N":32768,"r":8,"p":1,"salt":"c2FsdHNhbHRzYWx0c2FsdA==","hash":"aGFzaA=="},"createdAtMs":1700000000000}',
    );
    expect(decodeUserRecord(bytes)).toEqual({ type: "ok", record: USER });
  });

  it.each([
    { case: "not JSON", data: utf8Encode("{v:1"), reason: /not JSON/ },
    { case: "version 2", data: json({ ...USER, v: 2 }), reason: /v/ },
    { case: "unknown role", data: json({ ...USER, role: "root" }), reason: /role/ },
    { case: "no password", data: json({ ...USER, password: undefined }), reason: /password/ },
    { case: "other algorithm", data: json({ ...USER, password: { ...PASSWORD, alg: "md5" } }), reason: /alg/ },
    { case: "negative time", data: json({ ...USER, createdAtMs: -1 }), reason: /createdAtMs/ },
    { case: "a JSON array", data: json([USER]), reason: /object/ },
    { case: "too big", data: new Uint8Array(AUTH_RECORD_BYTES_MAX + 1), reason: /bytes/ },
  ])("refuse $case", ({ data, reason }) => {
    const decoded = decodeUserRecord(data);
    expect(decoded.type).toBe("invalid");
    if (decoded.type === "invalid") expect(decoded.reason).toMatch(reason);
  });
});

describe("token records", () => {
  it("encode to the contract's JSON and decode back", () => {
    const bytes = encodeTokenRecord(TOKEN);
    expect(utf8Decode(bytes)).toBe(
      '{"v":1,"kind":"api","user":"alice","userZxid":"4294967301","scope":{"paths":["/app","/locks"],"perms":3},' +
        '"secretSha256":"0f007385b6f9d4b7eeb2748605afe1a984a0a3bfa3f014d09e2a784ce9e5cd1a",' +
        '"createdAtMs":1700000000000,"expiresAtMs":1700086400000,"description":"deploy bot"}',
    );
    expect(decodeTokenRecord(bytes)).toEqual({ type: "ok", record: TOKEN });
  });

  it("fill in the default scope and an empty description", () => {
    const { description: _, ...withoutDescription } = TOKEN;
    const decoded = decodeTokenRecord(json({ ...withoutDescription, scope: {} }));
    expect(decoded).toEqual({ type: "ok", record: { ...TOKEN, scope: { paths: ["/"], perms: 31 }, description: "" } });
  });

  it.each([
    { case: "unknown kind", change: { kind: "session" } },
    { case: "invalid user name", change: { user: "-alice" } },
    { case: "upper-case digest", change: { secretSha256: TOKEN.secretSha256.toUpperCase() } },
    { case: "short digest", change: { secretSha256: "abcd" } },
    { case: "no scope paths", change: { scope: { paths: [], perms: 31 } } },
    { case: "17 scope paths", change: { scope: { paths: Array.from({ length: 17 }, (_, i) => `/p${i}`), perms: 31 } } },
    { case: "relative scope path", change: { scope: { paths: ["app"], perms: 31 } } },
    { case: "scope path with trailing slash", change: { scope: { paths: ["/app/"], perms: 31 } } },
    { case: "scope path with ..", change: { scope: { paths: ["/app/.."], perms: 31 } } },
    { case: "perms 32", change: { scope: { paths: ["/"], perms: 32 } } },
    { case: "perms -1", change: { scope: { paths: ["/"], perms: -1 } } },
    { case: "perms 1.5", change: { scope: { paths: ["/"], perms: 1.5 } } },
    { case: "description of 201 chars", change: { description: "x".repeat(201) } },
    { case: "no expiry", change: { expiresAtMs: undefined } },
  ])("refuse $case", ({ change }) => {
    expect(decodeTokenRecord(json({ ...TOKEN, ...change })).type).toBe("invalid");
  });
});

describe("USER_NAME_PATTERN", () => {
  it.each([
    { name: "alice", valid: true },
    { name: "A", valid: true },
    { name: "ci.bot-2_x", valid: true },
    { name: "a".repeat(64), valid: true },
    { name: "a".repeat(65), valid: false },
    { name: "", valid: false },
    { name: ".alice", valid: false },
    { name: "-alice", valid: false },
    { name: "al ice", valid: false },
    { name: "al:ice", valid: false },
    { name: "alice\n", valid: false },
    { name: "élise", valid: false },
  ])("$name → $valid", ({ name, valid }) => {
    expect(USER_NAME_PATTERN.test(name)).toBe(valid);
  });
});

describe("scopeAllows", () => {
  const app: TokenScope = { paths: ["/app", "/locks/job"], perms: PERMS.READ | PERMS.CREATE };
  const all: TokenScope = { paths: ["/"], perms: PERMS.ALL };
  it.each([
    { scope: app, path: "/app", perm: PERMS.READ, allows: true },
    { scope: app, path: "/app/config/x", perm: PERMS.CREATE, allows: true },
    { scope: app, path: "/locks/job/lock-0001", perm: PERMS.READ, allows: true },
    { scope: app, path: "/apple", perm: PERMS.READ, allows: false },
    { scope: app, path: "/ap", perm: PERMS.READ, allows: false },
    { scope: app, path: "/", perm: PERMS.READ, allows: false },
    { scope: app, path: "/locks", perm: PERMS.READ, allows: false },
    { scope: app, path: "/app", perm: PERMS.WRITE, allows: false },
    { scope: app, path: "/app", perm: PERMS.READ | PERMS.CREATE, allows: true },
    { scope: app, path: "/app", perm: PERMS.READ | PERMS.DELETE, allows: false },
    { scope: all, path: "/", perm: PERMS.ADMIN, allows: true },
    { scope: all, path: "/anything/at/all", perm: PERMS.DELETE, allows: true },
    { scope: { paths: ["/"], perms: 0 }, path: "/a", perm: PERMS.READ, allows: false },
  ])("$scope.paths $scope.perms: $perm on $path → $allows", ({ scope, path, perm, allows }) => {
    expect(scopeAllows(scope, path, perm)).toBe(allows);
  });
});

describe("scopeWithin", () => {
  const outer: TokenScope = { paths: ["/app", "/locks"], perms: PERMS.READ | PERMS.WRITE };
  it.each([
    { inner: { paths: ["/app"], perms: PERMS.READ }, within: true },
    { inner: { paths: ["/app/x", "/locks/y"], perms: PERMS.READ | PERMS.WRITE }, within: true },
    { inner: { paths: ["/app"], perms: 0 }, within: true },
    { inner: { paths: ["/apple"], perms: PERMS.READ }, within: false },
    { inner: { paths: ["/app", "/other"], perms: PERMS.READ }, within: false },
    { inner: { paths: ["/"], perms: PERMS.READ }, within: false },
    { inner: { paths: ["/app"], perms: PERMS.READ | PERMS.ADMIN }, within: false },
  ])("$inner.paths $inner.perms → $within", ({ inner, within }) => {
    expect(scopeWithin(inner, outer)).toBe(within);
  });

  it("everything is within the full scope, which only itself contains", () => {
    expect(scopeWithin(outer, { paths: ["/"], perms: 31 })).toBe(true);
    expect(scopeIsFull({ paths: ["/"], perms: 31 })).toBe(true);
    expect(scopeIsFull({ paths: ["/app", "/"], perms: 31 })).toBe(true);
    expect(scopeIsFull({ paths: ["/"], perms: 15 })).toBe(false);
    expect(scopeIsFull(outer)).toBe(false);
  });
});

describe("perm letters", () => {
  it.each([
    { text: "rwcda", perms: 31 },
    { text: "r", perms: 1 },
    { text: "w", perms: 2 },
    { text: "c", perms: 4 },
    { text: "d", perms: 8 },
    { text: "a", perms: 16 },
    { text: "adr", perms: 25 },
    { text: "rr", perms: 1 },
    { text: "", perms: 0 },
    { text: "rwx", perms: undefined },
    { text: "R", perms: undefined },
    { text: "r w", perms: undefined },
  ])("parsePerms($text) → $perms", ({ text, perms }) => {
    expect(parsePerms(text)).toBe(perms);
  });

  it("formatPerms writes ZooKeeper's order and parsePerms reads it back for every mask", () => {
    expect(formatPerms(31)).toBe("rwcda");
    expect(formatPerms(25)).toBe("rda");
    expect(formatPerms(0)).toBe("");
    for (let perms = 0; perms <= 31; perms++) expect(parsePerms(formatPerms(perms))).toBe(perms);
  });
});

/** verified-cache: hits only for the same user, password and record version within the TTL; LRU bound; the password is not kept. */
import { describe, expect, it } from "vitest";
import { VERIFIED_CACHE_LIMITS, VerifiedPasswordCache } from "./verified-cache.js";

describe("VerifiedPasswordCache", () => {
  it("has the contract's limits: 1,000 entries for 60 s", () => {
    expect(VERIFIED_CACHE_LIMITS).toEqual({ entriesMax: 1_000, ttlMs: 60_000 });
  });

  it.each([
    { case: "same everything", user: "alice", password: "pw", version: "17", nowMs: 1_000, hit: true },
    { case: "version as bigint", user: "alice", password: "pw", version: 17n, nowMs: 1_000, hit: true },
    { case: "just before expiry", user: "alice", password: "pw", version: "17", nowMs: 60_999, hit: true },
    { case: "at expiry", user: "alice", password: "pw", version: "17", nowMs: 61_000, hit: false },
    { case: "other password", user: "alice", password: "pw2", version: "17", nowMs: 1_000, hit: false },
    { case: "other user", user: "bob", password: "pw", version: "17", nowMs: 1_000, hit: false },
    { case: "record changed", user: "alice", password: "pw", version: "18", nowMs: 1_000, hit: false },
  ])("$case → $hit", ({ user, password, version, nowMs, hit }) => {
    const cache = new VerifiedPasswordCache();
    cache.remember("alice", "pw", 17n, 1_000);
    expect(cache.verified(user, password, version, nowMs)).toBe(hit);
  });

  it("drops an entry once it misses on version or time", () => {
    const cache = new VerifiedPasswordCache();
    cache.remember("alice", "pw", "1", 0);
    expect(cache.verified("alice", "pw", "2", 0)).toBe(false);
    expect(cache.verified("alice", "pw", "1", 0)).toBe(false);
    expect(cache.size).toBe(0);
  });

  it("evicts the least recently used entry beyond entriesMax", () => {
    const cache = new VerifiedPasswordCache({ entriesMax: 2, ttlMs: 60_000 });
    cache.remember("a", "pw", "1", 0);
    cache.remember("b", "pw", "1", 0);
    expect(cache.verified("a", "pw", "1", 0)).toBe(true); // a is now the most recent
    cache.remember("c", "pw", "1", 0);
    expect(cache.size).toBe(2);
    expect(cache.verified("b", "pw", "1", 0)).toBe(false);
    expect(cache.verified("a", "pw", "1", 0)).toBe(true);
    expect(cache.verified("c", "pw", "1", 0)).toBe(true);
  });

  it("keeps no password or plain hash of it", () => {
    const cache = new VerifiedPasswordCache();
    cache.remember("alice", "hunter2-very-secret", "1", 0);
    const held = JSON.stringify([...(cache as unknown as { entries: Map<string, unknown> }).entries]);
    expect(held).not.toContain("hunter2");
    expect(held).toContain('"recordVersion":"1"');
  });
});

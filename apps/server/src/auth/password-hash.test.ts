/**
 * password-hash: the production parameters once (shape and verify), then cheaper hashes (N=2^14)
 * for the rest, and a table of tampered records that must verify false without running scrypt
 * (parameters that would hang or exhaust memory resolve to false instead of throwing).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { hashPassword, type PasswordHash, paramsAllowed, SCRYPT_PARAMS, verifyPassword } from "./password-hash.js";

const CHEAP = { N: 2 ** 14, r: 8, p: 1 };

describe("hashPassword / verifyPassword", () => {
  it("hashes with the production parameters into the contract's record shape", async () => {
    const stored = await hashPassword("correct horse battery staple");
    expect(stored).toMatchObject({ alg: "scrypt", N: 32_768, r: 8, p: 1 });
    expect(Buffer.from(stored.salt, "base64")).toHaveLength(16);
    expect(Buffer.from(stored.hash, "base64")).toHaveLength(64);
    expect(SCRYPT_PARAMS).toEqual({ N: 32_768, r: 8, p: 1 });
    expect(await verifyPassword("correct horse battery staple", stored)).toBe(true);
    expect(await verifyPassword("correct horse battery stapl", stored)).toBe(false);
  });

  it("salts every hash, and survives a JSON round trip", async () => {
    const first = await hashPassword("pass:word with colons", CHEAP);
    const second = await hashPassword("pass:word with colons", CHEAP);
    expect(first.salt).not.toBe(second.salt);
    expect(first.hash).not.toBe(second.hash);
    const reloaded = JSON.parse(JSON.stringify(first)) as PasswordHash;
    expect(await verifyPassword("pass:word with colons", reloaded)).toBe(true);
    expect(await verifyPassword("", reloaded)).toBe(false);
  });

  it("treats canonically equivalent Unicode spellings as one password", async () => {
    const stored = await hashPassword("caf\u00e9", CHEAP); // é precomposed
    expect(await verifyPassword("cafe\u0301", stored)).toBe(true); // e + combining acute
    expect(await verifyPassword("cafe", stored)).toBe(false);
  });

  it("refuses to hash with parameters it would refuse to verify", async () => {
    await expect(hashPassword("x", { N: 1000, r: 8, p: 1 })).rejects.toThrow(/out of range/);
  });
});

describe("verifyPassword on a tampered record", () => {
  let good: PasswordHash;
  beforeAll(async () => {
    good = await hashPassword("secret", CHEAP);
  });
  const hashBytes = (): Buffer => Buffer.from(good.hash, "base64");
  const flipFirstBit = (bytes: Buffer): Buffer => {
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    return bytes;
  };

  it.each<{ case: string; change: () => Partial<PasswordHash> }>([
    { case: "N not a power of two", change: () => ({ N: 30_000 }) },
    { case: "N below 2^14", change: () => ({ N: 2 ** 13 }) },
    { case: "N above 2^20", change: () => ({ N: 2 ** 21 }) },
    { case: "N of 2^30 (would need 1 TiB)", change: () => ({ N: 2 ** 30 }) },
    { case: "N fractional", change: () => ({ N: 16_384.5 }) },
    { case: "N a string", change: () => ({ N: "16384" as unknown as number }) },
    { case: "r zero", change: () => ({ r: 0 }) },
    { case: "r too large", change: () => ({ r: 17 }) },
    { case: "p zero", change: () => ({ p: 0 }) },
    { case: "p too large", change: () => ({ p: 5 }) },
    { case: "work N·r·p too large", change: () => ({ N: 2 ** 20, r: 8 }) },
    { case: "another algorithm", change: () => ({ alg: "bcrypt" as "scrypt" }) },
    { case: "salt shorter than 16 bytes", change: () => ({ salt: Buffer.alloc(8).toString("base64") }) },
    { case: "salt not base64", change: () => ({ salt: "!!!!not-base64!!!!!!!!!!" }) },
    { case: "hash of 32 bytes", change: () => ({ hash: hashBytes().subarray(0, 32).toString("base64") }) },
    { case: "hash with junk appended", change: () => ({ hash: `${good.hash}AAAA` }) },
    { case: "hash with a flipped bit", change: () => ({ hash: flipFirstBit(hashBytes()).toString("base64") }) },
  ])("$case → false", async ({ change }) => {
    expect(await verifyPassword("secret", { ...good, ...change() })).toBe(false);
  });

  it("the untampered record still verifies", async () => {
    expect(await verifyPassword("secret", good)).toBe(true);
  });
});

describe("paramsAllowed", () => {
  it.each([
    { params: { N: 2 ** 14, r: 1, p: 1 }, allowed: true },
    { params: { N: 2 ** 15, r: 8, p: 1 }, allowed: true },
    { params: { N: 2 ** 20, r: 2, p: 1 }, allowed: true },
    { params: { N: 2 ** 18, r: 8, p: 1 }, allowed: true },
    { params: { N: 2 ** 18, r: 8, p: 2 }, allowed: false },
    { params: { N: 2 ** 20, r: 1, p: 4 }, allowed: false },
    { params: { N: 2 ** 14, r: 16, p: 4 }, allowed: true },
    { params: { N: 0, r: 8, p: 1 }, allowed: false },
    { params: { N: Number.NaN, r: 8, p: 1 }, allowed: false },
    { params: { N: 2 ** 15, r: Number.POSITIVE_INFINITY, p: 1 }, allowed: false },
  ])("$params → $allowed", ({ params, allowed }) => {
    expect(paramsAllowed(params)).toBe(allowed);
  });
});

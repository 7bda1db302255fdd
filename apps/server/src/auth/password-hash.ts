/**
 * Password hashing for Keel users and the super account (auth-design "Principals", "Storage").
 * Passwords are guessable, so they get scrypt (memory-hard, in node:crypto, no dependency);
 * 256-bit token secrets only need SHA-256 (tokens.ts). A stored record is input from the tree:
 * its parameters are checked before use, so a tampered record fails verification instead of
 * making it hang or allocate gigabytes.
 */

import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import { assert } from "@keel/core";

export interface ScryptParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** The stored form (the `password` field of a user record). */
export interface PasswordHash extends ScryptParams {
  readonly alg: "scrypt";
  /** base64 of SCRYPT_SALT_BYTES random bytes. */
  readonly salt: string;
  /** base64 of SCRYPT_KEY_BYTES derived bytes. */
  readonly hash: string;
}

/** What every new hash uses: 32 MiB and ~50-100 ms per verification. */
export const SCRYPT_PARAMS: ScryptParams = Object.freeze({ N: 32_768, r: 8, p: 1 });
export const SCRYPT_SALT_BYTES = 16;
export const SCRYPT_KEY_BYTES = 64;

/** The bounds a stored record's parameters must keep to be tried at all. */
export const SCRYPT_LIMITS = Object.freeze({
  nMin: 2 ** 14,
  nMax: 2 ** 20,
  rMax: 16,
  pMax: 4,
  /** N·r·p: bounds both time and memory (128·N·r bytes ≤ 256 MiB); production is 2^18. */
  workMax: 2 ** 21,
  saltBytesMax: 64,
});

/** Hashes `password` with a fresh salt. `params` other than SCRYPT_PARAMS are for tests. */
export async function hashPassword(password: string, params: ScryptParams = SCRYPT_PARAMS): Promise<PasswordHash> {
  assert(paramsAllowed(params), () => `scrypt parameters out of range: ${JSON.stringify(params)}`);
  const salt = randomBytes(SCRYPT_SALT_BYTES);
  const key = await derive(password, salt, params);
  return {
    alg: "scrypt",
    N: params.N,
    r: params.r,
    p: params.p,
    salt: salt.toString("base64"),
    hash: key.toString("base64"),
  };
}

/**
 * True when `password` matches `stored`. False, without running scrypt, when the record is not
 * one this module could have written within SCRYPT_LIMITS (a tampered or corrupt record).
 */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  if (stored.alg !== "scrypt" || !paramsAllowed(stored)) return false;
  const salt = strictBase64(stored.salt);
  const expected = strictBase64(stored.hash);
  if (salt === undefined || salt.length < SCRYPT_SALT_BYTES || salt.length > SCRYPT_LIMITS.saltBytesMax) return false;
  if (expected === undefined || expected.length !== SCRYPT_KEY_BYTES) return false;
  const actual = await derive(password, salt, stored);
  return timingSafeEqual(actual, expected);
}

/** Whether scrypt may run with these parameters (checked at runtime: they may come from JSON). */
export function paramsAllowed(params: ScryptParams): boolean {
  const { N, r, p } = params;
  if (!Number.isSafeInteger(N) || !Number.isSafeInteger(r) || !Number.isSafeInteger(p)) return false;
  if (N < SCRYPT_LIMITS.nMin || N > SCRYPT_LIMITS.nMax || (N & (N - 1)) !== 0) return false;
  if (r < 1 || r > SCRYPT_LIMITS.rMax || p < 1 || p > SCRYPT_LIMITS.pMax) return false;
  return N * r * p <= SCRYPT_LIMITS.workMax;
}

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // Node refuses to run when 128·N·r exceeds maxmem (default 32 MiB, exactly production's need).
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 128 * params.N * params.r * 2 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, SCRYPT_KEY_BYTES, options, (error, key) => {
      if (error === null) resolve(key);
      else reject(error);
    });
  });
}

/** Decodes canonical base64 only (Buffer.from silently skips junk). */
function strictBase64(text: string): Buffer | undefined {
  if (typeof text !== "string" || text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : undefined;
}

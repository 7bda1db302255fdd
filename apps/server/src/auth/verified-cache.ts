/**
 * Remembers recent successful password checks, so an HTTP client that sends Basic credentials
 * with every request pays scrypt once a minute rather than on every call. An entry is bound to
 * the version of the user record it was checked against (the node's mzxid): a changed password,
 * role or a removed-and-re-added user makes it miss. Keys are an HMAC of user and password under
 * a per-process random key, so neither the password nor a hash usable across processes is held.
 * Bounded: entriesMax entries, least recently used evicted first.
 */

import { createHmac, randomBytes } from "node:crypto";
import { assert } from "@keel/core";

export interface VerifiedCacheLimits {
  readonly entriesMax: number;
  readonly ttlMs: number;
}

export const VERIFIED_CACHE_LIMITS: VerifiedCacheLimits = Object.freeze({ entriesMax: 1_000, ttlMs: 60_000 });

/** A user record's version: the node's mzxid, as a string or a bigint. */
export type RecordVersion = string | bigint;

interface Entry {
  readonly recordVersion: string;
  readonly expiresAtMs: number;
}

export class VerifiedPasswordCache {
  /** Key → entry, least recently used first (Map keeps insertion order; a hit re-inserts). */
  private readonly entries = new Map<string, Entry>();
  private readonly hmacKey = randomBytes(32);

  constructor(private readonly limits: VerifiedCacheLimits = VERIFIED_CACHE_LIMITS) {
    assert(limits.entriesMax >= 1 && limits.ttlMs >= 1, "verified-cache limits must be positive");
  }

  /** True when this user and password were verified against this record version less than ttlMs ago. */
  verified(user: string, password: string, recordVersion: RecordVersion, nowMs: number): boolean {
    const key = this.keyOf(user, password);
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    this.entries.delete(key);
    if (entry.recordVersion !== String(recordVersion) || nowMs >= entry.expiresAtMs) return false;
    this.entries.set(key, entry);
    return true;
  }

  /** Records a successful scrypt verification. */
  remember(user: string, password: string, recordVersion: RecordVersion, nowMs: number): void {
    const key = this.keyOf(user, password);
    this.entries.delete(key);
    while (this.entries.size >= this.limits.entriesMax) this.evictLeastRecent();
    this.entries.set(key, { recordVersion: String(recordVersion), expiresAtMs: nowMs + this.limits.ttlMs });
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The entry's key: an HMAC of user\0password under this process's random key (user names never
   * contain NUL, so the split is unambiguous). Also names a password check under way.
   */
  keyOf(user: string, password: string): string {
    return createHmac("sha256", this.hmacKey).update(`${user}\0${password}`, "utf8").digest("base64");
  }

  private evictLeastRecent(): void {
    const oldest = this.entries.keys().next();
    if (oldest.done !== true) this.entries.delete(oldest.value);
  }
}

/**
 * Runs the Authenticator's password checks so that their cost stays bounded: a check verified
 * recently against the same user record is answered from the VerifiedPasswordCache; concurrent
 * checks of the same user, password and record share one scrypt; and each scrypt counts as a
 * failure of its address while it runs (FailureLimiter), so a burst of concurrent guesses from one
 * address starts at most failuresMax of them before the rest are throttled. Unknown users are
 * checked against a decoy hash, so they cost what a wrong password costs.
 */

import { randomBytes } from "node:crypto";
import type { FailureLimiter } from "./failure-limiter.js";
import { hashPassword, type PasswordHash, verifyPassword } from "./password-hash.js";
import { ScryptGate } from "./scrypt-gate.js";
import type { RecordVersion, VerifiedPasswordCache } from "./verified-cache.js";

export interface CheckContext {
  readonly clientIp: string;
  readonly nowMs: number;
}

/** true: the password matches; false: it does not; "throttled": the address may start no more scrypts now. */
export type PasswordVerdict = boolean | "throttled";

export class PasswordChecker {
  /** Checks under way, by cache key and record version; an entry lives as long as its scrypt. */
  private readonly running = new Map<string, Promise<PasswordVerdict>>();
  private decoyHash: Promise<PasswordHash> | undefined;

  constructor(
    private readonly limiter: FailureLimiter,
    private readonly cache: VerifiedPasswordCache,
    /** Bounds the hashes running at once across all addresses (scrypt-gate.ts). */
    private readonly gate: ScryptGate = new ScryptGate(),
  ) {}

  /** Whether `password` is `user`'s, given the user record's `hash` at `version`. */
  check(
    user: string,
    password: string,
    hash: PasswordHash,
    version: RecordVersion,
    context: CheckContext,
  ): Promise<PasswordVerdict> {
    if (this.cache.verified(user, password, version, context.nowMs)) return Promise.resolve(true);
    const key = `${this.cache.keyOf(user, password)}\0${version}`;
    const running = this.running.get(key);
    if (running !== undefined) return running;
    if (this.limiter.blocked(context.clientIp, context.nowMs)) return Promise.resolve("throttled");
    const verdict = this.charged(context, () => verifyPassword(password, hash)).then((ok) => {
      if (ok === true) this.cache.remember(user, password, version, context.nowMs);
      return ok;
    });
    this.running.set(key, verdict);
    const forget = (): void => void this.running.delete(key);
    verdict.then(forget, forget);
    return verdict;
  }

  /** Spends a wrong password's scrypt on a user that does not exist; the verdict is never true. */
  async decoy(password: string, context: CheckContext): Promise<false | "throttled"> {
    this.decoyHash ??= hashPassword(randomBytes(16).toString("hex"));
    const decoyHash = await this.decoyHash;
    if (this.limiter.blocked(context.clientIp, context.nowMs)) return "throttled";
    const verdict = await this.charged(context, () => verifyPassword(password, decoyHash));
    return verdict === "throttled" ? "throttled" : false;
  }

  /**
   * Charges one failure to the address while `scrypt` runs. Callers check `blocked` in the same
   * turn of the event loop as they call this, so no burst can slip between the check and the charge.
   */
  private async charged(context: CheckContext, scrypt: () => Promise<boolean>): Promise<PasswordVerdict> {
    this.limiter.failed(context.clientIp, context.nowMs);
    try {
      const verdict = await this.gate.run(scrypt);
      // Every hashing slot is taken and the queue is full: the server is being flooded.
      return verdict === "busy" ? "throttled" : verdict;
    } finally {
      this.limiter.forgive(context.clientIp, context.nowMs);
    }
  }
}

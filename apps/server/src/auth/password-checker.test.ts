/**
 * password-checker: how many scrypts run. Concurrent checks of one user, password and record
 * share a scrypt; each running scrypt counts against its address, so a burst cannot start more
 * than failuresMax; a cache hit runs none. A FailureLimiter subclass counts what is charged.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { FailureLimiter } from "./failure-limiter.js";
import { PasswordChecker } from "./password-checker.js";
import { hashPassword, type PasswordHash } from "./password-hash.js";
import { VerifiedPasswordCache } from "./verified-cache.js";

class CountingLimiter extends FailureLimiter {
  charged = 0;
  override failed(address: string, nowMs: number): void {
    this.charged++;
    super.failed(address, nowMs);
  }
}

const CONTEXT = { clientIp: "198.51.100.1", nowMs: 1_000 };
let hash: PasswordHash;
beforeAll(async () => {
  hash = await hashPassword("right", { N: 2 ** 14, r: 8, p: 1 });
});

function checker(failuresMax = 20): { passwords: PasswordChecker; limiter: CountingLimiter } {
  const limiter = new CountingLimiter({ failuresMax, windowMs: 10_000, addressesMax: 100 });
  return { passwords: new PasswordChecker(limiter, new VerifiedPasswordCache()), limiter };
}

describe("PasswordChecker", () => {
  it("shares one scrypt among concurrent checks of the same password, then answers from the cache", async () => {
    const { passwords, limiter } = checker();
    const verdicts = await Promise.all(
      Array.from({ length: 30 }, () => passwords.check("alice", "right", hash, "5", CONTEXT)),
    );
    expect(verdicts).toEqual(Array(30).fill(true));
    expect(limiter.charged).toBe(1);
    expect(await passwords.check("alice", "right", hash, "5", CONTEXT)).toBe(true);
    expect(limiter.charged).toBe(1);
    expect(limiter.blocked(CONTEXT.clientIp, CONTEXT.nowMs)).toBe(false);
  });

  it("does not share across record versions", async () => {
    const { passwords, limiter } = checker();
    await Promise.all([
      passwords.check("alice", "right", hash, "5", CONTEXT),
      passwords.check("alice", "right", hash, "6", CONTEXT),
    ]);
    expect(limiter.charged).toBe(2);
  });

  it("starts at most failuresMax scrypts for a burst of different guesses, throttling the rest", async () => {
    const { passwords, limiter } = checker(3);
    const guesses = ["a", "b", "c", "d", "e"].map((guess) => passwords.check("alice", guess, hash, "5", CONTEXT));
    expect(await Promise.all(guesses)).toEqual([false, false, false, "throttled", "throttled"]);
    expect(limiter.charged).toBe(3);
    // The running scrypts' charges are forgiven when they end: only the caller's failures block.
    expect(limiter.blocked(CONTEXT.clientIp, CONTEXT.nowMs)).toBe(false);
  });

  it("never says yes for an unknown user, and the decoy is throttled like the rest", async () => {
    const { passwords, limiter } = checker(1);
    const verdicts = await Promise.all([passwords.decoy("right", CONTEXT), passwords.decoy("x", CONTEXT)]);
    expect(verdicts).toEqual([false, "throttled"]);
    expect(limiter.charged).toBe(1);
  });
});

describe("PasswordChecker across addresses", () => {
  it("does not hand a blocked address's verdict to another address checking the same password", async () => {
    const { passwords, limiter } = checker(1);
    limiter.failed("203.0.113.9", CONTEXT.nowMs);
    const verdicts = await Promise.all([
      passwords.check("alice", "right", hash, "5", { ...CONTEXT, clientIp: "203.0.113.9" }),
      passwords.check("alice", "right", hash, "5", CONTEXT),
    ]);
    expect(verdicts).toEqual(["throttled", true]);
  });
});

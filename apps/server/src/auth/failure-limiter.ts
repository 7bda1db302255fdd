/**
 * Bounds the work an address can make the server do with bad credentials (auth-design "Bad
 * credentials"): each failed attempt may have cost a scrypt (~50-100 ms of CPU), so after
 * `failuresMax` failures within one window the address is refused without checking until the
 * window ends. A window opens at an address's first failure and lasts `windowMs`, so at most
 * 2·failuresMax attempts are checked in any windowMs span. Memory is bounded too: at most
 * `addressesMax` addresses are tracked, the oldest window evicted first. The clock is passed in.
 */

import { assert } from "@keel/core";

export interface FailureLimits {
  readonly failuresMax: number;
  readonly windowMs: number;
  readonly addressesMax: number;
}

export const AUTH_FAILURE_LIMITS: FailureLimits = Object.freeze({
  failuresMax: 20,
  windowMs: 10_000,
  addressesMax: 10_000,
});

interface Window {
  readonly startMs: number;
  failures: number;
}

export class FailureLimiter {
  /** Address → its current window, in the order the windows opened (Map keeps insertion order). */
  private readonly windows = new Map<string, Window>();

  constructor(private readonly limits: FailureLimits = AUTH_FAILURE_LIMITS) {
    assert(
      limits.failuresMax >= 1 && limits.windowMs >= 1 && limits.addressesMax >= 1,
      "failure limits must be positive",
    );
  }

  /** True while `address` has used up its failures for the current window. */
  blocked(address: string, nowMs: number): boolean {
    const window = this.openWindow(address, nowMs);
    return window !== undefined && window.failures >= this.limits.failuresMax;
  }

  /** Counts one failed authentication from `address`. */
  failed(address: string, nowMs: number): void {
    this.dropExpired(nowMs);
    const window = this.openWindow(address, nowMs);
    if (window !== undefined) {
      window.failures++;
      return;
    }
    this.windows.delete(address);
    while (this.windows.size >= this.limits.addressesMax) this.evictOldest();
    this.windows.set(address, { startMs: nowMs, failures: 1 });
  }

  /**
   * Takes back one failure counted by `failed` for an attempt that turned out not to fail (the
   * Authenticator counts each attempt up front so that concurrent attempts cannot outrun the limit).
   */
  forgive(address: string, nowMs: number): void {
    const window = this.openWindow(address, nowMs);
    if (window !== undefined && window.failures > 0) window.failures--;
  }

  /** How many addresses are tracked (for tests and metrics). */
  get size(): number {
    return this.windows.size;
  }

  private openWindow(address: string, nowMs: number): Window | undefined {
    const window = this.windows.get(address);
    return window !== undefined && !this.expired(window, nowMs) ? window : undefined;
  }

  private expired(window: Window, nowMs: number): boolean {
    return nowMs - window.startMs >= this.limits.windowMs;
  }

  /** Windows are ordered by start, so the expired ones are at the front. */
  private dropExpired(nowMs: number): void {
    for (const [address, window] of this.windows) {
      if (!this.expired(window, nowMs)) return;
      this.windows.delete(address);
    }
  }

  private evictOldest(): void {
    const oldest = this.windows.keys().next();
    if (oldest.done !== true) this.windows.delete(oldest.value);
  }
}

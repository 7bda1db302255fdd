/**
 * Exponential backoff with full jitter, capped, and a deadline. Pure: the random source is passed
 * in so tests can pin it. Used for refusals that are safe to retry (NOTREADY, THROTTLEDOP) and for
 * moving between members.
 */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly multiplier: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 50, maxMs: 1_000, multiplier: 2 };

/** Delay before retry number `attempt` (0-based): uniform in [ceiling/2, ceiling], ceiling = initial × multiplier^attempt capped. */
export function backoffDelayMs(attempt: number, random: () => number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be an integer ≥ 0, got ${attempt}`);
  const ceiling = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** Math.min(attempt, 30));
  // Half fixed, half jitter: never 0 (a hot loop) and still spreads contenders apart.
  return ceiling / 2 + (ceiling / 2) * random();
}

/** How long to wait before the next attempt so that it starts before `deadline`, or undefined when none can. */
export function delayWithinDeadline(delayMs: number, now: number, deadline: number): number | undefined {
  if (now + delayMs >= deadline) return undefined;
  return delayMs;
}

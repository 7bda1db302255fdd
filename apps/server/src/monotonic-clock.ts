/**
 * The server's one clock: milliseconds since the epoch as of process start, advanced by the
 * monotonic clock (`performance.now()`, CLOCK_MONOTONIC) rather than read from the wall clock.
 *
 * Why: session deadlines, request deadlines and TTLs are "now + timeout" on this clock. Read from
 * the wall clock, an NTP step or `date -s` one hour forward on the leader expired every session at
 * its next tick (the chaos harness's clock-skew nemesis found it, docs/chaos.md). NTP's slewing
 * still reaches this clock (CLOCK_MONOTONIC runs at the corrected rate); only steps do not, so
 * ctime and mtime stay within the steps taken since the server started of the wall clock.
 */
export function monotonicEpochClock(): () => number {
  const epochAtStartMs = Date.now();
  const monotonicAtStartMs = performance.now();
  // Whole milliseconds, as Date.now() gives: times go into int64 fields (ctime, jute longs) and ids.
  return () => epochAtStartMs + Math.floor(performance.now() - monotonicAtStartMs);
}

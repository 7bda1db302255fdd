/**
 * The audit entries of one recipe instance, as they arrive from `log.events`: replayed backlog
 * then live. A restarted stream (the console switched member) replays entries already held, and
 * a prefix filter on the server may match a sibling whose name extends this one's (/keel/locks/a
 * and /keel/locks/ab), so entries are deduplicated by zxid, kept in zxid order, filtered to the
 * instance and bounded.
 */
import type { AuditEntry } from "@keel/core";

/** As many as one `log.events` backlog replays (API_LOG_BACKLOG_MAX). */
export const AUDIT_ENTRIES_MAX = 1000;

/** Whether `path` is the instance directory `dir` or below it. */
export function isUnder(dir: string, path: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

const byZxid = (a: AuditEntry, b: AuditEntry): number => {
  const left = BigInt(a.zxid);
  const right = BigInt(b.zxid);
  return left < right ? -1 : left > right ? 1 : 0;
};

/** `entries` (ascending, distinct zxids) with `entry` added in its place; the oldest go past `max`. */
export function addAuditEntry(
  entries: readonly AuditEntry[],
  entry: AuditEntry,
  dir: string,
  max = AUDIT_ENTRIES_MAX,
): readonly AuditEntry[] {
  if (!entry.paths.some((path) => isUnder(dir, path))) return entries;
  if (entries.some((known) => known.zxid === entry.zxid)) return entries;
  const last = entries[entries.length - 1];
  const next = last === undefined || byZxid(last, entry) < 0 ? [...entries, entry] : [...entries, entry].sort(byZxid);
  return next.length > max ? next.slice(next.length - max) : next;
}

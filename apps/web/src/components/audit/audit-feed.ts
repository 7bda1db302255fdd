/**
 * The audit page's model: every member's `audit.events` stream merged into one list, newest first.
 * Each member records the administrative calls made *to it*, so the streams do not overlap; but a
 * stream replays its member's backlog whenever it is (re)opened, so a record already kept is
 * recognised by its content and not shown twice.
 */

import type { AuditRecordView } from "@keel/api";

export type { AuditRecordView };

export interface AuditEntry {
  /** Identifies the record across replays: its content. */
  readonly key: string;
  readonly record: AuditRecordView;
}

/** Records kept on the page; the oldest go first past it. */
export const AUDIT_FEED_MAX = 2000;

const HEADER_FIELDS = new Set(["timeMs", "serverId", "action", "outcome", "user", "clientAddress"]);

export function auditKeyOf(record: AuditRecordView): string {
  return JSON.stringify(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Adds `record` in time order (newest first; equal times keep arrival order), unless it is already kept. */
export function addAuditRecord(
  entries: readonly AuditEntry[],
  record: AuditRecordView,
  max = AUDIT_FEED_MAX,
): readonly AuditEntry[] {
  const key = auditKeyOf(record);
  if (entries.some((entry) => entry.key === key)) return entries;
  const index = entries.findIndex((entry) => entry.record.timeMs < record.timeMs);
  const at = index === -1 ? entries.length : index;
  const next = [...entries.slice(0, at), { key, record }, ...entries.slice(at)];
  return next.length > max ? next.slice(0, max) : next;
}

/** The subject fields of a record (everything but who, where, when, what and how), for display. */
export function auditSubjectOf(record: AuditRecordView): [string, string][] {
  return Object.entries(record)
    .filter(([field, value]) => !HEADER_FIELDS.has(field) && value !== undefined && value !== null)
    .map(([field, value]) => [field, typeof value === "string" ? value : JSON.stringify(value)]);
}

export function auditWhoOf(record: AuditRecordView): string {
  return record.user ?? "anonymous";
}

/** Entries whose action is one of `actions` (all when empty). */
export function visibleAuditEntries(entries: readonly AuditEntry[], actions: readonly string[]): readonly AuditEntry[] {
  if (actions.length === 0) return entries;
  const wanted = new Set(actions);
  return entries.filter((entry) => wanted.has(entry.record.action));
}

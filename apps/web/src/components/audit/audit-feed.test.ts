/** The audit page's merge: newest first across members, replays not shown twice, bounded, and how a record reads. */
import { describe, expect, it } from "vitest";
import {
  type AuditEntry,
  type AuditRecordView,
  addAuditRecord,
  auditSubjectOf,
  auditWhoOf,
  visibleAuditEntries,
} from "./audit-feed";

const record = (timeMs: number, serverId: number, extra: Partial<AuditRecordView> = {}): AuditRecordView => ({
  timeMs,
  serverId,
  action: "forceRelease",
  outcome: "OK",
  user: "olga",
  clientAddress: "127.0.0.1:5000",
  path: "/locks/orders/lock-0001",
  ...extra,
});

const feed = (...records: AuditRecordView[]): readonly AuditEntry[] =>
  records.reduce<readonly AuditEntry[]>((entries, next) => addAuditRecord(entries, next), []);

const times = (entries: readonly AuditEntry[]) =>
  entries.map((entry) => `${entry.record.serverId}@${entry.record.timeMs}`);

describe("addAuditRecord", () => {
  it.each([
    ["in order", [record(1, 1), record(2, 2), record(3, 1)], ["1@3", "2@2", "1@1"]],
    [
      "out of order across members",
      [record(5, 1), record(2, 2), record(9, 3), record(4, 1)],
      ["3@9", "1@5", "1@4", "2@2"],
    ],
    ["equal times keep arrival order", [record(7, 1), record(7, 2)], ["1@7", "2@7"]],
  ])("merges %s newest first", (_name, records, expected) => {
    expect(times(feed(...records))).toEqual(expected);
  });

  it("keeps one copy of a record a reopened stream replays", () => {
    const once = feed(record(1, 1), record(2, 1));
    const replayed = addAuditRecord(addAuditRecord(once, record(1, 1)), record(2, 1));
    expect(replayed).toBe(once);
  });

  it("keeps two records that differ in any field", () => {
    expect(feed(record(1, 1), record(1, 1, { outcome: "NOAUTH" }))).toHaveLength(2);
  });

  it("drops the oldest past the bound", () => {
    const entries = [record(3, 1), record(1, 1), record(2, 1)].reduce<readonly AuditEntry[]>(
      (kept, next) => addAuditRecord(kept, next, 2),
      [],
    );
    expect(times(entries)).toEqual(["1@3", "1@2"]);
  });
});

describe("how a record reads", () => {
  it.each([
    ["olga", "olga"],
    [null, "anonymous"],
  ])("who: %s → %s", (user, expected) => {
    expect(auditWhoOf(record(1, 1, { user }))).toBe(expected);
  });

  it("who: a record without a user is anonymous", () => {
    const { user: _user, ...withoutUser } = record(1, 1);
    expect(auditWhoOf(withoutUser)).toBe("anonymous");
  });

  it("lists the subject without who, where, when, what and how", () => {
    expect(
      auditSubjectOf(record(1, 1, { reason: "hung", acl: [{ perms: 31, scheme: "world", id: "anyone" }] })),
    ).toEqual([
      ["path", "/locks/orders/lock-0001"],
      ["reason", "hung"],
      ["acl", '[{"perms":31,"scheme":"world","id":"anyone"}]'],
    ]);
  });

  it("filters by action, all when none is chosen", () => {
    const entries = feed(record(1, 1), record(2, 1, { action: "login" }));
    expect(visibleAuditEntries(entries, [])).toHaveLength(2);
    expect(visibleAuditEntries(entries, ["login"]).map((entry) => entry.record.action)).toEqual(["login"]);
  });
});

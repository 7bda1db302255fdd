/** The hand-off history's input: audit entries of one instance, deduplicated, in zxid order, bounded. */
import type { AuditEntry } from "@keel/core";
import { describe, expect, it } from "vitest";
import { addAuditEntry, isUnder } from "./audit-log";

const entry = (zxid: string, path = "/keel/locks/a/lock-0000000001"): AuditEntry => ({
  zxid,
  timeMs: Number(zxid),
  op: "create",
  paths: [path],
  sessionId: "1",
});
const fold = (entries: AuditEntry[], max?: number) =>
  entries.reduce<readonly AuditEntry[]>((list, next) => addAuditEntry(list, next, "/keel/locks/a", max), []);

describe("addAuditEntry", () => {
  it("keeps zxid order across a replayed backlog and drops repeats", () => {
    const list = fold([entry("5"), entry("7"), entry("5"), entry("6"), entry("7")]);
    expect(list.map((item) => item.zxid)).toEqual(["5", "6", "7"]);
  });

  it("orders by numeric zxid, not by string", () => {
    const list = fold([entry("9"), entry("10"), entry("8")]);
    expect(list.map((item) => item.zxid)).toEqual(["8", "9", "10"]);
  });

  it("ignores entries of a sibling whose name extends the instance's", () => {
    expect(fold([entry("1", "/keel/locks/ab/lock-0000000001")])).toEqual([]);
  });

  it("drops the oldest past the bound", () => {
    const list = fold([entry("1"), entry("2"), entry("3")], 2);
    expect(list.map((item) => item.zxid)).toEqual(["2", "3"]);
  });
});

describe("isUnder", () => {
  it.each([
    ["/keel/locks/a", true],
    ["/keel/locks/a/lock-0000000001", true],
    ["/keel/locks/ab", false],
    ["/keel/locks", false],
  ] as const)("%s under /keel/locks/a: %s", (path, expected) => {
    expect(isUnder("/keel/locks/a", path)).toBe(expected);
  });
});

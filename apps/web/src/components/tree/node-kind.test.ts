/** Kind badges, the TTL countdown and ACL permission letters. */
import { describe, expect, it } from "vitest";
import { isTtlKind, kindBadge, permissionLetters, ttlLeftMs } from "./node-kind";

describe("node kind", () => {
  it("counts a TTL down from the last modification and stops at zero", () => {
    expect(ttlLeftMs(10_000, 5_000, 12_000)).toBe(3_000);
    expect(ttlLeftMs(10_000, 5_000, 20_000)).toBe(0);
  });

  it("labels kinds", () => {
    expect(kindBadge("ephemeral_sequential").label).toBe("ephemeral · sequential");
    expect(isTtlKind("ttl_sequential")).toBe(true);
    expect(isTtlKind("container")).toBe(false);
  });

  it.each([
    [31, "cdrwa"],
    [1, "--r--"],
    [3, "--rw-"],
    [0, "-----"],
    [20, "c---a"],
  ])("perms %i read %s", (perms, letters) => {
    expect(permissionLetters(perms)).toBe(letters);
  });
});

import { describe, expect, it } from "vitest";
import { UsageError } from "./cli-error.js";
import { ancestors, nodeKindOf } from "./node-kind.js";

describe("create's flags → node kind", () => {
  // e = -e, s = -s, t = --ttl, c = --container
  it.each([
    ["", "persistent"],
    ["s", "persistent_sequential"],
    ["e", "ephemeral"],
    ["es", "ephemeral_sequential"],
    ["t", "ttl"],
    ["ts", "ttl_sequential"],
    ["c", "container"],
    ["et", "--ttl and -e exclude each other"],
    ["ets", "--ttl and -e exclude each other"],
    ["ce", "--container cannot be combined"],
    ["cs", "--container cannot be combined"],
    ["ct", "--container cannot be combined"],
  ])("flags %j → %s", (flags, expected) => {
    const kind = () =>
      nodeKindOf({
        ephemeral: flags.includes("e"),
        sequential: flags.includes("s"),
        ttl: flags.includes("t"),
        container: flags.includes("c"),
      });
    if (expected.startsWith("--")) {
      expect(kind).toThrow(UsageError);
      expect(kind).toThrow(expected);
    } else expect(kind()).toBe(expected);
  });
});

describe("ancestors", () => {
  it.each([
    ["/a", []],
    ["/a/b", ["/a"]],
    ["/a/b/c", ["/a", "/a/b"]],
    ["/", []],
  ])("%s → %j", (path, expected) => {
    expect(ancestors(path)).toEqual(expected);
  });
});

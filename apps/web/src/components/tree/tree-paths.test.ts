/** Path arithmetic of the tree browser: table-driven over the edge cases ("/", deep paths, encoding). */
import { describe, expect, it } from "vitest";
import {
  ancestorsOf,
  childPathOf,
  filterNames,
  isWithin,
  nameOf,
  normalisePath,
  parentOf,
  pathFromSegments,
  sortNames,
  treeHrefOf,
} from "./tree-paths";

describe("tree paths", () => {
  it.each([
    ["/", "a", "/a"],
    ["/a", "b", "/a/b"],
  ])("childPathOf(%s, %s) is %s", (parent, name, expected) => {
    expect(childPathOf(parent, name)).toBe(expected);
  });

  it.each([
    ["/", "/", ""],
    ["/a", "/", "a"],
    ["/a/b/c", "/a/b", "c"],
  ])("parentOf / nameOf %s", (path, parent, name) => {
    expect(parentOf(path)).toBe(parent);
    expect(nameOf(path)).toBe(name);
  });

  it.each([
    ["/", []],
    ["/a", ["/"]],
    ["/a/b/c", ["/", "/a", "/a/b"]],
  ])("ancestorsOf(%s)", (path, expected) => {
    expect(ancestorsOf(path)).toEqual(expected);
  });

  it.each([
    ["/a/b", "/a", true],
    ["/a", "/a", true],
    ["/ab", "/a", false],
    ["/x", "/", true],
  ])("isWithin(%s, %s) is %s", (path, root, expected) => {
    expect(isWithin(path, root)).toBe(expected);
  });

  it.each([
    [" /a//b/ ", "/a/b"],
    ["a", "/a"],
    ["", "/"],
    ["/a/../b", undefined],
  ])("normalisePath(%j) is %j", (text, expected) => {
    expect(normalisePath(text)).toBe(expected);
  });

  it("maps URL segments to paths and back, encoding what needs it", () => {
    expect(pathFromSegments(undefined)).toBe("/");
    expect(pathFromSegments(["app", "with%20space"])).toBe("/app/with space");
    expect(treeHrefOf("/app/with space")).toBe("/tree/app/with%20space");
    expect(treeHrefOf("/")).toBe("/tree");
  });

  it("sorts by code point so zero-padded sequence numbers keep creation order", () => {
    expect(sortNames(["b", "a10", "A", "a9", "lock-0000000002", "lock-0000000001"])).toEqual([
      "A",
      "a10",
      "a9",
      "b",
      "lock-0000000001",
      "lock-0000000002",
    ]);
  });

  it("filters case-insensitively and keeps the order", () => {
    expect(filterNames(["Alpha", "beta", "alphabet"], "ALP")).toEqual(["Alpha", "alphabet"]);
    const all = ["x", "y"];
    expect(filterNames(all, "  ")).toBe(all);
  });
});

// Checks path validation against ZooKeeper's PathUtils rules plus Keel's byte and depth limits,
// the sequential-suffix rule (validated after the suffix), and the path helpers.
import { describe, expect, it } from "vitest";
import { PATH_BYTES_MAX, PATH_DEPTH_MAX } from "../limits.js";
import {
  baseName,
  isWithin,
  parentPath,
  sequentialNumber,
  sequentialSuffix,
  validateData,
  validatePath,
} from "./path.js";

describe("validatePath", () => {
  it.each(["/", "/a", "/a/b", "/a.b/..c/...", "/ünïcode/雪", "/a b"])("accepts %s", (path) => {
    expect(validatePath(path)).toBeUndefined();
  });

  it.each([
    ["", "non-empty"],
    ["a", "start with /"],
    ["/a/", "end with /"],
    ["//a", "empty segment"],
    ["/a//b", "empty segment"],
    ["/a/.", ". segment"],
    ["/a/../b", ".. segment"],
    ["/a\u0000b", "U+0000"],
    ["/a\u001fb", "U+001F"],
    ["/a\u007fb", "U+007F"],
    ["/a\u0085b", "U+0085"],
    ["/a\ud800b", "U+D800"],
    ["/a\ue000b", "U+E000"],
    ["/a\ufff0b", "U+FFF0"],
  ])("rejects %j (%s)", (path, why) => {
    const error = validatePath(path);
    expect(error?.code).toBe("BADARGUMENTS");
    expect(error?.message).toContain(why);
  });

  it("enforces the byte and depth limits", () => {
    expect(validatePath(`/${"a".repeat(PATH_BYTES_MAX - 1)}`)).toBeUndefined();
    expect(validatePath(`/${"a".repeat(PATH_BYTES_MAX)}`)?.message).toContain("longer than");
    expect(validatePath("/a".repeat(PATH_DEPTH_MAX))).toBeUndefined();
    expect(validatePath("/a".repeat(PATH_DEPTH_MAX + 1))?.message).toContain("deeper than");
  });

  it("validates sequential paths after the suffix", () => {
    expect(validatePath("/a/", { sequential: true })).toBeUndefined();
    expect(validatePath("/", { sequential: true })).toBeUndefined();
    expect(validatePath("/a//", { sequential: true })?.code).toBe("BADARGUMENTS");
  });

  it("checks the data size limit", () => {
    expect(validateData(new Uint8Array(4), 4, "/a")).toBeUndefined();
    expect(validateData(new Uint8Array(5), 4, "/a")?.code).toBe("BADARGUMENTS");
  });
});

describe("path helpers", () => {
  it("splits and nests paths", () => {
    expect(parentPath("/a")).toBe("/");
    expect(parentPath("/a/b/c")).toBe("/a/b");
    expect(baseName("/a/b")).toBe("b");
    expect(isWithin("/a/b", "/a")).toBe(true);
    expect(isWithin("/ab", "/a")).toBe(false);
    expect(isWithin("/x", "/")).toBe(true);
  });

  it("formats the sequential suffix as Java's %010d", () => {
    expect(sequentialSuffix(0)).toBe("0000000000");
    expect(sequentialSuffix(42)).toBe("0000000042");
    expect(sequentialSuffix(2147483647)).toBe("2147483647");
    expect(sequentialSuffix(-5)).toBe("-000000005");
    expect(sequentialSuffix(-2147483648)).toBe("-2147483648");
  });

  it("numbers sequential children by children created, as ZooKeeper does (deletes do not count)", () => {
    // [cversion, numChildren, expected]: 4 creates then 2 deletes → cversion 6, 2 left → next is 4.
    const cases: [number, number, number][] = [
      [0, 0, 0],
      [4, 4, 4],
      [6, 2, 4],
      [7, 3, 5],
      [-2, 2, 0], // a genesis parent (the root: zookeeper and keel were never created)
      [-1, 3, 1], // the root after one create
    ];
    for (const [cversion, numChildren, expected] of cases) {
      expect(sequentialNumber({ cversion, numChildren })).toBe(expected);
    }
  });
});

/** Pins the console's formatting: the strings operators read and e2e tests compare. */
import { describe, expect, it } from "vitest";
import {
  formatAge,
  formatBytes,
  formatClockTime,
  formatCount,
  formatDuration,
  formatSessionId,
  formatZxid,
} from "./format";

const zxidOf = (epoch: number, counter: number) => String((BigInt(epoch) << 32n) | BigInt(counter));

describe("formatZxid", () => {
  it.each([
    [zxidOf(0, 0), "0x0:0"],
    [zxidOf(1, 7), "0x1:7"],
    [zxidOf(26, 4096), "0x1a:4096"],
    ["not-a-zxid", "not-a-zxid"],
    ["-1", "-1"],
  ])("%s → %s", (input, expected) => {
    expect(formatZxid(input)).toBe(expected);
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0 ms"],
    [840, "840 ms"],
    [3_240, "3.2 s"],
    [42_000, "42 s"],
    [252_000, "4 min 12 s"],
    [7_500_000, "2 h 5 min"],
    [3 * 86_400_000 + 4 * 3_600_000, "3 d 4 h"],
    [-1_500, "-1.5 s"],
    [Number.NaN, "–"],
  ])("%d ms → %s", (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe("formatAge", () => {
  it.each([
    [1_000, 1_500, "just now"],
    [1_000, 13_000, "12 s ago"],
    [5_000, 1_000, "just now"],
  ])("then %d now %d → %s", (then, now, expected) => {
    expect(formatAge(then, now)).toBe(expected);
  });
});

describe("formatClockTime", () => {
  it("pads every field", () => {
    const ms = new Date(2026, 0, 2, 3, 4, 5, 6).getTime();
    expect(formatClockTime(ms)).toBe("03:04:05.006");
  });
});

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [512, "512 B"],
    [1536, "1.5 KiB"],
    [3 * 1024 * 1024, "3.0 MiB"],
    [-1, "–"],
  ])("%d → %s", (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});

describe("formatSessionId", () => {
  it.each([
    ["0", "–"],
    ["255", "0xff"],
    ["72057594037927936", "0x100000000000000"],
    ["junk", "junk"],
  ])("%s → %s", (input, expected) => {
    expect(formatSessionId(input)).toBe(expected);
  });
});

describe("formatCount", () => {
  it.each([
    [0, "0"],
    [999, "999"],
    [12_345, "12,345"],
    [1_234_567.4, "1,234,567"],
  ])("%d → %s", (value, expected) => {
    expect(formatCount(value)).toBe(expected);
  });
});

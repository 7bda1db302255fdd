/** The token and identity values `tokens` and `whoami` read and print. */
import { describe, expect, it } from "vitest";
import { identityRows, parsePerms, parseTokenTtl, showPerms, showScope } from "./auth-values.js";
import { UsageError } from "./cli-error.js";

describe("perms", () => {
  it.each([
    ["rwcda", 31],
    ["r", 1],
    ["adcwr", 31],
    ["rw", 3],
    ["cd", 12],
    ["a", 16],
  ])("%s is %i", (text, mask) => {
    expect(parsePerms(text)).toBe(mask);
  });
  it.each([
    [31, "rwcda"],
    [1, "r----"],
    [3, "rw---"],
    [16, "----a"],
    [0, "-----"],
  ])("%i shows as %s", (mask, text) => {
    expect(showPerms(mask)).toBe(text);
  });
  it.each(["", "rx", "rr", "RW", "all"])("refuses %j", (text) => {
    expect(() => parsePerms(text)).toThrow(UsageError);
  });
});

describe("token lifetimes", () => {
  it.each([
    ["60s", 60_000],
    ["15m", 900_000],
    ["12h", 43_200_000],
    ["30d", 2_592_000_000],
    ["2w", 1_209_600_000],
    ["365d", 31_536_000_000],
  ])("%s is %i ms", (text, ms) => {
    expect(parseTokenTtl(text)).toBe(ms);
  });
  it.each(["30", "59s", "366d", "1y", "-1d", "1.5d", ""])("refuses %j", (text) => {
    expect(() => parseTokenTtl(text)).toThrow(UsageError);
  });
});

describe("identity rows", () => {
  it("shows an anonymous caller and a token's scope", () => {
    expect(
      identityRows({
        user: null,
        role: "operator",
        via: "anonymous",
        scope: null,
        expiresAtMs: null,
        authRequired: false,
      }),
    ).toEqual([
      ["user", "(anonymous)"],
      ["role", "operator"],
      ["via", "anonymous"],
      ["scope", "-"],
      ["expires", "-"],
      ["authRequired", "false"],
    ]);
    expect(showScope({ paths: ["/app", "/jobs"], perms: 1 })).toBe("r---- /app,/jobs");
  });
});

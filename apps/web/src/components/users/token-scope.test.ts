/** The token form's scope helpers: perms as letters both ways, and the paths the form accepts. */
import { describe, expect, it } from "vitest";
import { parseScopePaths, permsOfLetters, permsText, TOKEN_TTL_CHOICES } from "./token-scope";

describe("perms as letters", () => {
  it.each([
    [31, "rwcda"],
    [1, "r"],
    [0, "-"],
    [1 | 4 | 8, "rcd"],
  ])("%i → %s", (mask, text) => {
    expect(permsText(mask)).toBe(text);
    expect(permsOfLetters(text === "-" ? [] : text.split(""))).toBe(mask);
  });
});

describe("parseScopePaths", () => {
  it.each([
    ["", { paths: ["/"] }],
    ["/app", { paths: ["/app"] }],
    ["/app/\n /jobs ,/app", { paths: ["/app", "/jobs"] }],
    ["/", { paths: ["/"] }],
    ["app", { error: "app: a path starts with /" }],
    [Array.from({ length: 17 }, (_, i) => `/p${i}`).join("\n"), { error: "at most 16 paths" }],
  ])("%j → %j", (text, expected) => {
    expect(parseScopePaths(text)).toEqual(expected);
  });
});

it("offers only lifetimes the server takes (1 minute to 365 days)", () => {
  for (const { ms } of TOKEN_TTL_CHOICES) {
    expect(ms).toBeGreaterThanOrEqual(60_000);
    expect(ms).toBeLessThanOrEqual(31_536_000_000);
  }
});

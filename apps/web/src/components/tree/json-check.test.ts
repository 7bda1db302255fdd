/** JSON mode: valid data is pretty-printed, invalid data reports the parser's message and position. */
import { describe, expect, it } from "vitest";
import { checkJson, lineColumnOf } from "./json-check";

describe("checkJson", () => {
  it("pretty-prints valid JSON", () => {
    expect(checkJson('{"a":[1,2],"b":null}')).toEqual({
      valid: true,
      pretty: '{\n  "a": [\n    1,\n    2\n  ],\n  "b": null\n}',
    });
  });

  it("reports where invalid JSON breaks", () => {
    const result = checkJson('{\n  "a" 1\n}');
    expect(result.valid).toBe(false);
    if (result.valid) return;
    expect(result.empty).toBe(false);
    expect(result.message.length).toBeGreaterThan(0);
    expect(result.line).toBe(2);
    expect(result.column).toBe(7);
  });

  it("says when there is no data", () => {
    expect(checkJson("  ")).toMatchObject({ valid: false, empty: true });
  });

  it.each([
    ["abc", 0, 1, 1],
    ["a\nbc", 3, 2, 2],
    ["a\n", 2, 2, 1],
  ])("lineColumnOf(%j, %i) is line %i column %i", (text, offset, line, column) => {
    expect(lineColumnOf(text, offset)).toEqual({ line, column });
  });
});

/** Heartbeat ages read to a tenth of a second (format.ts formatRecentAge). */
import { describe, expect, it } from "vitest";
import { formatRecentAge } from "../../lib/format";

describe("formatRecentAge", () => {
  it.each([
    [1000, 1400, "0.4 s ago"],
    [1000, 1000, "0.0 s ago"],
    [1000, 900, "0.0 s ago"],
    [0, 12_345, "12.3 s ago"],
    [0, 125_000, "2 min 5 s ago"],
  ] as const)("%s seen at %s reads %s", (then, now, expected) => {
    expect(formatRecentAge(then, now)).toBe(expected);
  });
});

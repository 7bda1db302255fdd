/** checkHoldLog, the mutual-exclusion check of the lock tests, on hand-written logs. */
import { describe, expect, it } from "vitest";
import { checkHoldLog } from "./hold-log.js";

describe("checkHoldLog", () => {
  it.each([
    {
      name: "alternating holders",
      log: "enter a 0\nexit a 0\nenter b 0\nexit b 0\nenter a 1\nexit a 1\n",
      holds: { a: 2, b: 1 },
      overlaps: 0,
    },
    {
      name: "a second holder entering before the first exits",
      log: "enter a 0\nenter b 0\nexit a 0\nexit b 0\n",
      holds: {},
      overlaps: 3,
    },
    { name: "an exit without an enter", log: "exit a 0\n", holds: {}, overlaps: 1 },
    { name: "a torn line", log: "enter a 0\nexit a 0\nent", holds: { a: 1 }, overlaps: 1 },
    { name: "an empty log", log: "", holds: {}, overlaps: 0 },
  ])("$name", ({ log, holds, overlaps }) => {
    const report = checkHoldLog(log);
    expect(report.holds).toEqual(holds);
    expect(report.overlaps).toHaveLength(overlaps);
  });
});

/** The conflict dialog's diff: numbered lines from both sides, kinds from the line diff. */
import { describe, expect, it } from "vitest";
import { conflictDiff, diffSummary } from "./conflict-diff";

describe("conflictDiff", () => {
  it("marks lines only in the fresh value as theirs and lines only in the edit as mine", () => {
    const lines = conflictDiff("a\nfresh\nc\n", "a\nmine\nc\n");
    expect(lines).toEqual([
      { kind: "same", text: "a", theirsLine: 1, mineLine: 1 },
      { kind: "theirs", text: "fresh", theirsLine: 2 },
      { kind: "mine", text: "mine", mineLine: 2 },
      { kind: "same", text: "c", theirsLine: 3, mineLine: 3 },
    ]);
    expect(diffSummary(lines)).toEqual({ mine: 1, theirs: 1 });
  });

  it("shows identical texts as all-same and single-line values as one change each", () => {
    expect(diffSummary(conflictDiff("x\ny", "x\ny"))).toEqual({ mine: 0, theirs: 0 });
    expect(conflictDiff("v2", "v1-edited").map((line) => `${line.kind}:${line.text}`)).toEqual([
      "theirs:v2",
      "mine:v1-edited",
    ]);
  });
});

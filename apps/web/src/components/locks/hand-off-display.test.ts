/** Hand-offs read as lock or election events; a holder's grant time comes from the newest "acquired". */
import type { HandOff } from "@keel/core";
import { describe, expect, it } from "vitest";
import { grantedAtMs, handOffLabel, isLeadershipChange } from "./hand-off-display";

const handOff = (kind: HandOff["kind"], node: string, timeMs: number): HandOff => ({
  zxid: String(timeMs),
  timeMs,
  kind,
  node,
  sessionId: "1",
});

describe("hand-off display", () => {
  it("speaks each recipe's language", () => {
    expect(handOffLabel("acquired", "lock").text).toBe("acquired");
    expect(handOffLabel("acquired", "election").text).toBe("became leader");
    expect(handOffLabel("forceReleased", "lock").color).toBe("red");
  });

  it("counts only grants and losses as leadership changes", () => {
    expect(
      ["acquired", "released", "forceReleased", "expired", "queued", "withdrawn"].filter((kind) =>
        isLeadershipChange(kind as HandOff["kind"]),
      ),
    ).toEqual(["acquired", "released", "forceReleased", "expired"]);
  });

  it("dates a grant by the newest acquired of that node (history is newest first)", () => {
    const history = [handOff("acquired", "/n2", 30), handOff("released", "/n1", 30), handOff("queued", "/n2", 10)];
    expect(grantedAtMs(history, "/n2")).toBe(30);
    expect(grantedAtMs(history, "/n3")).toBeUndefined();
  });
});

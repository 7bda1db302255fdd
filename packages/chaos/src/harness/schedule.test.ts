/**
 * The nemesis schedule is a pure function of its seed: the same seed replays the same faults,
 * another seed gives others, and every round injects each requested kind once.
 */
import { describe, expect, it } from "vitest";
import { Random } from "./random.js";
import { ALL_NEMESIS_KINDS, firstFaults, isNetworkNemesisKind, type NemesisKind } from "./schedule.js";

describe("faultSchedule", () => {
  it("replays the same schedule from the same seed", () => {
    expect(firstFaults(1234, ALL_NEMESIS_KINDS, 40)).toEqual(firstFaults(1234, ALL_NEMESIS_KINDS, 40));
  });

  it("gives another schedule for another seed", () => {
    expect(firstFaults(1234, ALL_NEMESIS_KINDS, 40)).not.toEqual(firstFaults(1235, ALL_NEMESIS_KINDS, 40));
  });

  it.each([[ALL_NEMESIS_KINDS], [["kill", "pause"] as const], [["kill-all"] as const]])(
    "injects every kind once per round of %j",
    (kinds: readonly NemesisKind[]) => {
      const faults = firstFaults(99, kinds, kinds.length * 4);
      for (let round = 0; round < 4; round++) {
        const roundKinds = faults.slice(round * kinds.length, (round + 1) * kinds.length).map((f) => f.kind);
        expect([...roundKinds].sort()).toEqual([...kinds].sort());
      }
    },
  );

  it("holds pauses and network faults far longer than a syncLimit (400–500 ms) and keeps every duration positive", () => {
    for (const fault of firstFaults(7, ALL_NEMESIS_KINDS, 200)) {
      expect(fault.quietMs).toBeGreaterThan(0);
      const outlastsSyncLimit = fault.kind.startsWith("pause") || isNetworkNemesisKind(fault.kind);
      expect(fault.faultMs).toBeGreaterThan(outlastsSyncLimit ? 1500 : 0);
      expect(fault.targetDraw).toBeGreaterThanOrEqual(0);
      expect(fault.targetDraw).toBeLessThan(1);
    }
  });

  it("rejects an empty list of kinds", () => {
    expect(() => firstFaults(1, [], 1)).toThrow(/at least one/);
  });
});

describe("Random", () => {
  it("stays within its bounds and replays from its seed", () => {
    const a = new Random(5);
    const b = new Random(5);
    for (let i = 0; i < 1000; i++) {
      const value = a.between(3, 9);
      expect(value).toBe(b.between(3, 9));
      expect(value).toBeGreaterThanOrEqual(3);
      expect(value).toBeLessThanOrEqual(9);
    }
  });

  it("shuffles without losing or duplicating items", () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    expect(new Random(8).shuffled(items).sort((x, y) => x - y)).toEqual(items);
  });
});

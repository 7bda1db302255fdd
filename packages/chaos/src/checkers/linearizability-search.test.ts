/**
 * The generic Wing–Gong–Lowe search on a toy model (an integer register: write n, read n), checked
 * against small histories whose answer is known by hand: real-time order, overlap, optional
 * (unknown) operations, the dead end it reports, and the budget.
 */
import { describe, expect, it } from "vitest";
import { type SearchModel, type SearchOperation, searchLinearization } from "./linearizability-search.js";

type Toy = {
  readonly f: "w" | "r";
  readonly n: number;
  readonly at: readonly [number, number];
  readonly unknown?: true;
};

function toyModel(ops: readonly Toy[]): SearchModel<number> {
  return {
    initial: 0,
    step: (state, index) => {
      const op = ops[index];
      if (op === undefined) return undefined;
      if (op.f === "w") return op.n;
      return op.n === state ? state : undefined;
    },
    hash: (state) => state,
    equal: (a, b) => a === b,
  };
}

function search(ops: readonly Toy[], stepsMax = 1_000_000) {
  const operations: SearchOperation[] = ops.map((op) => ({
    invokeMs: op.at[0],
    completeMs: op.unknown ? Number.POSITIVE_INFINITY : op.at[1],
    definite: !op.unknown,
  }));
  return searchLinearization(operations, toyModel(ops), { stepsMax, cacheBytesMax: 1 << 24 });
}

const w = (n: number, from: number, to: number): Toy => ({ f: "w", n, at: [from, to] });
const r = (n: number, from: number, to: number): Toy => ({ f: "r", n, at: [from, to] });

describe("searchLinearization", () => {
  it.each([
    { name: "a read inside a write's interval may see it", ops: [w(1, 0, 10), r(1, 1, 2)], valid: true },
    { name: "a read before a write began may not see it", ops: [r(1, 0, 1), w(1, 2, 3)], valid: false },
    { name: "a read after a write finished must see it", ops: [w(1, 0, 1), r(0, 2, 3)], valid: false },
    { name: "overlapping writes may take either order", ops: [w(1, 0, 5), w(2, 0, 5), r(1, 6, 7)], valid: true },
    { name: "equal timestamps count as concurrent", ops: [w(1, 0, 2), r(1, 2, 3)], valid: true },
  ])("$name", ({ ops, valid }) => {
    expect(search(ops).type).toBe(valid ? "linearizable" : "not-linearizable");
  });

  it("returns an order that respects real time and the model", () => {
    const ops = [w(1, 0, 4), w(2, 1, 3), r(2, 2, 5), r(1, 6, 7), w(3, 8, 9), r(3, 10, 11)];
    const result = search(ops);
    if (result.type !== "linearizable") throw new Error(result.type);
    const order = result.order.map((step) => step.index);
    expect([...order].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const [i, a] of order.entries()) {
      for (const b of order.slice(i + 1)) expect(ops[b]?.at[1]).toBeGreaterThanOrEqual(ops[a]?.at[0] ?? 0);
    }
    expect(order.indexOf(1)).toBeLessThan(order.indexOf(2));
    expect(order.indexOf(2)).toBeLessThan(order.indexOf(0));
  });

  it("may leave an unknown operation out, or place it anywhere after its invoke", () => {
    const never = search([w(1, 0, 1), { ...w(9, 2, 3), unknown: true }, r(1, 4, 5)]);
    expect(never.type === "linearizable" && never.order.map((step) => step.index)).toEqual([0, 2]);
    const late = search([w(1, 0, 1), { ...w(9, 2, 3), unknown: true }, r(1, 4, 5), r(9, 100, 101)]);
    expect(late.type).toBe("linearizable");
    const early = search([{ ...w(9, 50, 51), unknown: true }, r(9, 10, 11)]);
    expect(early.type).toBe("not-linearizable");
  });

  it("reports the deepest dead end: the prefix and the operation that could not follow it", () => {
    const result = search([w(1, 0, 1), w(2, 2, 3), r(1, 4, 5), r(2, 6, 7)]);
    expect(result).toMatchObject({
      type: "not-linearizable",
      culprit: 2,
      longestPrefix: [
        { index: 0, stateAfter: 1 },
        { index: 1, stateAfter: 2 },
      ],
      rejectedStates: [2],
      culpritEverAccepted: false,
    });
  });

  it("stops at the step budget", () => {
    const ops = Array.from({ length: 40 }, (_, i) => w(i, 0, 100)).concat([r(-1, 101, 102)]);
    expect(search(ops, 1_000)).toMatchObject({ type: "budget-exceeded" });
  });

  it("refuses an interchange class on a definite operation", () => {
    const operations: SearchOperation[] = [{ invokeMs: 0, completeMs: 1, definite: true, interchangeClass: 0 }];
    expect(() =>
      searchLinearization(operations, toyModel([w(1, 0, 1)]), { stepsMax: 10, cacheBytesMax: 1_000 }),
    ).toThrow(/has a class/);
  });
});

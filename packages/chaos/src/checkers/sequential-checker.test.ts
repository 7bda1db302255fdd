/**
 * The sequential-create checker on hand-written records: known-good ones must be valid, and each
 * known-bad one must be an anomaly whose text names what broke (duplicate name, lost create, gap,
 * phantom child, a refused create that took effect, real-time order).
 */
import { describe, expect, it } from "vitest";
import { checkSequential, type ListedChild, type SequentialCreate, sequentialNumber } from "./sequential-checker.js";

const name = (n: number) => `s-${String(n).padStart(10, "0")}`;

function ok(process: number, n: number, at: readonly [number, number], seq: number): SequentialCreate {
  return { process, data: `${process}:${n}`, invokeMs: at[0], completeMs: at[1], outcome: "ok", name: name(seq) };
}
function unknown(process: number, n: number, invokeMs: number): SequentialCreate {
  return { process, data: `${process}:${n}`, invokeMs, completeMs: undefined, outcome: "unknown", error: "timeout" };
}
function fail(process: number, n: number, at: readonly [number, number]): SequentialCreate {
  return { process, data: `${process}:${n}`, invokeMs: at[0], completeMs: at[1], outcome: "fail", error: "NOTREADY" };
}
const child = (seq: number, data: string): ListedChild => ({ name: name(seq), data });
const listingOf = (creates: readonly SequentialCreate[]) =>
  creates.flatMap((create) => (create.name === undefined ? [] : [{ name: create.name, data: create.data }]));

const record = (creates: readonly SequentialCreate[], listing: readonly ListedChild[] | undefined) => ({
  parent: "/chaos-seq",
  creates,
  listing,
});

describe("checkSequential: known-good records", () => {
  const concurrent = [ok(0, 0, [0, 10], 1), ok(1, 0, [1, 9], 0), ok(2, 0, [12, 20], 2)];
  const withUnknown = [ok(0, 0, [0, 5], 0), unknown(1, 0, 3), fail(2, 0, [4, 6]), ok(0, 1, [6, 8], 2)];
  const cases = [
    { name: "nothing created", record: record([], []) },
    { name: "concurrent creates may take either order", record: record(concurrent, listingOf(concurrent)) },
    {
      name: "an unknown create that took effect, a refused one that did not",
      record: record(withUnknown, [...listingOf(withUnknown), child(1, "1:0")]),
    },
    {
      name: "an unknown create that did not take effect",
      record: record([unknown(1, 0, 0), ok(0, 0, [5, 8], 0)], [child(0, "0:0")]),
    },
  ];
  it.each(cases)("$name", ({ record }) => {
    const result = checkSequential(record);
    expect(result.anomalies).toEqual([]);
    expect(result.verdict).toBe("valid");
  });

  it("counts outcomes and the unknown creates that took effect", () => {
    const result = checkSequential(record(withUnknown, [...listingOf(withUnknown), child(1, "1:0")]));
    expect(result.stats).toEqual({
      "create ok": 2,
      "create fail": 1,
      "create unknown": 1,
      "unknown that took effect": 1,
      children: 3,
    });
  });
});

describe("checkSequential: known-bad records", () => {
  const cases: { name: string; creates: SequentialCreate[]; listing: ListedChild[]; anomaly: RegExp }[] = [
    {
      name: "two acknowledged creates with one name",
      creates: [ok(0, 0, [0, 5], 0), ok(1, 0, [1, 6], 0)],
      listing: [child(0, "0:0")],
      anomaly: /duplicate sequential name s-0000000000: create "0:0".*create "1:0"/,
    },
    {
      name: "an acknowledged create lost",
      creates: [ok(0, 0, [0, 5], 0), ok(0, 1, [6, 9], 1)],
      listing: [child(0, "0:0")],
      anomaly: /lost acknowledged create: create "0:1" by process 0 .*s-0000000001\) is not in the final listing/,
    },
    {
      name: "a gap in the numbers",
      creates: [ok(0, 0, [0, 5], 0), ok(0, 1, [6, 9], 3)],
      listing: [child(0, "0:0"), child(3, "0:1")],
      anomaly: /gap in sequential numbers: 2 children, highest 3, missing 1, 2/,
    },
    {
      name: "a phantom child nobody wrote",
      creates: [ok(0, 0, [0, 5], 0)],
      listing: [child(0, "0:0"), child(1, "7:7")],
      anomaly: /phantom child \/chaos-seq\/s-0000000001: data "7:7" was written by no create/,
    },
    {
      name: "a refused create that took effect",
      creates: [ok(0, 0, [0, 5], 0), fail(1, 0, [1, 2])],
      listing: [child(0, "0:0"), child(1, "1:0")],
      anomaly: /phantom child \/chaos-seq\/s-0000000001: written by a refused create \(NOTREADY\): create "1:0"/,
    },
    {
      name: "an acknowledged create listed with other data",
      creates: [ok(0, 0, [0, 5], 0), unknown(1, 0, 1)],
      listing: [child(0, "1:0")],
      anomaly: /wrong data: create "0:0" .* is listed with data "1:0"/,
    },
    {
      name: "one create applied twice",
      creates: [unknown(1, 0, 1)],
      listing: [child(0, "1:0"), child(1, "1:0")],
      anomaly: /create "1:0" applied 2 times: s-0000000000, s-0000000001/,
    },
    {
      name: "real-time order broken between acknowledged creates",
      creates: [ok(0, 0, [0, 5], 1), ok(1, 0, [6, 9], 0)],
      listing: [child(0, "1:0"), child(1, "0:0")],
      anomaly:
        /real-time order broken: create "0:0" .* got number 1, but create "1:0" .* invoked after that, got number 0/,
    },
    {
      name: "real-time order broken by an unknown create that took effect",
      creates: [ok(0, 0, [0, 5], 1), unknown(1, 0, 6)],
      listing: [child(0, "1:0"), child(1, "0:0")],
      anomaly: /real-time order broken: create "0:0" .* got number 1, but create "1:0" .*no answer.*got number 0/,
    },
  ];
  it.each(cases)("$name", ({ creates, listing, anomaly }) => {
    const result = checkSequential(record(creates, listing));
    expect(result.verdict).toBe("anomaly");
    expect(result.anomalies.join("\n")).toMatch(anomaly);
  });

  it("is unknown, not valid, without the final listing", () => {
    const result = checkSequential(record([ok(0, 0, [0, 5], 0)], undefined));
    expect(result.verdict).toBe("unknown");
    expect(result.anomalies).toEqual(["no final listing: lost, phantom and gap checks not run"]);
  });
});

describe("sequentialNumber", () => {
  it.each([
    ["s-0000000042", 42],
    ["0000000000", 0],
    ["s--000000001", -1],
    ["s-42", undefined],
  ])("%s → %s", (input, expected) => {
    expect(sequentialNumber(input)).toBe(expected);
  });
});

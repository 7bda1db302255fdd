/**
 * The register linearizability checker against hand-written histories (known good, and known bad
 * with the anomaly each must name) and against generated ones: valid by construction from a seeded
 * sequential simulation. No timing asserts: the large history only has to finish and be valid.
 */
import { describe, expect, it } from "vitest";
import type { History, Operation, Outcome, RegisterOp } from "../history.js";
import { formatHistory, formatRegisterCheckResult } from "./index.js";
import { randomRegisterHistory } from "./random-register-history.js";
import { checkRegisterHistory, type RegisterCheckResult } from "./register-checker.js";

type Spec = Omit<Operation, "id">;

/** `[invoke, complete]`; complete is undefined for unknown outcomes. */
type Interval = readonly [number, number | undefined];

function spec(process: number, at: Interval, op: RegisterOp, outcome: Outcome, key: string): Spec {
  const error = outcome === "fail" ? { error: "BADVERSION" } : outcome === "unknown" ? { error: "timeout" } : {};
  return {
    process,
    key,
    op,
    invokeMs: at[0],
    completeMs: outcome === "unknown" ? undefined : at[1],
    outcome,
    ...error,
  };
}
const read = (p: number, at: Interval, value: string, version: number, key = "/k") =>
  spec(p, at, { f: "read", value, version }, "ok", key);
const write = (p: number, at: Interval, value: string, version?: number, key = "/k") =>
  spec(p, at, version === undefined ? { f: "write", value } : { f: "write", value, version }, "ok", key);
const writeUnknown = (p: number, invokeMs: number, value: string, key = "/k") =>
  spec(p, [invokeMs, undefined], { f: "write", value }, "unknown", key);
const cas = (p: number, at: Interval, expectedVersion: number, value: string, outcome: Outcome, key = "/k") =>
  spec(
    p,
    at,
    outcome === "ok"
      ? { f: "cas", expectedVersion, value, version: expectedVersion + 1 }
      : { f: "cas", expectedVersion, value },
    outcome,
    key,
  );

/** Ids in invoke order, as the recorder assigns them. */
function history(...specs: Spec[]): History {
  return [...specs].sort((a, b) => a.invokeMs - b.invokeMs).map((s, id) => ({ id, ...s }));
}

function expectInvalid(result: RegisterCheckResult): Extract<RegisterCheckResult, { type: "invalid" }> {
  if (result.type !== "invalid") throw new Error(`expected invalid, got ${formatRegisterCheckResult(result)}`);
  return result;
}

describe("checkRegisterHistory: known-good histories", () => {
  const cases: { name: string; history: History }[] = [
    { name: "empty", history: [] },
    {
      name: "sequential",
      history: history(
        read(1, [0, 1], "", 0),
        write(1, [2, 3], "a", 1),
        read(2, [4, 5], "a", 1),
        cas(2, [6, 7], 1, "b", "ok"),
        read(1, [8, 9], "b", 2),
      ),
    },
    {
      name: "concurrent writes, reads see a then b",
      history: history(
        write(1, [0, 10], "a"),
        write(2, [0, 10], "b"),
        read(3, [1, 11], "a", 1),
        read(4, [2, 12], "b", 2),
      ),
    },
    {
      name: "concurrent writes, reads see b then a",
      history: history(
        write(1, [0, 10], "a"),
        write(2, [0, 10], "b"),
        read(3, [1, 11], "b", 1),
        read(4, [2, 12], "a", 2),
      ),
    },
    {
      name: "cas race: one wins, one fails with BADVERSION",
      history: history(
        write(1, [0, 1], "a", 1),
        cas(1, [10, 20], 1, "b", "ok"),
        cas(2, [10, 20], 1, "c", "fail"),
        read(3, [21, 22], "b", 2),
      ),
    },
    {
      name: "unknown write that took effect (a later read sees it)",
      history: history(
        write(1, [0, 1], "a", 1),
        writeUnknown(2, 2, "b"),
        read(3, [10, 11], "b", 2),
        write(3, [12, 13], "c", 3),
      ),
    },
    {
      name: "unknown write that never took effect (later reads never see it)",
      history: history(
        write(1, [0, 1], "a", 1),
        writeUnknown(2, 2, "b"),
        read(3, [10, 11], "a", 1),
        read(3, [20, 21], "a", 1),
        write(3, [30, 31], "c", 2),
      ),
    },
    {
      name: "unknown cas that took effect",
      history: history(write(1, [0, 1], "a", 1), cas(2, [2, undefined], 1, "b", "unknown"), read(3, [10, 11], "b", 2)),
    },
    {
      name: "unknown cas that did not (its version was stale)",
      history: history(
        write(1, [0, 1], "a", 1),
        cas(2, [2, undefined], 0, "b", "unknown"),
        read(3, [10, 11], "a", 1),
        cas(3, [12, 13], 1, "c", "ok"),
      ),
    },
    {
      name: "unknown and failed operations whose values nobody reads are left out",
      history: history(
        spec(1, [0, undefined], { f: "read" }, "unknown", "/k"),
        spec(2, [0, 5], { f: "write", value: "lost" }, "fail", "/k"),
        read(3, [6, 7], "", 0),
      ),
    },
    {
      name: "many keys interleaved",
      history: history(
        write(1, [0, 4], "a", 1, "/k1"),
        write(2, [1, 5], "x", 1, "/k2"),
        read(3, [2, 6], "", 0, "/k1"),
        read(4, [3, 7], "x", 1, "/k2"),
        cas(1, [8, 9], 1, "b", "ok", "/k1"),
        cas(2, [8, 9], 0, "y", "fail", "/k2"),
        read(3, [10, 11], "b", 2, "/k1"),
        read(4, [10, 11], "x", 1, "/k2"),
      ),
    },
  ];
  it.each(cases)("$name is linearizable", ({ history: h }) => {
    const result = checkRegisterHistory(h);
    expect(result, formatRegisterCheckResult(result)).toMatchObject({ type: "valid", valid: true });
    expect(result).toMatchObject({ keys: new Set(h.map((o) => o.key)).size, operations: h.length });
  });

  it.each([1, 2, 3, 4, 5])("a generated history (seed %i, 600 ops, 12 processes, some unknown) is valid", (seed) => {
    const h = randomRegisterHistory({
      seed,
      operations: 600,
      processes: 12,
      keys: ["/a", "/b", "/c"],
      unknownRate: 0.05,
    });
    expect(h.filter((o) => o.outcome === "unknown").length).toBeGreaterThan(0);
    const result = checkRegisterHistory(h);
    expect(result, formatRegisterCheckResult(result)).toMatchObject({ type: "valid", keys: 3 });
  });

  it("a valid history of ~5,000 ops on 5 keys with 10 processes completes", () => {
    const keys = ["/p0", "/p1", "/p2", "/p3", "/p4"];
    const h = randomRegisterHistory({ seed: 42, operations: 5_500, processes: 10, keys, unknownRate: 0.01 });
    expect(h.length).toBeGreaterThan(4_500);
    const result = checkRegisterHistory(h);
    expect(result, formatRegisterCheckResult(result)).toMatchObject({ type: "valid", keys: 5, operations: h.length });
  });
});

describe("checkRegisterHistory: known-bad histories", () => {
  const cases: { name: string; history: History; culprit: RegisterOp["f"]; message: RegExp; prefix: number }[] = [
    {
      name: "stale read after a completed write",
      history: history(write(1, [0, 1], "a", 1), write(1, [2, 3], "b", 2), read(2, [4, 5], "a", 1)),
      culprit: "read",
      message: /returned "a" \(version 1\), but every linearization allows only "b" \(version 2\): a stale read/,
      prefix: 2,
    },
    {
      name: "lost acknowledged write: never visible, later reads show the older value",
      history: history(
        write(1, [0, 1], "a", 1),
        write(2, [2, 3], "b"),
        read(3, [4, 5], "a", 1),
        read(3, [6, 7], "a", 1),
      ),
      culprit: "read",
      message: /a stale read \(the write of "b" by p2, acknowledged at 3\.0 ms before this read began, is not visible/,
      prefix: 2,
    },
    {
      name: "cas reported ok on the wrong version",
      history: history(write(1, [0, 1], "a", 1), cas(2, [2, 3], 0, "b", "ok")),
      culprit: "cas",
      message:
        /expecting version 0 .* every linearization allows only "a" \(version 1\): a cas that reported ok on the wrong version/,
      prefix: 1,
    },
    {
      name: "read of a value never written",
      history: history(write(1, [0, 1], "a", 1), read(2, [2, 3], "zzz", 1)),
      culprit: "read",
      message: /returned "zzz" \(version 1\).*: a read of a value never written/,
      prefix: 1,
    },
    {
      name: "read of a failed write's value (fail means it never happened)",
      history: history(spec(1, [0, 1], { f: "write", value: "x" }, "fail", "/k"), read(2, [2, 3], "x", 1)),
      culprit: "read",
      message: /a read of a value never written/,
      prefix: 0,
    },
    {
      name: "read version disagrees with its value",
      history: history(write(1, [0, 1], "a", 1), write(1, [2, 3], "b", 2), read(2, [4, 5], "a", 2)),
      culprit: "read",
      message: /returned "a" \(version 2\).*: the read's version disagrees with its value/,
      prefix: 2,
    },
    {
      name: "write that appears to take effect before it was invoked",
      history: history(read(1, [0, 1], "b", 1), write(2, [2, 3], "b", 1)),
      culprit: "read",
      message: /began at 2\.0 ms, after this read returned: a write that appears to take effect before it was invoked/,
      prefix: 0,
    },
    {
      name: "write that reports a skipped version",
      history: history(write(1, [0, 1], "a", 1), write(1, [2, 3], "b", 3)),
      culprit: "write",
      message: /of "b" reported version 3, but every linearization allows only "a" \(version 1\)/,
      prefix: 1,
    },
  ];
  it.each(cases)("$name is invalid and explained", ({ history: h, culprit, message, prefix }) => {
    const result = expectInvalid(checkRegisterHistory(h));
    expect(result.key).toBe("/k");
    expect(result.operation.op.f).toBe(culprit);
    expect(result.message).toMatch(message);
    expect(result.prefix).toHaveLength(prefix);
    // The prefix never contains the culprit, and every step's state is what the model produced.
    expect(result.prefix.map((step) => step.operation.id)).not.toContain(result.operation.id);
  });

  it.each([
    { reported: 2, valid: true },
    { reported: 4, valid: true },
    { reported: 5, valid: true },
    { reported: 6, valid: false },
  ])(
    "unread unknown writes explain a version jump to $reported only if enough of them exist",
    ({ reported, valid }) => {
      const h = history(
        write(1, [0, 1], "a", 1),
        writeUnknown(2, 2, "x"),
        writeUnknown(3, 3, "y"),
        writeUnknown(4, 4, "z"),
        write(5, [10, 11], "b", reported),
        read(5, [12, 13], "b", reported),
      );
      const result = checkRegisterHistory(h);
      expect(result.valid, formatRegisterCheckResult(result)).toBe(valid);
      if (!valid) expect(expectInvalid(result).message).toMatch(/write of \/k by p5 .* of "b" reported version 6/);
    },
  );

  it.each([11, 12, 13])("a generated history with one read corrupted (seed %i) is invalid at that read", (seed) => {
    const h = randomRegisterHistory({ seed, operations: 800, processes: 10, keys: ["/a", "/b"], unknownRate: 0.05 });
    const reads = h.filter((o) => o.outcome === "ok" && o.op.f === "read");
    const target = reads[Math.floor(reads.length / 2)];
    if (target === undefined || target.op.f !== "read") throw new Error("generator produced no reads");
    const corrupted = h.map((o) => (o === target ? { ...o, op: { ...target.op, value: "bogus" } } : o));
    const result = expectInvalid(checkRegisterHistory(corrupted));
    expect(result.key).toBe(target.key);
    expect(result.operation.id).toBe(target.id);
    expect(result.message).toMatch(/returned "bogus" .*: a read of a value never written/);
  });

  it.each([21, 22, 23])(
    "a generated history plus a final read of the initial state (seed %i) is a stale read",
    (seed) => {
      const h = randomRegisterHistory({ seed, operations: 500, processes: 10, keys: ["/a"], unknownRate: 0.05 });
      const lastMs = Math.max(...h.map((o) => o.completeMs ?? o.invokeMs));
      const stale = { id: h.length, ...read(99, [lastMs + 1, lastMs + 2], "", 0, "/a") };
      const result = expectInvalid(checkRegisterHistory([...h, stale]));
      expect(result.operation.id).toBe(stale.id);
      expect(result.message).toMatch(/returned "" \(version 0\), but every linearization allows only .*: a stale read/);
    },
  );

  it("names the concurrent operations that could have been reordered", () => {
    const h = history(
      write(1, [0, 1], "a", 1),
      write(2, [2, 10], "b"),
      write(3, [3, 11], "c"),
      read(4, [4, 12], "d", 2),
    );
    const result = expectInvalid(checkRegisterHistory(h));
    expect(result.operation.op).toEqual({ f: "read", value: "d", version: 2 });
    expect(result.concurrent.map((o) => o.op.f === "write" && o.op.value).sort()).toEqual(["b", "c"]);
    // Every state the read could have run in: before both writes, after either, after both.
    expect(result.allowedStates).toEqual([
      { value: "a", version: 1 },
      { value: "b", version: 2 },
      { value: "c", version: 2 },
      { value: "b", version: 3 },
      { value: "c", version: 3 },
    ]);
    expect(result.message).toMatch(/a read of a value never written/);
  });

  it("reports the bad key among many good ones (P-compositionality)", () => {
    const good = randomRegisterHistory({ seed: 7, operations: 400, processes: 8, keys: ["/g1", "/g2", "/g3", "/g4"] });
    const lastMs = Math.max(...good.map((o) => o.completeMs ?? o.invokeMs));
    const bad = [
      write(100, [lastMs + 1, lastMs + 2], "new", 1, "/bad"),
      read(101, [lastMs + 3, lastMs + 4], "", 0, "/bad"),
    ].map((s, i) => ({ id: good.length + i, ...s }));
    const result = expectInvalid(checkRegisterHistory([...good, ...bad]));
    expect(result).toMatchObject({ key: "/bad", invalidKeys: ["/bad"], keys: 5 });
    expect(result.message).toMatch(/^read of \/bad by p101 .*: a stale read/);
    expect(checkRegisterHistory(good)).toMatchObject({ type: "valid" });
  });

  it("answers unknown, not forever, when the search budget runs out", () => {
    const h = randomRegisterHistory({ seed: 3, operations: 300, processes: 10, keys: ["/a"], unknownRate: 0.1 });
    const expected = {
      type: "unknown",
      valid: "unknown",
      reason: "search budget exceeded",
      key: "/a",
      keys: 1,
      operations: h.length,
    };
    expect(checkRegisterHistory(h, { searchStepsMax: 20 })).toEqual(expected);
    expect(checkRegisterHistory(h, { cacheBytesMax: 1_000 })).toEqual(expected);
    expect(checkRegisterHistory(h)).toMatchObject({ type: "valid" });
  });

  it("rejects a history with an ok operation that never completed", () => {
    const broken: History = [
      {
        id: 0,
        process: 1,
        key: "/k",
        op: { f: "write", value: "a" },
        invokeMs: 0,
        completeMs: undefined,
        outcome: "ok",
      },
    ];
    expect(() => checkRegisterHistory(broken)).toThrow(/no completeMs/);
  });
});

describe("reports", () => {
  it("formats an invalid result with the prefix tail, the culprit and its concurrent operations", () => {
    const h = history(
      write(1, [0, 1], "a", 1),
      write(1, [2, 3], "b", 2),
      writeUnknown(3, 3.5, "c"),
      read(2, [4, 5], "a", 1),
    );
    const report = formatRegisterCheckResult(checkRegisterHistory(h));
    expect(report).toContain("NOT linearizable on key /k: read of /k by p2");
    expect(report).toContain('#1 p1 /k [2.0, 3.0] ms ok write("b") → version 2  ⇒ "b" (version 2)');
    expect(report).toContain('could not linearize:\n  #3 p2 /k [4.0, 5.0] ms ok read → "a" version 1');
    expect(report).toContain('concurrent with it:\n  #2 p3 /k [3.5, ?] ms unknown write("c") (timeout)');
  });

  it("formatHistory shows the last operations in invoke order and counts the rest", () => {
    const h = history(read(1, [0, 1], "", 0), write(1, [2, 3], "a", 1), cas(2, [4, 5], 1, "b", "fail"));
    expect(formatHistory(h, { limit: 2 }).split("\n")).toEqual([
      "  … 1 earlier operation",
      '  #1 p1 /k [2.0, 3.0] ms ok write("a") → version 1',
      '  #2 p2 /k [4.0, 5.0] ms fail cas(v1 → "b") (BADVERSION)',
    ]);
  });
});

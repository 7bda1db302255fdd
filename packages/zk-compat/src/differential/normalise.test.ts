/**
 * Unit tests of the differential test's pure parts, on hand-written runs: normalisation
 * (zxid labels by step, session names, times, sorted lists) and the comparison with its
 * documented differences. No servers.
 */
import { describe, expect, it } from "vitest";
import { compareRuns } from "./compare.js";
import { documentedDifferences } from "./differences.js";
import { type Json, type NormalStepResult, normaliseRun, type RawStepResult } from "./normalise.js";
import type { Step } from "./script.js";

function stat(fields: {
  czxid: number;
  mzxid?: number;
  pzxid?: number;
  owner?: string;
  ctime?: number;
  mtime?: number;
}) {
  return {
    czxid: String(fields.czxid),
    mzxid: String(fields.mzxid ?? fields.czxid),
    ctime: fields.ctime ?? 1000,
    mtime: fields.mtime ?? fields.ctime ?? 1000,
    version: 0,
    cversion: 0,
    aversion: 0,
    ephemeralOwner: fields.owner ?? "0",
    dataLength: 0,
    numChildren: 0,
    pzxid: String(fields.pzxid ?? fields.czxid),
  };
}

const steps: Step[] = [
  { id: "open", op: "open" },
  { id: "base", op: "create2", path: "/d" },
  { id: "root", op: "exists", path: "/" },
  { id: "eph", op: "create2", path: "/d/e", mode: "ephemeral" },
  { id: "set", op: "set", path: "/d" },
  { id: "list", op: "children2", path: "/d" },
];

/** A run whose zxids start at `z0`, whose session id is `session` and whose clock is `t0`. */
function run(z0: bigint, session: string, t0: number, children: string[]): RawStepResult[] {
  const z = (k: number) => Number(z0) + k;
  return [
    { step: "open", ok: { sessionId: session } },
    { step: "base", ok: { path: "/d", stat: stat({ czxid: z(0), ctime: t0 }) } },
    { step: "root", ok: { stat: stat({ czxid: 0, pzxid: z(0), ctime: 0 }) } },
    { step: "eph", ok: { path: "/d/e", stat: stat({ czxid: z(2), owner: session, ctime: t0 + 5 }) } },
    { step: "set", ok: { stat: stat({ czxid: z(0), mzxid: z(3), pzxid: z(2), ctime: t0, mtime: t0 + 9 }) } },
    { step: "list", ok: { children: children as Json, stat: stat({ czxid: z(0), mzxid: z(3), pzxid: z(5) }) } },
  ];
}

const normal = (raw: RawStepResult[]): NormalStepResult[] => normaliseRun(steps, raw, "base");

describe("normaliseRun", () => {
  it("labels zxids by the step that first showed them, keeping equalities", () => {
    const [, base, root, eph, set, list] = normal(run(4_294_967_296n, "72057594037927936", 5, ["b", "a"]));
    expect(base?.outcome).toMatchObject({ ok: { stat: { czxid: "@base", mzxid: "@base", pzxid: "@base" } } });
    expect(root?.outcome).toMatchObject({ ok: { stat: { czxid: "0", pzxid: "@base", ctime: "0", mtime: "0" } } });
    expect(eph?.outcome).toMatchObject({ ok: { stat: { czxid: "@eph", ephemeralOwner: "session:a" } } });
    expect(set?.outcome).toMatchObject({
      ok: { stat: { czxid: "@base", mzxid: "@set", pzxid: "@eph", ctime: "set", mtime: ">=ctime" } },
    });
    expect(list?.outcome).toMatchObject({ ok: { children: ["a", "b"], stat: { pzxid: "@list" } } });
  });

  it("makes runs with other absolute zxids, sessions, times and child order equal", () => {
    const first = normal(run(2n, "72059293874520064", 1_796_242_483_732, ["a", "b"]));
    const second = normal(run(8_589_934_593n, "216172782113783808", 7, ["b", "a"]));
    expect(second).toEqual(first);
  });

  it("keeps a real difference visible, and its effect on later labels confined", () => {
    const raw = run(2n, "99", 5, ["a"]);
    const changed = raw.map((r) => (r.step === "set" ? { step: "set", error: "BadVersionError" } : r));
    const { mismatches } = compareRuns(normal(raw), normal(changed), []);
    // The zxid "set" no longer shows is first seen by "list": only that label moves.
    expect(mismatches.map((m) => [m.step, m.other])).toEqual([
      ["set", { error: "BadVersionError" }],
      [
        "list",
        { ok: expect.objectContaining({ stat: expect.objectContaining({ mzxid: "@list", pzxid: "@list#2" }) }) },
      ],
    ]);
    expect(mismatches[1]?.reference).toMatchObject({ ok: { stat: { mzxid: "@set", pzxid: "@list" } } });
  });

  it("labels a zxid older than the baseline `pre`, and an unknown owner by its hex", () => {
    const raw = run(10n, "99", 5, []);
    raw[3] = { step: "eph", ok: { path: "/d/e", stat: stat({ czxid: 3, owner: "-9223372036854775808" }) } };
    expect(normal(raw)[3]?.outcome).toMatchObject({
      ok: { stat: { czxid: "pre", ephemeralOwner: "other:8000000000000000" } },
    });
  });

  it("throws when the run did not answer every step", () => {
    expect(() => normal(run(2n, "1", 5, []).slice(0, 4))).toThrow(/answered 4 of 6/);
  });
});

describe("compareRuns with the documented differences", () => {
  const rootStat = { czxid: "0", numChildren: 2, cversion: 0, pzxid: "@x" };
  const zk = (outcome: NormalStepResult["outcome"], step: string): NormalStepResult[] => [{ step, outcome }];

  it("accepts Keel's extra root child, and nothing more", () => {
    const reference = zk({ ok: { children: ["d", "zookeeper"] } }, "children / (start)");
    const keel = zk({ ok: { children: ["d", "keel", "zookeeper"] } }, "children / (start)");
    const extra = zk({ ok: { children: ["d", "keel", "other", "zookeeper"] } }, "children / (start)");
    expect(compareRuns(reference, keel, documentedDifferences)).toMatchObject({
      mismatches: [],
      accepted: ["children / (start)"],
    });
    expect(compareRuns(reference, extra, documentedDifferences).mismatches).toHaveLength(1);
  });

  it("accepts the root stat's extra child but not another changed field", () => {
    const reference = zk({ ok: { stat: rootStat } }, "exists / (end)");
    const keel = zk({ ok: { stat: { ...rootStat, numChildren: 3, cversion: -1 } } }, "exists / (end)");
    const wrong = zk({ ok: { stat: { ...rootStat, numChildren: 3, cversion: -1, pzxid: "@y" } } }, "exists / (end)");
    expect(compareRuns(reference, keel, documentedDifferences).mismatches).toEqual([]);
    expect(compareRuns(reference, wrong, documentedDifferences).mismatches).toHaveLength(1);
  });

  it("reports a documented difference that did not show", () => {
    const same = zk({ ok: { stat: null } }, "exists emptied container");
    expect(compareRuns(same, same, documentedDifferences)).toMatchObject({
      mismatches: [],
      unobserved: ["exists emptied container"],
    });
  });

  it("fails an undocumented step even when another step is documented", () => {
    const reference = zk({ ok: { path: "/d/p/s-0000000003" } }, "create persistent_sequential after deletes");
    const other = zk({ ok: { path: "/d/p/s-0000000005" } }, "create persistent_sequential after deletes");
    expect(compareRuns(reference, other, documentedDifferences).mismatches).toEqual([
      {
        step: "create persistent_sequential after deletes",
        reference: reference[0]?.outcome,
        other: other[0]?.outcome,
      },
    ]);
  });
});

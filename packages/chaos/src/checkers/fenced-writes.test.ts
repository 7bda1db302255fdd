/**
 * The fenced-write checks on tables of records: a known-good run passes, and each known-bad record
 * yields exactly the one anomaly it plants, named in words (out of token order, stale write
 * accepted, paused write accepted after a freeze). Stats count paused-holder writes by outcome.
 */
import { describe, expect, it } from "vitest";
import { checkFencedWrites, type FencedWrite, type FencingWords, type Grant } from "./fenced-writes.js";

const WORDS: FencingWords = { holder: "holder", token: "token", granted: "acquired" };

const grants: Grant[] = [
  { contender: 0, token: "100", invokeMs: 0, completeMs: 10 },
  { contender: 1, token: "200", invokeMs: 5, completeMs: 50 },
  { contender: 2, token: "300", invokeMs: 40, completeMs: 90 },
];

function write(fields: Partial<FencedWrite> & Pick<FencedWrite, "contender" | "token">): FencedWrite {
  return {
    value: `${fields.token}:${fields.contender}:0`,
    invokeMs: 0,
    completeMs: 1,
    outcome: "ok",
    pausedHolder: false,
    ...fields,
  };
}

const good: FencedWrite[] = [
  write({ contender: 0, token: "100", invokeMs: 12, completeMs: 14, zxid: "110" }),
  write({ contender: 0, token: "100", invokeMs: 20, completeMs: 22, zxid: "120" }),
  write({ contender: 1, token: "200", invokeMs: 52, completeMs: 55, zxid: "210" }),
  // A paused holder's late write, rejected by the fence.
  write({
    contender: 0,
    token: "100",
    invokeMs: 30,
    heldUntilMs: 95,
    completeMs: 96,
    outcome: "fail",
    pausedHolder: true,
  }),
  // Unknown writes have no place in the server order and prove nothing.
  write({ contender: 1, token: "200", invokeMs: 60, completeMs: undefined, outcome: "unknown" }),
  write({ contender: 2, token: "300", invokeMs: 92, completeMs: 94, zxid: "310" }),
];

describe("checkFencedWrites", () => {
  it("passes a known-good record and counts writes by kind", () => {
    const result = checkFencedWrites(good, grants, WORDS);
    expect(result.anomalies).toEqual([]);
    expect(result.stats).toMatchObject({
      "fenced write ok": 4,
      "fenced write unknown": 1,
      "paused-holder write rejected": 1,
      "paused-holder write accepted": 0,
    });
  });

  const bad: { name: string; writes: FencedWrite[]; expected: RegExp }[] = [
    {
      name: "an old holder's write applied after a newer holder's",
      writes: [
        write({ contender: 1, token: "200", invokeMs: 52, completeMs: 55, zxid: "210" }),
        write({ contender: 0, token: "100", invokeMs: 40, completeMs: 56, zxid: "211" }),
      ],
      expected:
        /^fenced write out of token order: contender 0's write "100:0:0" with token 100 .*zxid 211\) was applied after contender 1's write "200:1:0" with token 200 .*zxid 210\); a holder wrote after a newer holder had written$/,
    },
    {
      name: "a stale write sent after the newer grant completed, accepted (and landing last)",
      writes: [write({ contender: 0, token: "100", invokeMs: 60, completeMs: 61, zxid: "250" })],
      expected:
        /^fenced write from a stale holder accepted: contender 0's write "100:0:0" with token 100 \(invoked at 60\.0 ms.*but contender 1 had already been acquired with the newer token 200 at 50\.0 ms$/,
    },
    {
      name: "a paused holder's write, held in a frozen link past the newer grant, accepted",
      writes: [
        write({
          contender: 0,
          token: "100",
          invokeMs: 30,
          heldUntilMs: 70,
          completeMs: 71,
          zxid: "150",
          pausedHolder: true,
        }),
      ],
      expected:
        /^fenced write from a paused holder accepted: contender 0's write "100:0:0" with token 100 \(sent at 30\.0 ms into a frozen link held until 70\.0 ms.*contender 1 had already been acquired with the newer token 200 at 50\.0 ms$/,
    },
  ];
  for (const { name, writes, expected } of bad) {
    it(`reports ${name}`, () => {
      const result = checkFencedWrites(writes, grants, WORDS);
      expect(result.anomalies).toHaveLength(1);
      expect(result.anomalies[0]).toMatch(expected);
    });
  }

  it("counts an accepted paused-holder write", () => {
    const paused = write({
      contender: 0,
      token: "100",
      invokeMs: 30,
      heldUntilMs: 70,
      zxid: "150",
      pausedHolder: true,
    });
    expect(checkFencedWrites([paused], grants, WORDS).stats["paused-holder write accepted"]).toBe(1);
  });
});

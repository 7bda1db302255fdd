/**
 * The lock checker on tables of records: a known-good run (with a failed, an unknown and a paused
 * holder) is valid, and each known-bad record yields exactly the anomaly it plants: a token granted
 * twice, tokens going backwards in real time, overlapping critical sections, and the fenced-write
 * anomalies (wired through from fenced-writes.ts).
 */
import { describe, expect, it } from "vitest";
import type { FencedWrite } from "./fenced-writes.js";
import { checkLockRecord, type HeldSpan, type LockAcquire, type LockRecord } from "./lock-checker.js";

const acquire = (contender: number, token: string, invokeMs: number, completeMs: number): LockAcquire => ({
  contender,
  session: 0,
  invokeMs,
  completeMs,
  outcome: "ok",
  token,
});

const section = (
  contender: number,
  token: string,
  startMs: number,
  endMs: number,
  fields: Partial<HeldSpan> = {},
): HeldSpan => ({ contender, token, startMs, endMs, endedBy: "release", paused: false, ...fields });

const fencedWrite = (contender: number, token: string, invokeMs: number, zxid: string): FencedWrite => ({
  contender,
  token,
  value: `${token}:${contender}:0`,
  invokeMs,
  completeMs: invokeMs + 1,
  outcome: "ok",
  zxid,
  pausedHolder: false,
});

const good: LockRecord = {
  lockName: "chaos-lock",
  acquires: [
    acquire(0, "100", 0, 10),
    acquire(1, "200", 5, 30),
    { contender: 2, session: 0, invokeMs: 6, completeMs: 20, outcome: "fail", error: "WaitTimeoutError" },
    { contender: 3, session: 0, invokeMs: 7, completeMs: undefined, outcome: "unknown", error: "CONNECTIONLOSS" },
    // Contender 0 is paused while holding 300; its lease is lost at 60, contender 2 acquires at 70.
    acquire(0, "300", 31, 40),
    acquire(2, "400", 41, 70),
  ],
  sections: [
    section(0, "100", 10, 25),
    section(1, "200", 30, 38),
    section(0, "300", 40, 60, { endedBy: "lost", paused: true }),
    section(2, "400", 70, 80),
  ],
  writes: [
    fencedWrite(0, "100", 12, "110"),
    fencedWrite(1, "200", 32, "210"),
    fencedWrite(2, "400", 72, "410"),
    {
      contender: 0,
      token: "300",
      value: "300:0:0",
      invokeMs: 41,
      heldUntilMs: 75,
      completeMs: 76,
      outcome: "fail",
      pausedHolder: true,
      resolvedBy: "marker",
    },
  ],
};

describe("checkLockRecord", () => {
  it("finds a known-good record valid and counts it", () => {
    const result = checkLockRecord(good);
    expect(result.anomalies).toEqual([]);
    expect(result.verdict).toBe("valid");
    expect(result.stats).toMatchObject({
      "acquire ok": 4,
      "acquire fail": 1,
      "acquire unknown": 1,
      "critical sections": 4,
      "critical sections lost": 1,
      "fenced write ok": 3,
      "paused-holder write rejected": 1,
      "paused-holder write accepted": 0,
    });
  });

  /** Each known-bad record and the anomalies it must produce, in order: exactly these. */
  const bad: { name: string; record: LockRecord; expected: RegExp[] }[] = [
    {
      name: "a token granted twice",
      record: { ...good, acquires: [...good.acquires, acquire(3, "200", 8, 29)] },
      expected: [/^token 200 granted twice: contender 1 was acquired with it at 30\.0 ms and contender 3 at 29\.0 ms$/],
    },
    {
      name: "tokens going backwards in real time",
      record: { ...good, acquires: [...good.acquires, acquire(3, "150", 50, 95)] },
      expected: [
        /^tokens went backwards in real time: contender 0's acquire completed at 40\.0 ms with token 300, and contender 3's acquire, invoked later at 50\.0 ms, got token 150, which is not larger$/,
      ],
    },
    {
      name: "overlapping critical sections",
      record: { ...good, sections: [...good.sections.slice(0, 3), section(2, "400", 55, 80)] },
      expected: [
        /^critical sections overlap: contender 0 \(paused\) held token 300 from 40\.0 ms to 60\.0 ms \(ended by losing its lease\), while contender 2 held token 400 from 55\.0 ms to 80\.0 ms \(ended by its release\)$/,
      ],
    },
    {
      // Both fence rules see it: it landed after token 400's write, and it left the frozen link after 400's grant.
      name: "an accepted write from a paused holder",
      record: {
        ...good,
        writes: [
          ...good.writes.slice(0, 3),
          { ...fencedWrite(0, "300", 41, "420"), heldUntilMs: 75, pausedHolder: true, resolvedBy: "marker" },
        ],
      },
      expected: [
        /^fenced write out of token order: contender 0's write "300:0:0" with token 300 .*zxid 420\) was applied after contender 2's write "400:2:0" with token 400 .*; a holder wrote after a newer holder had written$/,
        /^fenced write from a paused holder accepted: .*held until 75\.0 ms.*contender 2 had already been acquired with the newer token 400 at 70\.0 ms$/,
      ],
    },
  ];
  for (const { name, record, expected } of bad) {
    it(`reports ${name}`, () => {
      const result = checkLockRecord(record);
      expect(result.verdict).toBe("anomaly");
      expect(result.anomalies).toHaveLength(expected.length);
      expected.forEach((pattern, i) => {
        expect(result.anomalies[i]).toMatch(pattern);
      });
    });
  }
});

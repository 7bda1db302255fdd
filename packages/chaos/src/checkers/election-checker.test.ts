/**
 * The election checker on tables of records: a known-good run (observers seeing each leader, a
 * null between leaders, a queued-but-never-elected candidate at the head of the queue, the final
 * leader) is valid, and each known-bad record yields exactly the anomalies it plants: two leaders
 * for one term, terms going backwards in real time, overlapping tenures, an accepted late fenced
 * write, an observer going back in time, naming the wrong holder, yielding a stale leader or one
 * nobody was, and a wrong last yield after healing.
 */
import { describe, expect, it } from "vitest";
import type { Campaign, ElectionRecord, Observation } from "./election-checker.js";
import { checkElectionRecord } from "./election-checker.js";
import type { HeldSpan } from "./lock-checker.js";

const campaign = (contender: number, token: string, invokeMs: number, completeMs: number): Campaign => ({
  contender,
  session: 0,
  label: `candidate-${contender}-s0`,
  invokeMs,
  completeMs,
  outcome: "ok",
  token,
});

const tenure = (contender: number, token: string, startMs: number, endMs: number): HeldSpan => ({
  contender,
  token,
  startMs,
  endMs,
  endedBy: "release",
  paused: false,
});

const seen = (
  observer: number,
  ms: number,
  readAfterMs: number,
  term: string | null,
  holder?: number,
): Observation => ({
  observer,
  ms,
  readAfterMs,
  term,
  ...(holder === undefined ? {} : { holder: `candidate-${holder}-s0` }),
});

const good: ElectionRecord = {
  election: "chaos-election",
  campaigns: [
    campaign(0, "100", 0, 10),
    campaign(1, "200", 5, 40),
    {
      contender: 2,
      session: 0,
      label: "candidate-2-s0",
      invokeMs: 6,
      completeMs: 45,
      outcome: "fail",
      error: "WaitTimeoutError",
    },
    campaign(2, "300", 50, 70),
  ],
  tenures: [tenure(0, "100", 10, 30), tenure(1, "200", 40, 60), tenure(2, "300", 70, 90)],
  resigns: [
    { contender: 0, token: "100", invokeMs: 30, completeMs: 32, goneConfirmedMs: 34 },
    { contender: 1, token: "200", invokeMs: 60, completeMs: 62 },
  ],
  writes: [
    {
      contender: 1,
      token: "200",
      value: "200:1:0",
      invokeMs: 41,
      completeMs: 42,
      outcome: "ok",
      zxid: "210",
      pausedHolder: false,
    },
  ],
  observations: [
    seen(0, 1, 0, null),
    seen(0, 12, 1, "100", 0),
    seen(0, 33, 12, null),
    seen(0, 41, 33, "200", 1),
    seen(1, 20, 0, "100", 0),
    // Candidate 2's withdrawn node briefly led the queue: allowed, its campaign failed.
    seen(1, 44, 20, "250", 2),
    seen(1, 72, 44, "300", 2),
  ],
  final: {
    leader: { contender: 0, term: "500", label: "candidate-0-s0" },
    lastYields: [
      { observer: 0, observation: seen(0, 200, 150, "500", 0) },
      { observer: 1, observation: seen(1, 201, 150, "500", 0) },
    ],
  },
};

describe("checkElectionRecord", () => {
  it("finds a known-good record valid and counts it", () => {
    const result = checkElectionRecord(good);
    expect(result.anomalies).toEqual([]);
    expect(result.verdict).toBe("valid");
    expect(result.stats).toMatchObject({ "campaign ok": 3, "campaign fail": 1, tenures: 3, "observed leaders": 5 });
  });

  const withObservation = (observation: Observation): ElectionRecord => ({
    ...good,
    observations: [...good.observations, observation],
  });

  /** Each known-bad record and the anomalies it must produce, in order: exactly these. */
  const bad: { name: string; record: ElectionRecord; expected: RegExp[] }[] = [
    {
      name: "two leaders for one term",
      record: { ...good, campaigns: [...good.campaigns, campaign(3, "200", 20, 45)] },
      expected: [/^term 200 granted twice: contender 1 was elected with it at 40\.0 ms and contender 3 at 45\.0 ms$/],
    },
    {
      name: "terms going backwards in real time",
      record: { ...good, campaigns: [...good.campaigns, campaign(3, "150", 50, 80)] },
      expected: [
        /^terms went backwards in real time: contender 1's election completed at 40\.0 ms with term 200, and contender 3's election, invoked later at 50\.0 ms, got term 150, which is not larger$/,
      ],
    },
    {
      name: "overlapping tenures",
      record: { ...good, tenures: [tenure(0, "100", 10, 45), ...good.tenures.slice(1)] },
      expected: [
        /^tenures overlap: contender 0 led with term 100 from 10\.0 ms to 45\.0 ms \(ended by its release\), while contender 1 led with term 200 from 40\.0 ms to 60\.0 ms \(ended by its release\)$/,
      ],
    },
    {
      name: "a late fenced write accepted",
      record: {
        ...good,
        writes: [
          ...good.writes,
          {
            contender: 0,
            token: "100",
            value: "100:0:1",
            invokeMs: 43,
            completeMs: 44,
            outcome: "ok",
            zxid: "205",
            pausedHolder: false,
          },
        ],
      },
      expected: [
        /^fenced write from a stale leader accepted: contender 0's write "100:0:1" with term 100 .*contender 1 had already been elected with the newer term 200 at 40\.0 ms$/,
      ],
    },
    {
      name: "an observer going back in time",
      record: withObservation(seen(0, 80, 41, "100", 0)),
      expected: [
        /^observer went back in time: observer 0 yielded term 100 \(holder candidate-0-s0\) at 80\.0 ms, after it had yielded the newer term 200 at 41\.0 ms$/,
        /^observe yielded a stale leader: observer 0 yielded term 100 .* from a read invoked after 41\.0 ms, but term 100's node was already gone at 34\.0 ms \(contender 0 resigned at 30\.0 ms and a linearizable read found its node gone\)$/,
      ],
    },
    {
      name: "a stale leader proven gone by a newer election",
      record: withObservation(seen(2, 75, 71, "200", 1)),
      expected: [
        /^observe yielded a stale leader: observer 2 yielded term 200 \(holder candidate-1-s0\) at 75\.0 ms from a read invoked after 71\.0 ms, but term 200's node was already gone at 70\.0 ms \(contender 2 was elected with the newer term 300 then\)$/,
      ],
    },
    {
      name: "the wrong holder for a term",
      record: withObservation(seen(2, 45, 41, "200", 0)),
      expected: [
        /^observer named the wrong leader: observer 2 yielded term 200 \(holder candidate-0-s0\) at 45\.0 ms, but contender 1 \(candidate-1-s0\) was elected with term 200$/,
      ],
    },
    {
      name: "a leader nobody was",
      record: withObservation(seen(2, 45, 41, "260", 1)),
      expected: [
        /^observer yielded a leader nobody was: observer 2 yielded term 260 \(holder candidate-1-s0\) at 45\.0 ms, but no candidate was elected with that term$/,
      ],
    },
    {
      name: "an observer left on an old leader after healing",
      record: {
        ...good,
        final: {
          leader: good.final?.leader ?? null,
          lastYields: [
            { observer: 0, observation: seen(0, 200, 150, "500", 0) },
            { observer: 1, observation: seen(1, 95, 72, "300", 2) },
          ],
        },
      },
      expected: [
        /^at the end, observer 1's last yield was term 300 \(holder candidate-2-s0\) at 95\.0 ms, but after healing contender 0 \(candidate-0-s0\) leads with term 500$/,
      ],
    },
    {
      name: "an observer showing a leader when none is left",
      record: {
        ...good,
        final: {
          leader: null,
          campaignError: "WaitTimeoutError",
          lastYields: [{ observer: 0, observation: seen(0, 95, 72, "300", 2) }],
        },
      },
      expected: [
        /^at the end, observer 0's last yield was term 300 .*but after healing no candidate leads \(the final campaign failed: WaitTimeoutError\)$/,
      ],
    },
  ];
  for (const { name, record, expected } of bad) {
    it(`reports ${name}`, () => {
      const result = checkElectionRecord(record);
      expect(result.verdict).toBe("anomaly");
      expect(result.anomalies).toHaveLength(expected.length);
      expected.forEach((pattern, i) => {
        expect(result.anomalies[i]).toMatch(pattern);
      });
    });
  }
});

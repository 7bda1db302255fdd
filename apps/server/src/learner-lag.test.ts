// Checks the leader's per-learner lag (cluster.events): proposals a follower has not acked and
// the age of the oldest, what an observer has not been sent, across epochs, and the proposal
// ring's lookup and bound.
import { type Zxid, zxid } from "@keel/core";
import { describe, expect, it } from "vitest";
import { learnerLagViews, txnsBetween } from "./learner-lag.js";
import { ProposalTimes } from "./proposal-times.js";

const z = (epoch: number, counter: number): Zxid => zxid(epoch, counter);

describe("ProposalTimes", () => {
  it("finds when the first proposal after a zxid was logged", () => {
    const times = new ProposalTimes(8);
    for (let i = 1; i <= 5; i++) times.record(z(2, i), 100 * i);
    expect(times.firstAfterMs(z(2, 0))).toBe(100);
    expect(times.firstAfterMs(z(2, 3))).toBe(400);
    expect(times.firstAfterMs(z(2, 5))).toBeUndefined();
    expect(times.firstAfterMs(z(1, 99))).toBe(100);
  });

  it("forgets the oldest past its capacity, and starts over when zxids go back", () => {
    const times = new ProposalTimes(3);
    for (let i = 1; i <= 5; i++) times.record(z(2, i), 100 * i);
    expect(times.firstAfterMs(z(2, 0))).toBe(300); // 1 and 2 fell out: a lower bound on the age
    times.record(z(2, 1), 999);
    expect(times.firstAfterMs(z(2, 0))).toBe(999);
    expect(times.firstAfterMs(z(2, 1))).toBeUndefined();
  });
});

describe("learnerLagViews", () => {
  it.each([
    { what: "within an epoch", from: z(3, 4), to: z(3, 10), txns: 6 },
    { what: "caught up", from: z(3, 10), to: z(3, 10), txns: 0 },
    { what: "from an older epoch", from: z(2, 50), to: z(3, 7), txns: 7 },
  ])("counts txns between two zxids $what", ({ from, to, txns }) => {
    expect(txnsBetween(from, to)).toBe(txns);
  });

  it("reports followers against proposals and observers against commits", () => {
    const times = new ProposalTimes();
    for (let i = 1; i <= 10; i++) times.record(z(3, i), 1000 + i * 10);
    const learners = [
      { peer: 3, stage: "UPTODATE", observer: true, ackedZxid: z(0, 0), sentUpToZxid: z(3, 6) },
      { peer: 2, stage: "UPTODATE", observer: false, ackedZxid: z(3, 10), sentUpToZxid: z(3, 10) },
      { peer: 1, stage: "UPTODATE", observer: false, ackedZxid: z(3, 7), sentUpToZxid: z(3, 10) },
    ];
    const views = learnerLagViews(learners, { lastProposedZxid: z(3, 10), committedZxid: z(3, 8) }, times, 1200);
    expect(views).toEqual([
      { id: 1, stage: "UPTODATE", ackedZxid: z(3, 7).toString(), lagTxns: 3, lagMs: 1200 - 1080 },
      { id: 2, stage: "UPTODATE", ackedZxid: z(3, 10).toString(), lagTxns: 0, lagMs: 0 },
      { id: 3, stage: "UPTODATE", ackedZxid: z(3, 6).toString(), lagTxns: 2, lagMs: 1200 - 1070 },
    ]);
  });
});

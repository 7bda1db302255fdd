/**
 * The leader's view of each learner's lag, for the console (MemberStatusView.learners): how many
 * proposals a follower has not acknowledged yet and how long the oldest of them has waited.
 * Observers do not acknowledge proposals: theirs is what was committed but not yet sent to them.
 */
import type { LearnerLagView } from "@keel/api";
import { type Zxid, zxidCounter, zxidEpoch } from "@keel/core";
import type { ProposalTimes } from "./proposal-times.js";

export interface LearnerProgress {
  readonly peer: number;
  readonly stage: string;
  readonly observer: boolean;
  readonly ackedZxid: Zxid;
  readonly sentUpToZxid: Zxid;
}

export interface LeaderProgress {
  readonly lastProposedZxid: Zxid;
  readonly committedZxid: Zxid;
}

/** Txns in (from, to]: within one epoch the counter difference; from an older epoch, all of `to`'s epoch so far. */
export function txnsBetween(from: Zxid, to: Zxid): number {
  if (to <= from) return 0;
  return zxidEpoch(from) === zxidEpoch(to) ? zxidCounter(to) - zxidCounter(from) : zxidCounter(to);
}

export function learnerLagViews(
  learners: readonly LearnerProgress[],
  leader: LeaderProgress,
  proposals: ProposalTimes,
  nowMs: number,
): LearnerLagView[] {
  return learners
    .map((learner) => {
      const reached = learner.observer ? learner.sentUpToZxid : learner.ackedZxid;
      const target = learner.observer ? leader.committedZxid : leader.lastProposedZxid;
      const lagTxns = txnsBetween(reached, target);
      const oldestMs = lagTxns === 0 ? undefined : proposals.firstAfterMs(reached);
      return {
        id: learner.peer,
        stage: learner.stage,
        ackedZxid: reached.toString(),
        lagTxns,
        lagMs: oldestMs === undefined ? 0 : Math.max(0, nowMs - oldestMs),
      };
    })
    .sort((a, b) => a.id - b.id);
}

/**
 * The election checker: a pure function of what the election workload recorded
 * (workloads/election-workload.ts).
 * (a) never two leaders for one term; (b) terms grow with the real time of elections;
 * (c) fenced writes of the term, as for the lock (fenced-writes.ts); (d) tenures, from the election
 * to the earlier of the resign's invoke and the leadership signal's abort, never overlap;
 * (e) `observe()` never yields a stale leader (see `checkObservations` for the rule and why it is
 * sound); (f) after healing, every observer's last yield is the leader the candidates agree on.
 */
import type { Outcome } from "../history.js";
import { verdictFromAnomalies, type WorkloadCheckResult } from "../workloads/workload.js";
import { checkFencedWrites, compareDecimal, type FencedWrite, type FencingWords, formatMs } from "./fenced-writes.js";
import { checkExclusiveSpans, checkTokenGrants, type HeldSpan, okGrants } from "./lock-checker.js";

/** One `election.campaign()` call. */
export interface Campaign {
  readonly contender: number;
  readonly session: number;
  /** The candidate client's label: what observers see as the holder. */
  readonly label: string;
  readonly invokeMs: number;
  readonly completeMs: number | undefined;
  readonly outcome: Outcome;
  /** The term (the leadership's fencing token, decimal) of an ok campaign. */
  readonly token?: string;
  readonly error?: string;
}

/** One `election.resign()` of term `token`, and when a linearizable read confirmed its node gone. */
export interface Resign {
  readonly contender: number;
  readonly token: string;
  readonly invokeMs: number;
  readonly completeMs: number;
  /** When a linearizable `exists` of the leader's node, invoked after the resign, answered "none". */
  readonly goneConfirmedMs?: number;
}

/** One value `observe()` yielded. */
export interface Observation {
  readonly observer: number;
  /** When the observer received it. */
  readonly ms: number;
  /**
   * The read behind this yield was invoked after this time: the previous yield of the same
   * `observe()` stream (the generator runs only when asked for the next value), or the stream's start.
   */
  readonly readAfterMs: number;
  readonly term: string | null;
  readonly holder?: string;
}

/** What finish() saw after healing: one candidate campaigned again; each observer's last yield. */
export interface FinalElectionState {
  /** The final campaign's winner, or null when it failed (then no candidate leads). */
  readonly leader: { readonly contender: number; readonly term: string; readonly label: string } | null;
  readonly campaignError?: string;
  readonly lastYields: readonly { readonly observer: number; readonly observation: Observation | undefined }[];
}

export interface ElectionRecord {
  readonly election: string;
  readonly campaigns: readonly Campaign[];
  readonly tenures: readonly HeldSpan[];
  readonly resigns: readonly Resign[];
  readonly writes: readonly FencedWrite[];
  readonly observations: readonly Observation[];
  /** Undefined when finish() did not run (the cluster did not heal). */
  readonly final?: FinalElectionState;
}

const ELECTION_WORDS: FencingWords = { holder: "leader", token: "term", granted: "elected" };

export function checkElectionRecord(record: ElectionRecord): WorkloadCheckResult {
  const grants = okGrants(record.campaigns);
  const fenced = checkFencedWrites(record.writes, grants, ELECTION_WORDS);
  const anomalies = [
    ...checkTokenGrants(grants, { ...ELECTION_WORDS, grant: "election" }),
    ...fenced.anomalies,
    ...checkExclusiveSpans(record.tenures, { what: "tenures", holder: "led with", token: "term" }),
    ...checkObservations(record),
    ...checkFinal(record.final),
  ];
  const stats: Record<string, number> = {
    "campaign ok": grants.length,
    "campaign fail": record.campaigns.filter((campaign) => campaign.outcome === "fail").length,
    "campaign unknown": record.campaigns.filter((campaign) => campaign.outcome === "unknown").length,
    tenures: record.tenures.length,
    "tenures lost": record.tenures.filter((tenure) => tenure.endedBy === "lost").length,
    "observed leaders": record.observations.filter((observation) => observation.term !== null).length,
    "observed no leader": record.observations.filter((observation) => observation.term === null).length,
    ...fenced.stats,
  };
  return { checker: "election", verdict: verdictFromAnomalies(anomalies), anomalies, stats };
}

/**
 * (e) What an observer may yield. Its yields come from linearizable reads (the queue is listed with
 * `linearizable: true`), and the read behind a yield was invoked after `readAfterMs`. A
 * linearizable read invoked after a node was deleted cannot return it, so a yield of term t is
 * stale when t's node was provably gone before `readAfterMs`. Provably gone: a campaign with a
 * newer term completed (its candidate leads only once every older candidate node is gone from the
 * state it read), or a linearizable read after t's resign found the node gone. A resign's own
 * completion proves nothing: `release()` falls back to a background delete when its delete fails.
 * Per observer, terms never go backwards (a node with a smaller czxid never reappears), and a
 * yielded term is one some candidate was elected with, or belongs to a candidate that queued
 * without being elected (its campaign failed or is unknown: its node may lead the queue until withdrawn).
 */
function checkObservations(record: ElectionRecord): string[] {
  const anomalies: string[] = [];
  // Several campaigns per term only when (a) already failed: then any of their holders is the one named.
  const elected = new Map<string, Campaign[]>();
  for (const campaign of record.campaigns) {
    if (campaign.outcome !== "ok" || campaign.token === undefined) continue;
    elected.set(campaign.token, [...(elected.get(campaign.token) ?? []), campaign]);
  }
  const queuedLabels = new Set(
    record.campaigns.filter((campaign) => campaign.outcome !== "ok").map((campaign) => campaign.label),
  );
  const lastTerm = new Map<number, Observation>();
  for (const observation of record.observations) {
    const { term } = observation;
    if (term === null) continue;
    const seen = `observer ${observation.observer} yielded term ${term} (holder ${observation.holder ?? "unknown"}) at ${formatMs(observation.ms)}`;
    const previous = lastTerm.get(observation.observer);
    if (previous && compareDecimal(term, previous.term as string) < 0) {
      anomalies.push(
        `observer went back in time: ${seen}, after it had yielded the newer term ${previous.term} at ${formatMs(previous.ms)}`,
      );
    }
    if (!previous || compareDecimal(term, previous.term as string) > 0) lastTerm.set(observation.observer, observation);
    const campaigns = elected.get(term) ?? [];
    const named = campaigns.some((campaign) => campaign.label === observation.holder);
    const campaign = campaigns[0];
    if (campaign && observation.holder !== undefined && !named) {
      anomalies.push(
        `observer named the wrong leader: ${seen}, but contender ${campaign.contender} (${campaign.label}) was elected with term ${term}`,
      );
    }
    if (!campaign && !queuedLabels.has(observation.holder ?? "")) {
      anomalies.push(`observer yielded a leader nobody was: ${seen}, but no candidate was elected with that term`);
    }
    const gone = goneBefore(record, term);
    if (gone && gone.ms < observation.readAfterMs) {
      anomalies.push(
        `observe yielded a stale leader: ${seen} from a read invoked after ${formatMs(observation.readAfterMs)}, ` +
          `but term ${term}'s node was already gone at ${formatMs(gone.ms)} (${gone.why})`,
      );
    }
  }
  return anomalies;
}

/** The earliest time term `term`'s node is proven deleted, and what proves it. */
function goneBefore(record: ElectionRecord, term: string): { ms: number; why: string } | undefined {
  let gone: { ms: number; why: string } | undefined;
  for (const campaign of record.campaigns) {
    if (campaign.outcome !== "ok" || campaign.token === undefined || campaign.completeMs === undefined) continue;
    if (compareDecimal(campaign.token, term) <= 0 || (gone && gone.ms <= campaign.completeMs)) continue;
    gone = {
      ms: campaign.completeMs,
      why: `contender ${campaign.contender} was elected with the newer term ${campaign.token} then`,
    };
  }
  for (const resign of record.resigns) {
    if (resign.token !== term || resign.goneConfirmedMs === undefined) continue;
    if (gone && gone.ms <= resign.goneConfirmedMs) continue;
    gone = {
      ms: resign.goneConfirmedMs,
      why: `contender ${resign.contender} resigned at ${formatMs(resign.invokeMs)} and a linearizable read found its node gone`,
    };
  }
  return gone;
}

/** (f) After healing, each observer's last yield is the final leader (or no leader when there is none). */
function checkFinal(final: FinalElectionState | undefined): string[] {
  if (!final) return [];
  const expected = final.leader?.term ?? null;
  const agreed = final.leader
    ? `contender ${final.leader.contender} (${final.leader.label}) leads with term ${final.leader.term}`
    : `no candidate leads${final.campaignError ? ` (the final campaign failed: ${final.campaignError})` : ""}`;
  const anomalies: string[] = [];
  for (const { observer, observation } of final.lastYields) {
    const term = observation?.term ?? null;
    if (term === expected && (observation?.holder === final.leader?.label || term === null)) continue;
    const saw = observation
      ? `${term === null ? "no leader" : `term ${term} (holder ${observation.holder ?? "unknown"})`} at ${formatMs(observation.ms)}`
      : "nothing at all";
    anomalies.push(`at the end, observer ${observer}'s last yield was ${saw}, but after healing ${agreed}`);
  }
  return anomalies;
}

/**
 * The lock checker: a pure function of what the lock workload recorded (workloads/lock-workload.ts).
 * (a) fencing tokens are unique among ok acquires; (b) they follow real time: an acquire that
 * completed before another was invoked got the smaller token (the later one's node was created
 * later, and a token is its node's czxid); (c, d) fenced writes, see fenced-writes.ts; (e) critical
 * sections, from the grant to the earlier of the release's invoke and the lease's signal, never
 * overlap: the SDK's lease signal fires (at `suspect`) before the ensemble can expire the session
 * and grant the lock elsewhere (docs/client.md); (f) paused-holder writes are counted.
 */
import type { Outcome } from "../history.js";
import { verdictFromAnomalies, type WorkloadCheckResult } from "../workloads/workload.js";
import {
  checkFencedWrites,
  compareDecimal,
  type FencedWrite,
  type FencingWords,
  formatMs,
  type Grant,
} from "./fenced-writes.js";

/** One `lock.acquire()` call. */
export interface LockAcquire {
  readonly contender: number;
  /** Which of the contender's sessions (it opens a new one after an expiry). */
  readonly session: number;
  readonly invokeMs: number;
  readonly completeMs: number | undefined;
  readonly outcome: Outcome;
  /** The fencing token (decimal) of an ok acquire. */
  readonly token?: string;
  readonly error?: string;
}

/** A span during which a contender acted as the holder (or leader). */
export interface HeldSpan {
  readonly contender: number;
  readonly token: string;
  /** When the grant reached the contender. */
  readonly startMs: number;
  /** The earlier of the release's (resign's) invoke and the lease signal's abort. */
  readonly endMs: number;
  readonly endedBy: "release" | "lost";
  /** A paused holder: its link was frozen while it held, and it ignored its lost lease. */
  readonly paused: boolean;
}

export interface LockRecord {
  readonly lockName: string;
  readonly acquires: readonly LockAcquire[];
  readonly sections: readonly HeldSpan[];
  readonly writes: readonly FencedWrite[];
}

const LOCK_WORDS: FencingWords = { holder: "holder", token: "token", granted: "acquired" };

export function checkLockRecord(record: LockRecord): WorkloadCheckResult {
  const grants = okGrants(record.acquires);
  const fenced = checkFencedWrites(record.writes, grants, LOCK_WORDS);
  const anomalies = [
    ...checkTokenGrants(grants, { ...LOCK_WORDS, grant: "acquire" }),
    ...fenced.anomalies,
    ...checkExclusiveSpans(record.sections, { what: "critical sections", holder: "held", token: "token" }),
  ];
  const stats: Record<string, number> = {
    "acquire ok": grants.length,
    "acquire fail": record.acquires.filter((acquire) => acquire.outcome === "fail").length,
    "acquire unknown": record.acquires.filter((acquire) => acquire.outcome === "unknown").length,
    "critical sections": record.sections.length,
    "critical sections lost": record.sections.filter((section) => section.endedBy === "lost").length,
    ...fenced.stats,
  };
  return { checker: "lock", verdict: verdictFromAnomalies(anomalies), anomalies, stats };
}

/** The ok calls that granted a token (acquires or campaigns). */
export function okGrants(
  calls: readonly {
    contender: number;
    outcome: Outcome;
    token?: string;
    invokeMs: number;
    completeMs: number | undefined;
  }[],
): Grant[] {
  const grants: Grant[] = [];
  for (const call of calls) {
    if (call.outcome !== "ok" || call.token === undefined || call.completeMs === undefined) continue;
    grants.push({ contender: call.contender, token: call.token, invokeMs: call.invokeMs, completeMs: call.completeMs });
  }
  return grants;
}

/** (a) unique tokens, (b) tokens in real-time order. */
export function checkTokenGrants(grants: readonly Grant[], words: FencingWords & { grant: string }): string[] {
  const anomalies: string[] = [];
  const byToken = new Map<string, Grant>();
  for (const grant of grants) {
    const first = byToken.get(grant.token);
    if (first) {
      anomalies.push(
        `${words.token} ${grant.token} granted twice: contender ${first.contender} was ${words.granted} with it at ${formatMs(first.completeMs)} ` +
          `and contender ${grant.contender} at ${formatMs(grant.completeMs)}`,
      );
    } else byToken.set(grant.token, grant);
  }
  // Enough to compare each grant with the largest token among the grants completed before its invoke.
  const byCompletion = [...grants].sort((a, b) => a.completeMs - b.completeMs);
  for (const later of grants) {
    let largest: Grant | undefined;
    for (const earlier of byCompletion) {
      if (earlier.completeMs >= later.invokeMs) break;
      if (!largest || compareDecimal(earlier.token, largest.token) > 0) largest = earlier;
    }
    if (largest && compareDecimal(largest.token, later.token) >= 0) {
      anomalies.push(
        `${words.token}s went backwards in real time: contender ${largest.contender}'s ${words.grant} completed at ${formatMs(largest.completeMs)} ` +
          `with ${words.token} ${largest.token}, and contender ${later.contender}'s ${words.grant}, invoked later at ${formatMs(later.invokeMs)}, ` +
          `got ${words.token} ${later.token}, which is not larger`,
      );
    }
  }
  return anomalies;
}

/** (e) No two spans of different grants overlap in real time. */
export function checkExclusiveSpans(
  spans: readonly HeldSpan[],
  words: { what: string; holder: string; token: string },
): string[] {
  const anomalies: string[] = [];
  const ordered = [...spans].sort((a, b) => a.startMs - b.startMs);
  const describe = (span: HeldSpan) =>
    `contender ${span.contender}${span.paused ? " (paused)" : ""} ${words.holder} ${words.token} ${span.token} ` +
    `from ${formatMs(span.startMs)} to ${formatMs(span.endMs)} (ended by ${span.endedBy === "lost" ? "losing its lease" : "its release"})`;
  for (let i = 0; i < ordered.length; i++) {
    const first = ordered[i] as HeldSpan;
    for (let j = i + 1; j < ordered.length; j++) {
      const second = ordered[j] as HeldSpan;
      if (second.startMs >= first.endMs) break;
      if (second.token === first.token) continue;
      anomalies.push(`${words.what} overlap: ${describe(first)}, while ${describe(second)}`);
    }
  }
  return anomalies;
}

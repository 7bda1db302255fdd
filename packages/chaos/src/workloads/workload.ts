/**
 * What every chaos workload besides the register one plugs into (harness/run.ts): it runs next to
 * the nemesis on the run's one monotonic clock, records its own history, does its final
 * observations once the cluster has healed, and checks what it recorded. Checkers are pure
 * functions of that record (and of the faults, for checks that depend on when the cluster could
 * not serve), so each one is unit-tested on known-good and known-bad records without servers.
 */
import type { RunClock } from "../harness/history-recorder.js";
import type { Random } from "../harness/random.js";

export interface WorkloadEnv {
  /** The members' client URLs by id (`http://host:port`): what `@keel/client`'s `connect({ servers })` and testkit's `httpClient` take. */
  readonly memberUrls: ReadonlyMap<number, string>;
  /** The run's clock: every time a workload records is `clock.now()` (ms since the run started, monotonic). */
  readonly clock: RunClock;
  /** This workload's own seeded stream (forked per workload by the run). */
  readonly random: Random;
  readonly log: (line: string) => void;
}

/** A span when the cluster could not be expected to serve: a fault's start to its recovery (or heal). */
export interface UnavailableWindow {
  readonly startMs: number;
  readonly endMs: number;
  /** The fault kind, for messages. */
  readonly kind: string;
  /** Whether the leader changed (kill-leader, pause-leader, isolate-leader, kill-all, ...). */
  readonly leaderChanged: boolean;
}

export interface CheckContext {
  /** When faults made the cluster unavailable, from the nemesis's records, in time order. */
  readonly unavailable: readonly UnavailableWindow[];
  /** When the run ended its workload (run clock). */
  readonly workloadEndMs: number;
}

export type WorkloadVerdict = "valid" | "anomaly" | "unknown";

export interface WorkloadCheckResult {
  /** The checker's name as the report shows it: "lock", "election", "session-expiry", ... */
  readonly checker: string;
  readonly verdict: WorkloadVerdict;
  /**
   * One entry per anomaly, in words a person can act on: what was promised, what was seen, with
   * the operations' times (ms on the run clock), processes and values. Empty when valid.
   */
  readonly anomalies: readonly string[];
  /** What was checked, for the report: "acquire ok" → 120, "fenced write rejected" → 3, ... */
  readonly stats: Readonly<Record<string, number>>;
}

export interface ChaosWorkload {
  readonly name: string;
  /** On a healthy cluster before the faults: creates parents, opens sessions. */
  setup(env: WorkloadEnv): Promise<void>;
  /** Runs until `stop()`; resolves once every operation it started has an outcome. Must not throw. */
  run(): Promise<void>;
  stop(): void;
  /** After the cluster healed (a ready leader, `leaderUrl`): the final observations (reads, waits). */
  finish(leaderUrl: string): Promise<void>;
  /** Closes every client and session it opened; called whatever happened before. */
  close(): Promise<void>;
  /** Checks what was recorded. Pure: no I/O. */
  check(context: CheckContext): WorkloadCheckResult;
  /** The raw record (JSON-serialisable) for the results folder. */
  record(): unknown;
}

/** A checker verdict from a list of anomalies (unknown is for checkers with a search budget). */
export function verdictFromAnomalies(anomalies: readonly string[]): WorkloadVerdict {
  return anomalies.length === 0 ? "valid" : "anomaly";
}

/**
 * Checks the session-expiry workload's trials (workloads/session-workload.ts): each trial opened a
 * session with timeout T, created one ephemeral owned by it, kept the session alive for a while,
 * then went silent (or closed it), and an observer polled `exists(linearizable)` until the node
 * was gone. Per trial:
 *
 * - **Not early.** The leader expires a session no earlier than T after the last touch it received
 *   (docs/api.md, "the client-side rule"), and that touch was sent no earlier than the invoke of
 *   the last ok keep-alive (or of the open). So an ok read that completed before that invoke + T
 *   (or before a close was invoked), and was invoked after the create was acknowledged, must see
 *   the node. A keep-alive answered ok after the leader had already decided to expire the session
 *   breaks this promise too, and shows here as an early expiry.
 * - **Not late.** The last touch happened no later than the last keep-alive that may have reached
 *   a server completed (ok, or abandoned: `unknown`), so expiry was promised by that time + T
 *   (the promise). The node must be seen absent eventually, and not too long after the promise.
 * - **Closed at once.** After `session.close` is acknowledged the node is gone.
 * - **Gone for good.** A node once seen absent is never seen again (its path is never reused).
 *
 * Lateness, from sound bounds: the node was deleted (its closeSession committed) after the last
 * present read was invoked (that read saw it at some point after its invoke) and before the first
 * absent read completed. So lateness is at least `lastPresent.invokeMs − promise` (what anomalies
 * are judged on) and at most `firstAbsent.completeMs − promise`.
 *
 * Allowed lateness: `SESSION_LATE_TOLERANCE_MS` plus the unavailable time overlapping
 * [promise, lastPresent.invokeMs] (no leader, nothing expires). When `resetAllowedAfter` says so
 * for the fault, a trial whose silence spans that leader change may also last until the window's
 * end + T: a new leader that gives every session a fresh full timeout (etcd after every leader
 * change, etcd#9395; Keel only when no member of its quorum remembers the deadlines, after all
 * of them restarted: docs/protocol.md §3.5) extends them.
 */
import type { CheckContext, UnavailableWindow, WorkloadCheckResult } from "../workloads/workload.js";
import { verdictFromAnomalies } from "../workloads/workload.js";

/**
 * How late an expiry may be seen with no fault to explain it: the leader checks expiry once a tick
 * (50 ms in tests) into buckets of one tick, learners forward touches on their next ping, the
 * closeSession is committed like any write, and the observer polls every ~100 ms on a busy machine.
 */
export const SESSION_LATE_TOLERANCE_MS = 1000;

export type SessionCallOutcome = "ok" | "fail" | "unknown";

export interface SessionCall {
  readonly invokeMs: number;
  /**
   * When the answer came, or when the client gave up on it (`unknown`): an abandoned call is
   * taken to have done whatever it did by then.
   */
  readonly completeMs: number;
  /** ok; fail: not applied (a refusal, or any failed read); unknown: may have been applied. */
  readonly outcome: SessionCallOutcome;
  /** The member's URL the call went to. */
  readonly server: string;
  readonly error?: string;
}

export interface SessionRead extends SessionCall {
  /** Whether `exists` saw the node; set only when the read was ok. */
  readonly present?: boolean;
}

export interface SessionTrialRecord {
  readonly trial: number;
  /** The ephemeral's path, unique to the trial. */
  readonly path: string;
  readonly requestedTimeoutMs: number;
  readonly open: SessionCall;
  readonly sessionId?: string;
  /** The negotiated timeout T, when the open was ok. */
  readonly timeoutMs?: number;
  readonly create?: SessionCall;
  readonly keepAlives: readonly SessionCall[];
  /** Present when the trial ended its session explicitly instead of going silent. */
  readonly close?: SessionCall;
  /** When the trial stopped sending keep-alives (informational: the checker uses the calls). */
  readonly silenceStartMs?: number;
  /** The observer's `exists` polls, in invoke order. */
  readonly reads: readonly SessionRead[];
}

export interface SessionCheckOptions {
  /** Whether the leader change of this fault may restart a silent session's full timeout. */
  readonly resetAllowedAfter: (window: UnavailableWindow) => boolean;
}

/** What the check found for one trial that went silent and expired (not closed). */
export interface SessionTrialLateness {
  readonly trial: number;
  readonly sessionId: string;
  readonly timeoutMs: number;
  /** Last possible touch + T: when expiry was promised. */
  readonly promisedExpiryMs: number;
  /** Sound lower bound on how late the node went: last present read's invoke − promise (none: never seen). */
  readonly latenessMinMs: number | undefined;
  /** Upper bound: first absent read's complete − promise (none: never seen gone). */
  readonly latenessMaxMs: number | undefined;
  /**
   * First absent read's complete − the earliest possible end: how close the expiry came to being
   * early (a read completing before that end and finding the node gone is an anomaly).
   */
  readonly earliestEndMarginMs: number | undefined;
  /**
   * The latest leader-change window its silence spans, if any: one that ended after the last touch
   * was sent (so a new leader may have restarted the timeout) and began no later than the last
   * present read (so the session was surely still there when the leader changed).
   */
  readonly leaderChange: UnavailableWindow | undefined;
  /** Lateness allowed with and without a leader-change reset. */
  readonly allowedWithResetMs: number;
  readonly allowedWithoutResetMs: number;
  /** Lateness allowed under the check's options: a reset only after a fault `resetAllowedAfter` accepts. */
  readonly allowedMs: number;
}

export interface SessionCheckResult extends WorkloadCheckResult {
  readonly expiries: readonly SessionTrialLateness[];
}

/** A trial's facts the rules need, derived once. */
interface TrialFacts {
  readonly trial: SessionTrialRecord;
  readonly sessionId: string;
  readonly timeoutMs: number;
  readonly okReads: readonly (SessionRead & { readonly present: boolean })[];
  /** No expiry or close could have removed the node before this. */
  readonly earliestEndMs: number;
  readonly promisedExpiryMs: number;
  /** The leader's last touch was sent no earlier than this. */
  readonly lastTouchSentMs: number;
}

export function checkSessionTrials(
  trials: readonly SessionTrialRecord[],
  context: CheckContext,
  options: SessionCheckOptions,
): SessionCheckResult {
  const anomalies: string[] = [];
  const counts = {
    "expired early": 0,
    "never seen gone": 0,
    late: 0,
    "late (reset allowed)": 0,
    "late (reset not allowed)": 0,
  };
  const expiries: SessionTrialLateness[] = [];
  for (const trial of trials) {
    const facts = trialFacts(trial);
    if (facts === undefined) continue;
    const early = earlyAnomalies(facts);
    if (early.length > 0) counts["expired early"]++;
    anomalies.push(...early, ...reappearedAnomalies(facts), ...closeAnomalies(facts));
    if (!expectsExpiry(trial)) continue;
    const lateness = expiryLateness(facts, context, options);
    expiries.push(lateness);
    const neverGone = neverGoneAnomaly(facts, lateness);
    if (neverGone !== undefined) {
      counts["never seen gone"]++;
      anomalies.push(neverGone);
    }
    const late = lateAnomaly(facts, lateness);
    if (late !== undefined) {
      counts.late++;
      anomalies.push(late);
    }
    if (isLate(lateness, lateness.allowedWithResetMs)) counts["late (reset allowed)"]++;
    if (isLate(lateness, lateness.allowedWithoutResetMs)) counts["late (reset not allowed)"]++;
  }
  return {
    checker: "session-expiry",
    verdict: verdictFromAnomalies(anomalies),
    anomalies,
    stats: { ...callStats(trials), ...counts, ...latenessStats(expiries) },
    expiries,
  };
}

function trialFacts(trial: SessionTrialRecord): TrialFacts | undefined {
  const { sessionId, timeoutMs } = trial;
  if (trial.open.outcome !== "ok" || sessionId === undefined || timeoutMs === undefined) return undefined;
  const okKeepAlives = trial.keepAlives.filter((call) => call.outcome === "ok");
  const lastTouchSentMs = Math.max(trial.open.invokeMs, ...okKeepAlives.map((call) => call.invokeMs));
  // Any call naming the session may have touched it (as any request does in ZooKeeper), until it completed.
  const mayHaveTouched = [trial.open, ...(trial.create === undefined ? [] : [trial.create]), ...trial.keepAlives];
  const lastTouchMs = Math.max(...mayHaveTouched.filter((call) => call.outcome !== "fail").map((c) => c.completeMs));
  const closeMayHaveApplied = trial.close !== undefined && trial.close.outcome !== "fail";
  return {
    trial,
    sessionId,
    timeoutMs,
    // Reads start once the create has an outcome; before it, absence would say nothing.
    okReads: trial.reads.filter(
      (read): read is SessionRead & { present: boolean } =>
        read.present !== undefined && read.invokeMs > (trial.create?.completeMs ?? trial.open.completeMs),
    ),
    earliestEndMs: Math.min(lastTouchSentMs + timeoutMs, closeMayHaveApplied ? (trial.close?.invokeMs ?? 0) : Infinity),
    promisedExpiryMs: lastTouchMs + timeoutMs,
    lastTouchSentMs,
  };
}

/** A trial that neither failed to create its node nor closed its session must see it expire. */
function expectsExpiry(trial: SessionTrialRecord): boolean {
  return trial.create !== undefined && trial.create.outcome !== "fail" && trial.close?.outcome !== "ok";
}

function earlyAnomalies(facts: TrialFacts): string[] {
  const { trial, sessionId, timeoutMs } = facts;
  const create = trial.create;
  if (create === undefined) return [];
  if (create.outcome === "fail") {
    return facts.okReads
      .filter((read) => read.present)
      .map((read) => `trial ${trial.trial}: ${trial.path} seen present (read ${span(read)}) though its create failed`);
  }
  if (create.outcome !== "ok") return [];
  const early = facts.okReads.filter((read) => !read.present && read.completeMs < facts.earliestEndMs);
  return early.map(
    (read) =>
      `session ${sessionId} expired early: ${trial.path} (created ${span(create)}) absent in a read ${span(read)} ` +
      `on ${read.server}, ${ms(facts.earliestEndMs - read.completeMs)} before the earliest possible end ` +
      `(last touch sent at ${ms(facts.lastTouchSentMs)} + timeout ${ms(timeoutMs)}` +
      `${trial.close === undefined ? "" : `, close invoked at ${ms(trial.close.invokeMs)}`})`,
  );
}

function reappearedAnomalies(facts: TrialFacts): string[] {
  const firstAbsent = facts.okReads.find((read) => !read.present);
  if (firstAbsent === undefined) return [];
  return facts.okReads
    .filter((read) => read.present && read.invokeMs > firstAbsent.completeMs)
    .map(
      (read) =>
        `trial ${facts.trial.trial}: ${facts.trial.path} of session ${facts.sessionId} seen again ` +
        `(read ${span(read)} on ${read.server}) after a read ${span(firstAbsent)} saw it gone`,
    );
}

function closeAnomalies(facts: TrialFacts): string[] {
  const close = facts.trial.close;
  if (close?.outcome !== "ok" || facts.trial.create?.outcome !== "ok") return [];
  const firstAfter = facts.okReads.find((read) => read.invokeMs > close.completeMs);
  if (firstAfter === undefined) {
    return [
      `session ${facts.sessionId} closed ${span(close)}: no read after the close to see ${facts.trial.path} gone`,
    ];
  }
  if (!firstAfter.present) return [];
  return [
    `session ${facts.sessionId} closed ${span(close)} but ${facts.trial.path} still present ` +
      `in the next read ${span(firstAfter)} on ${firstAfter.server}`,
  ];
}

function expiryLateness(facts: TrialFacts, context: CheckContext, options: SessionCheckOptions): SessionTrialLateness {
  const promise = facts.promisedExpiryMs;
  const lastPresent = lastOf(facts.okReads, (read) => read.present);
  const firstAbsent = facts.okReads.find((read) => !read.present && read.invokeMs > (lastPresent?.invokeMs ?? -1));
  const seenUntilMs = lastPresent?.invokeMs ?? promise;
  // A window that began after the last present read cannot excuse lateness, which is measured up to that read.
  const spansSilence = (window: UnavailableWindow) =>
    window.leaderChanged &&
    window.endMs > facts.lastTouchSentMs &&
    lastPresent !== undefined &&
    window.startMs <= lastPresent.invokeMs;
  const leaderChange = lastOf(context.unavailable, spansSilence);
  // Not necessarily the last one: a reset after kill-all still shows after a later leader kill.
  const resetChange = lastOf(
    context.unavailable,
    (window) => spansSilence(window) && options.resetAllowedAfter(window),
  );
  const allowedWithoutResetMs =
    SESSION_LATE_TOLERANCE_MS + unavailableOverlapMs(context.unavailable, promise, Math.max(promise, seenUntilMs));
  const resetAllowanceMs = (window: UnavailableWindow | undefined) =>
    window === undefined ? -Infinity : window.endMs + facts.timeoutMs - promise + SESSION_LATE_TOLERANCE_MS;
  return {
    trial: facts.trial.trial,
    sessionId: facts.sessionId,
    timeoutMs: facts.timeoutMs,
    promisedExpiryMs: promise,
    latenessMinMs: lastPresent === undefined ? undefined : lastPresent.invokeMs - promise,
    latenessMaxMs: firstAbsent === undefined ? undefined : firstAbsent.completeMs - promise,
    // Only a create known to have applied makes an absent read mean "ended" (as earlyAnomalies judges).
    earliestEndMarginMs:
      firstAbsent === undefined || facts.trial.create?.outcome !== "ok"
        ? undefined
        : firstAbsent.completeMs - facts.earliestEndMs,
    leaderChange,
    allowedWithResetMs: Math.max(allowedWithoutResetMs, resetAllowanceMs(leaderChange)),
    allowedWithoutResetMs,
    allowedMs: Math.max(allowedWithoutResetMs, resetAllowanceMs(resetChange)),
  };
}

function isLate(lateness: SessionTrialLateness, allowedMs: number): boolean {
  return lateness.latenessMinMs !== undefined && lateness.latenessMinMs > allowedMs;
}

/** The last item that passes `test` (ES2022 has no findLast). */
function lastOf<T>(items: readonly T[], test: (item: T) => boolean): T | undefined {
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index] as T;
    if (test(item)) return item;
  }
  return undefined;
}

/** The node existed (or its create was acknowledged), and no read after it was last seen found it gone. */
function neverGoneAnomaly(facts: TrialFacts, lateness: SessionTrialLateness): string | undefined {
  const seenGone = lateness.latenessMaxMs !== undefined;
  const existed = lateness.latenessMinMs !== undefined || facts.trial.create?.outcome === "ok";
  if (seenGone || !existed) return undefined;
  const lastRead = lastOf(facts.okReads, () => true);
  return (
    `session ${facts.sessionId}: ${facts.trial.path} never seen gone (promised expiry at ` +
    `${ms(lateness.promisedExpiryMs)}; ${facts.okReads.length} ok reads, the last ` +
    `${lastRead === undefined ? "never" : span(lastRead)})`
  );
}

function lateAnomaly(facts: TrialFacts, lateness: SessionTrialLateness): string | undefined {
  const { allowedMs } = lateness;
  const latenessMs = lateness.latenessMinMs;
  if (latenessMs === undefined || latenessMs <= allowedMs) return undefined;
  const window = lateness.leaderChange;
  const what =
    window === undefined
      ? "session kept alive past its timeout"
      : "session kept alive long past its timeout across a leader change " +
        `(${window.kind} ${ms(window.startMs)}–${ms(window.endMs)})`;
  return (
    `session ${facts.sessionId}: ${what}: ${facts.trial.path} still present at ` +
    `${ms(lateness.promisedExpiryMs + latenessMs)}, ${ms(latenessMs)} after the promised expiry at ` +
    `${ms(lateness.promisedExpiryMs)} (timeout ${ms(facts.timeoutMs)}, lateness allowed ${ms(allowedMs)})`
  );
}

/** Time in [fromMs, toMs] covered by at least one window (windows may overlap each other). */
export function unavailableOverlapMs(windows: readonly UnavailableWindow[], fromMs: number, toMs: number): number {
  const clipped = windows
    .map((window) => ({ startMs: Math.max(window.startMs, fromMs), endMs: Math.min(window.endMs, toMs) }))
    .filter((window) => window.endMs > window.startMs)
    .sort((a, b) => a.startMs - b.startMs);
  let coveredMs = 0;
  let reachedMs = fromMs;
  for (const window of clipped) {
    const startMs = Math.max(window.startMs, reachedMs);
    if (window.endMs > startMs) coveredMs += window.endMs - startMs;
    reachedMs = Math.max(reachedMs, window.endMs);
  }
  return coveredMs;
}

function callStats(trials: readonly SessionTrialRecord[]): Record<string, number> {
  const keepAlives = trials.flatMap((trial) => trial.keepAlives);
  const reads = trials.flatMap((trial) => trial.reads);
  const count = (calls: readonly SessionCall[], outcome: SessionCallOutcome) =>
    calls.filter((call) => call.outcome === outcome).length;
  return {
    trials: trials.length,
    "sessions opened": trials.filter((trial) => trial.open.outcome === "ok").length,
    "ephemerals created ok": trials.filter((trial) => trial.create?.outcome === "ok").length,
    "keepAlive ok": count(keepAlives, "ok"),
    "keepAlive fail": count(keepAlives, "fail"),
    "keepAlive unknown": count(keepAlives, "unknown"),
    reads: reads.length,
    "reads ok": count(reads, "ok"),
    closed: trials.filter((trial) => trial.close?.outcome === "ok").length,
  };
}

function latenessStats(expiries: readonly SessionTrialLateness[]): Record<string, number> {
  const spanning = expiries.filter((expiry) => expiry.leaderChange !== undefined);
  const margins = expiries.flatMap((expiry) =>
    expiry.earliestEndMarginMs === undefined ? [] : [expiry.earliestEndMarginMs],
  );
  return {
    expired: expiries.filter((expiry) => expiry.latenessMaxMs !== undefined).length,
    ...(margins.length === 0 ? {} : { "earliest end margin min ms": Math.round(Math.min(...margins)) }),
    ...distribution("lateness", expiries),
    "spanning leader change": spanning.length,
    ...distribution("spanning leader change lateness", spanning),
  };
}

/** Median and max of the sound lower bounds, in whole ms; nothing when no trial was seen present. */
function distribution(label: string, expiries: readonly SessionTrialLateness[]): Record<string, number> {
  const values = expiries
    .map((expiry) => expiry.latenessMinMs)
    .filter((value): value is number => value !== undefined)
    .sort((a, b) => a - b);
  if (values.length === 0) return {};
  return {
    [`${label} median ms`]: Math.round(values[Math.floor(values.length / 2)] as number),
    [`${label} max ms`]: Math.round(values.at(-1) as number),
  };
}

function span(call: SessionCall): string {
  return `${ms(call.invokeMs)}–${ms(call.completeMs)}`;
}

function ms(value: number): string {
  return `${Math.round(value)} ms`;
}

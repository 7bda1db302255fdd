/**
 * The session-expiry workload: overlapping trials over the HTTP API (not the SDK, so that the
 * workload alone decides when keep-alives stop). A trial opens a session with a timeout T, creates
 * one ephemeral owned by it, keeps the session alive with `keepAlive` every T/4 for a seeded while
 * (sometimes not at all), then goes silent, or (about one trial in five) closes the session. From
 * the create on, an observer polls `exists(linearizable)` every ~100 ms until it sees the node gone
 * after the silence began. Every call's invoke, completion and outcome is recorded;
 * checkers/session-checker.ts judges them.
 */
import { createOnce, httpClient, type KeelHttpClient } from "@keel/testkit";
import {
  checkSessionTrials,
  type SessionCall,
  type SessionCheckOptions,
  type SessionCheckResult,
  type SessionRead,
  type SessionTrialRecord,
} from "../checkers/session-checker.js";
import { classifyFailure } from "../harness/outcome.js";
import type { Random } from "../harness/random.js";
import { sleep } from "../harness/util.js";
import type { ChaosWorkload, CheckContext, WorkloadEnv } from "./workload.js";

export const SESSION_TRIAL_PREFIX = "/chaos-sessions";

/** Passed to the checker (SessionCheckOptions): which faults' leader changes may restart a silent session's timeout. */
export type SessionWorkloadOptions = SessionCheckOptions;

/** A new trial about this often (seeded ±30%). */
const TRIAL_EVERY_MS = 1000;
/** Trials alive at once at most: a slow cluster makes trials longer, not more numerous. */
const TRIALS_LIVE_MAX = 6;
const TIMEOUT_MS_MIN = 3000;
const TIMEOUT_MS_MAX = 4000;
/** Keep-alives per timeout while a trial keeps its session: one or two lost ones do not expire it. */
const KEEP_ALIVES_PER_TIMEOUT = 4;
/** A trial keeps its session alive for 0 (this often) or up to 2 T. */
const KEEP_ALIVE_NONE_SHARE = 0.2;
const CLOSE_EXPLICITLY_SHARE = 0.2;
const POLL_EVERY_MS = 100;
/** Each call's client-side deadline; after it a keep-alive or close is `unknown`, a read `fail`. */
const CALL_TIMEOUT_MS = 2000;
/** How long an observer waits for the node to go, from the silence: long enough for a cluster to come back. */
const OBSERVE_AFTER_SILENCE_MS = 3 * TIMEOUT_MS_MAX + 60_000;
/** After a failed call, before the next one (on another member when its member could not serve). */
const UNAVAILABLE_BACKOFF_MS = 100;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type TrialState = Mutable<Omit<SessionTrialRecord, "keepAlives" | "reads">> & {
  readonly keepAlives: SessionCall[];
  readonly reads: SessionRead[];
  secret?: string;
  /** From when an absent read means the node is gone for good: the silence, or the close's answer. */
  goneFromMs?: number;
};

interface CallResult<T> {
  readonly call: SessionCall;
  readonly value?: T;
  /** The member could not serve it: the caller moves to another member. */
  readonly memberUnavailable: boolean;
}

export class SessionWorkload implements ChaosWorkload {
  readonly name = "session-expiry";
  private env: WorkloadEnv | undefined;
  private readonly clients = new Map<string, KeelHttpClient>();
  private readonly trials: TrialState[] = [];
  private stopped = false;
  private wakeStopped: () => void = () => {};
  private readonly stoppedSignal = new Promise<void>((resolve) => {
    this.wakeStopped = resolve;
  });

  constructor(private readonly options: SessionWorkloadOptions) {}

  async setup(env: WorkloadEnv): Promise<void> {
    this.env = env;
    const first = [...env.memberUrls.values()][0];
    if (first === undefined) throw new Error("session workload: no members");
    await createOnce(this.client(first), { path: SESSION_TRIAL_PREFIX, data: "" }, { timeoutMs: 60_000 });
  }

  async run(): Promise<void> {
    const env = this.requireEnv();
    const running = new Set<Promise<void>>();
    for (let n = 0; !this.stopped; n++) {
      const trial = this.runTrial(n, env.random.fork(n)).catch((error: unknown) => {
        env.log(`session trial ${n} stopped by a harness error: ${(error as Error).stack ?? String(error)}`);
      });
      running.add(trial);
      void trial.finally(() => running.delete(trial));
      await this.pause(env.random.between(0.7 * TRIAL_EVERY_MS, 1.3 * TRIAL_EVERY_MS));
      while (running.size >= TRIALS_LIVE_MAX && !this.stopped) await Promise.race([...running, this.stoppedSignal]);
    }
    await Promise.all(running);
  }

  stop(): void {
    this.stopped = true;
    this.wakeStopped();
  }

  /** Polls, through the leader, every trial whose node was not yet seen gone, until it is (bounded). */
  async finish(leaderUrl: string): Promise<void> {
    const pending = this.trials.filter((trial) => trial.open.outcome === "ok" && !seenGone(trial));
    await Promise.all(
      pending.map(async (trial) => {
        const deadlineMs = this.now() + OBSERVE_AFTER_SILENCE_MS;
        while (!seenGone(trial) && this.now() < deadlineMs) {
          await this.read(trial, leaderUrl);
          if (!seenGone(trial)) await sleep(POLL_EVERY_MS);
        }
      }),
    );
  }

  /** Closes the sessions whose node was never seen gone (a cluster that did not heal); HTTP clients hold nothing. */
  async close(): Promise<void> {
    const open = this.trials.filter((trial) => trial.secret !== undefined && !seenGone(trial));
    await Promise.all(
      open.map(async (trial) => {
        try {
          await this.client(trial.open.server).session.close.mutate(
            { sessionId: trial.sessionId ?? "", secret: trial.secret ?? "" },
            { signal: AbortSignal.timeout(CALL_TIMEOUT_MS) },
          );
        } catch {
          // Best effort: an unclosed session expires on its own, or goes with the cluster.
        }
      }),
    );
  }

  check(context: CheckContext): SessionCheckResult {
    return checkSessionTrials(this.trials, context, this.options);
  }

  record(): { readonly trials: readonly SessionTrialRecord[] } {
    return { trials: this.trials.map(({ secret: _secret, goneFromMs: _goneFromMs, ...trial }) => trial) };
  }

  private async runTrial(n: number, random: Random): Promise<void> {
    const memberUrls = [...this.requireEnv().memberUrls.values()];
    let server = random.pick(memberUrls);
    const requestedTimeoutMs = random.between(TIMEOUT_MS_MIN, TIMEOUT_MS_MAX);
    const keepAliveForMs = random.next() < KEEP_ALIVE_NONE_SHARE ? 0 : random.between(1, 2 * requestedTimeoutMs);
    const closeExplicitly = random.next() < CLOSE_EXPLICITLY_SHARE;
    const opened = await this.call(server, false, (client, signal) =>
      client.session.open.mutate({ timeoutMs: requestedTimeoutMs }, { signal }),
    );
    const trial: TrialState = {
      trial: n,
      path: `${SESSION_TRIAL_PREFIX}/t${n}`,
      requestedTimeoutMs,
      open: opened.call,
      keepAlives: [],
      reads: [],
    };
    this.trials.push(trial);
    if (opened.value === undefined) return;
    const session = { sessionId: opened.value.sessionId, secret: opened.value.secret };
    trial.sessionId = session.sessionId;
    trial.secret = session.secret;
    trial.timeoutMs = opened.value.timeoutMs;
    const created = await this.call(server, false, (client, signal) =>
      client.node.create.mutate({ path: trial.path, kind: "ephemeral", session, data: "" }, { signal }),
    );
    trial.create = created.call;
    if (created.memberUnavailable) server = otherMember(memberUrls, server, random);
    // The observer and the keep-alives run side by side: each draws from its own stream, so a replay repeats both.
    const observed = this.observe(trial, random.pick(memberUrls), random.fork(1));
    if (created.call.outcome !== "fail") {
      await this.keepAlive(trial, session, server, keepAliveForMs, random.fork(2));
    }
    trial.silenceStartMs = this.now();
    if (closeExplicitly && !this.stopped) {
      const closed = await this.call(server, false, (client, signal) =>
        client.session.close.mutate(session, { signal }),
      );
      trial.close = closed.call;
    }
    // A read that raced the close's answer says nothing the checker can use: observe past it.
    trial.goneFromMs = this.now();
    await observed;
  }

  /** keepAlive every T/4 until `forMs` has passed, the session is gone, or the workload stops. */
  private async keepAlive(
    trial: TrialState,
    session: { sessionId: string; secret: string },
    firstServer: string,
    forMs: number,
    random: Random,
  ): Promise<void> {
    const memberUrls = [...this.requireEnv().memberUrls.values()];
    const untilMs = this.now() + forMs;
    const everyMs = Math.floor((trial.timeoutMs ?? TIMEOUT_MS_MIN) / KEEP_ALIVES_PER_TIMEOUT);
    let server = firstServer;
    let waitMs = everyMs;
    while (!this.stopped && this.now() < untilMs) {
      await this.pause(waitMs);
      if (this.stopped || this.now() >= untilMs) return;
      const result = await this.call(server, false, (client, signal) =>
        client.session.keepAlive.mutate(session, { signal }),
      );
      trial.keepAlives.push(result.call);
      if (result.call.error === "SESSIONEXPIRED") return;
      // After a failure, another member at once: a call that waited out its deadline has used most of T.
      if (result.memberUnavailable) server = otherMember(memberUrls, server, random);
      waitMs = result.call.outcome === "ok" ? everyMs : UNAVAILABLE_BACKOFF_MS;
    }
  }

  /** Polls until the node is seen gone after the silence began, the wait is over, or the workload stops. */
  private async observe(trial: TrialState, firstServer: string, random: Random): Promise<void> {
    const memberUrls = [...this.requireEnv().memberUrls.values()];
    let server = firstServer;
    while (!this.stopped && !seenGone(trial)) {
      const goneFromMs = trial.goneFromMs;
      if (goneFromMs !== undefined && this.now() > goneFromMs + OBSERVE_AFTER_SILENCE_MS) return;
      const memberUnavailable = await this.read(trial, server);
      if (memberUnavailable) server = otherMember(memberUrls, server, random);
      await this.pause(POLL_EVERY_MS);
    }
  }

  /** One linearizable `exists` of the trial's node, recorded; true when its member could not serve. */
  private async read(trial: TrialState, server: string): Promise<boolean> {
    const result = await this.call(server, true, (client, signal) =>
      client.node.exists.query({ path: trial.path, linearizable: true }, { signal }),
    );
    trial.reads.push(
      result.value === undefined ? result.call : { ...result.call, present: result.value.stat !== null },
    );
    return result.memberUnavailable;
  }

  /** Runs one call under the client-side deadline and records its invoke, completion and outcome. */
  private async call<T>(
    server: string,
    isRead: boolean,
    send: (client: KeelHttpClient, signal: AbortSignal) => Promise<T>,
  ): Promise<CallResult<T>> {
    const invokeMs = this.now();
    const signal = AbortSignal.timeout(CALL_TIMEOUT_MS);
    try {
      const value = await send(this.client(server), signal);
      return { call: { invokeMs, completeMs: this.now(), outcome: "ok", server }, value, memberUnavailable: false };
    } catch (error) {
      const failed = classifyFailure(error, { isRead, timedOut: signal.aborted, timeoutMs: CALL_TIMEOUT_MS });
      const call = { invokeMs, completeMs: this.now(), outcome: failed.outcome, server, error: failed.error };
      return { call, memberUnavailable: failed.memberUnavailable };
    }
  }

  /** Sleeps, but wakes at once when the workload stops. */
  private async pause(ms: number): Promise<void> {
    await Promise.race([sleep(ms), this.stoppedSignal]);
  }

  private client(url: string): KeelHttpClient {
    let client = this.clients.get(url);
    if (client === undefined) {
      client = httpClient(url);
      this.clients.set(url, client);
    }
    return client;
  }

  private now(): number {
    return this.requireEnv().clock.now();
  }

  private requireEnv(): WorkloadEnv {
    if (this.env === undefined) throw new Error("session workload: setup() was not called");
    return this.env;
  }
}

/** Seen absent after the silence began (or after the close's answer): the trial's node is gone for good. */
function seenGone(trial: TrialState): boolean {
  const since = trial.goneFromMs;
  return since !== undefined && trial.reads.some((read) => read.present === false && read.invokeMs >= since);
}

function otherMember(memberUrls: readonly string[], current: string, random: Random): string {
  const others = memberUrls.filter((url) => url !== current);
  return others.length === 0 ? current : random.pick(others);
}

/**
 * The election workload: C candidates, each with its own `@keel/client` session through its own
 * ClientLink, campaign in one election. An elected candidate records its term (the leadership's
 * fencing token), writes the term to a resource znode through fenced multis for a short random
 * time, and resigns; some tenures (seeded) are paused leaders, as in the lock workload (the same
 * holdLease). O observers run `observe()` for the whole run and record every yield. At the end,
 * after healing, one candidate campaigns once more and every observer must come to show it.
 * What was recorded is checked by election-checker.ts.
 */
import type { KeelClient, LeaderElection, Lease } from "@keel/client";
import type {
  Campaign,
  ElectionRecord,
  FinalElectionState,
  Observation,
  Resign,
} from "../checkers/election-checker.js";
import { checkElectionRecord } from "../checkers/election-checker.js";
import type { FencedWrite } from "../checkers/fenced-writes.js";
import type { HeldSpan } from "../checkers/lock-checker.js";
import { pollFor, sleep } from "../harness/util.js";
import {
  CLUSTER_WAIT_MS,
  ContenderClient,
  createPersistent,
  FAILURE_BACKOFF_MS,
  holdGrant,
  type PausedWrite,
  resolvePausedWrites,
  sdkFailure,
} from "./lease-holder.js";
import type { ChaosWorkload, CheckContext, WorkloadCheckResult, WorkloadEnv } from "./workload.js";

export interface ElectionWorkloadOptions {
  /** Default 3. */
  readonly candidates?: number;
  /** Default 2. */
  readonly observers?: number;
  readonly electionName?: string;
  readonly resourcePath?: string;
  readonly markersPath?: string;
  /** Each candidate's and observer's session timeout. Default 3000. */
  readonly sessionTimeoutMs?: number;
  /** One campaign's wait. Default 5000. */
  readonly campaignTimeoutMs?: number;
  /** A tenure lasts 0..holdMsMax, split between its fenced writes. Default 300. */
  readonly holdMsMax?: number;
  readonly writesPerHoldMax?: number;
  /** The share of tenures that are paused leaders (seeded). Default 0.1. */
  readonly pausedHolderProbability?: number;
  /** How long a paused leader's link stays frozen; see LockWorkloadOptions.pauseMs. */
  readonly pauseMs?: number;
  /** Candidates whose every tenure is paused. */
  readonly alwaysPausedCandidates?: readonly number[];
  readonly thinkMsMax?: number;
}

const DEFAULTS = {
  candidates: 3,
  observers: 2,
  electionName: "chaos-election",
  resourcePath: "/chaos-election-resource",
  markersPath: "/chaos-election-late-writes",
  sessionTimeoutMs: 3000,
  campaignTimeoutMs: 5000,
  holdMsMax: 300,
  writesPerHoldMax: 3,
  pausedHolderProbability: 0.1,
  thinkMsMax: 50,
} as const;

/** How long finish() gives the observers to show the final leader. */
const FINAL_OBSERVE_WAIT_MS = 30_000;

export class ElectionWorkload implements ChaosWorkload {
  readonly name = "election";
  private readonly options: Required<Omit<ElectionWorkloadOptions, "alwaysPausedCandidates" | "pauseMs">> & {
    alwaysPausedContenders: readonly number[];
    pauseMs: number | undefined;
  };
  private env: WorkloadEnv | undefined;
  private readonly candidatesStop = new AbortController();
  private readonly observersStop = new AbortController();
  private readonly candidates: ContenderClient[] = [];
  private readonly observerClients: ContenderClient[] = [];
  private observersDone: Promise<void> | undefined;
  private finalLease: Lease | undefined;
  private readonly campaigns: Campaign[] = [];
  private readonly tenures: HeldSpan[] = [];
  private readonly resigns: Resign[] = [];
  private readonly writes: FencedWrite[] = [];
  private readonly pausedWrites: PausedWrite[] = [];
  private readonly observations: Observation[] = [];
  private final: FinalElectionState | undefined;
  private finalCampaignError: string | undefined;

  constructor(options: ElectionWorkloadOptions = {}) {
    const { alwaysPausedCandidates = [], ...rest } = options;
    this.options = { ...DEFAULTS, pauseMs: undefined, ...rest, alwaysPausedContenders: alwaysPausedCandidates };
  }

  async setup(env: WorkloadEnv): Promise<void> {
    this.env = env;
    await createPersistent(env, [this.options.resourcePath, this.options.markersPath]);
    for (let index = 0; index < this.options.candidates; index++) {
      this.candidates.push(new ContenderClient(env, index, `candidate-${index}`, this.options.sessionTimeoutMs));
    }
    for (let index = 0; index < this.options.observers; index++) {
      this.observerClients.push(new ContenderClient(env, index, `observer-${index}`, this.options.sessionTimeoutMs));
    }
  }

  /** Runs the candidates until stop(); the observers go on through finish() until close(). */
  async run(): Promise<void> {
    const env = this.required();
    // run() must not throw: a candidate or observer that failed unexpectedly says so and stops.
    const failed = (who: string) => (error: unknown) => env.log(`${who} failed: ${String(error)}`);
    this.observersDone = Promise.all(
      this.observerClients.map((client, index) =>
        this.runObserver(env, client, index).catch(failed(`observer ${index}`)),
      ),
    ).then(() => undefined);
    await Promise.all(
      this.candidates.map((client, index) => this.runCandidate(env, client, index).catch(failed(`candidate ${index}`))),
    );
  }

  stop(): void {
    this.candidatesStop.abort(new Error("the workload stopped"));
  }

  async finish(leaderUrl: string): Promise<void> {
    const env = this.required();
    await resolvePausedWrites(env, leaderUrl, this.pausedWrites, this.writes);
    const leader = await this.campaignOnceMore(env);
    const expected = leader?.term ?? null;
    const shows = (observer: number) => (this.latestObservation(observer)?.term ?? null) === expected;
    await pollFor(
      () => (this.observerClients.every((_, index) => shows(index)) ? true : undefined),
      FINAL_OBSERVE_WAIT_MS,
    );
    this.final = {
      leader,
      ...(this.finalCampaignError === undefined ? {} : { campaignError: this.finalCampaignError }),
      lastYields: this.observerClients.map((_, observer) => ({
        observer,
        observation: this.latestObservation(observer),
      })),
    };
  }

  async close(): Promise<void> {
    this.stop();
    this.observersStop.abort(new Error("the workload closed"));
    await this.finalLease?.release().catch(() => undefined);
    await Promise.all([...this.candidates, ...this.observerClients].map((client) => client.close()));
    await this.observersDone;
  }

  check(_context: CheckContext): WorkloadCheckResult {
    return checkElectionRecord(this.record());
  }

  record(): ElectionRecord {
    return {
      election: this.options.electionName,
      campaigns: [...this.campaigns],
      tenures: [...this.tenures],
      resigns: [...this.resigns],
      writes: [...this.writes],
      observations: [...this.observations],
      ...(this.final ? { final: this.final } : {}),
    };
  }

  private latestObservation(observer: number): Observation | undefined {
    for (let i = this.observations.length - 1; i >= 0; i--) {
      const seen = this.observations[i] as Observation;
      if (seen.observer === observer) return seen;
    }
    return undefined;
  }

  private required(): WorkloadEnv {
    if (!this.env) throw new Error("election workload: setup() was not called");
    return this.env;
  }

  /** One campaign: recorded; the leadership when elected. */
  private async campaign(
    env: WorkloadEnv,
    client: ContenderClient,
    election: LeaderElection,
    index: number,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<Lease | undefined> {
    const invokeMs = env.clock.now();
    const base = { contender: index, session: client.session, label: client.label, invokeMs };
    try {
      const lease = await election.campaign({ timeoutMs, ...(signal ? { signal } : {}) });
      this.campaigns.push({
        ...base,
        completeMs: env.clock.now(),
        outcome: "ok",
        token: lease.fencingToken.toString(),
      });
      return lease;
    } catch (error) {
      // A campaign aborted by stop() leads nothing (the SDK withdraws its node): not elected.
      const failed = signal?.aborted
        ? { completeMs: env.clock.now(), outcome: "fail" as const, error: "stopped" }
        : sdkFailure(error, env.clock);
      this.campaigns.push({ ...base, ...failed });
      return undefined;
    }
  }

  private async runCandidate(env: WorkloadEnv, client: ContenderClient, index: number): Promise<void> {
    const random = env.random.fork(index);
    const stop = this.candidatesStop.signal;
    while (!stop.aborted) {
      const keel = await client.ensure(stop);
      if (!keel) break;
      const election = keel.election(this.options.electionName);
      const lease = await this.campaign(env, client, election, index, stop, this.options.campaignTimeoutMs);
      if (!lease) {
        await sleep(FAILURE_BACKOFF_MS);
        continue;
      }
      const startMs = env.clock.now();
      const held = await holdGrant(
        { env, client, contender: index, random, sessionTimeoutMs: keel.sessionTimeoutMs },
        this.options,
        { lease, startMs, release: () => election.resign() },
        { writes: this.writes, pausedWrites: this.pausedWrites },
      );
      this.tenures.push(held.span);
      this.resigns.push({
        contender: index,
        token: lease.fencingToken.toString(),
        invokeMs: held.releaseInvokeMs,
        completeMs: held.releaseCompleteMs,
        ...(await this.confirmGone(env, keel, lease.path)),
      });
      await sleep(random.between(0, this.options.thinkMsMax));
    }
  }

  /** When a linearizable read after the resign found the leader's node gone (what proves it deleted). */
  private async confirmGone(env: WorkloadEnv, keel: KeelClient, path: string): Promise<{ goneConfirmedMs?: number }> {
    try {
      const stat = await keel.exists(path, { linearizable: true, timeoutMs: 2000 });
      return stat === null ? { goneConfirmedMs: env.clock.now() } : {};
    } catch {
      return {};
    }
  }

  private async runObserver(env: WorkloadEnv, client: ContenderClient, observer: number): Promise<void> {
    const stop = this.observersStop.signal;
    while (!stop.aborted) {
      const keel = await client.ensure(stop);
      if (!keel) break;
      // The generator runs only when asked for its next value, so the read behind each yield was
      // invoked after the previous yield was recorded (or after the stream began).
      let readAfterMs = env.clock.now();
      try {
        for await (const leader of keel.election(this.options.electionName).observe({ signal: stop })) {
          const ms = env.clock.now();
          this.observations.push({
            observer,
            ms,
            readAfterMs,
            term: leader ? leader.term.toString() : null,
            ...(leader?.holder?.label === undefined ? {} : { holder: leader.holder.label }),
          });
          readAfterMs = ms;
        }
      } catch (error) {
        env.log(`observer ${observer}: observe ended: ${error instanceof Error ? error.message : String(error)}`);
      }
      await sleep(FAILURE_BACKOFF_MS);
    }
  }

  /** After healing: candidate 0 campaigns once more; the leader everyone should end up showing. */
  private async campaignOnceMore(env: WorkloadEnv): Promise<FinalElectionState["leader"]> {
    const client = this.candidates[0];
    const keel = client ? await client.ensure(AbortSignal.timeout(CLUSTER_WAIT_MS)) : undefined;
    if (!client || !keel) {
      this.finalCampaignError = "no candidate client";
      return null;
    }
    const lease = await this.campaign(
      env,
      client,
      keel.election(this.options.electionName),
      0,
      undefined,
      CLUSTER_WAIT_MS,
    );
    if (!lease) {
      this.finalCampaignError = this.campaigns.at(-1)?.error ?? "not elected";
      return null;
    }
    this.finalLease = lease;
    return { contender: 0, term: lease.fencingToken.toString(), label: client.label };
  }
}

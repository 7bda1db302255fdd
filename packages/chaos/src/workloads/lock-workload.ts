/**
 * The lock workload: C contenders, each with its own `@keel/client` session through its own
 * ClientLink, contend for one lock. A holder writes a resource znode through fenced multis
 * (`[lease.fenceOp(), set]`) for a short random time, then releases. Some holds (seeded) are
 * PAUSED: the contender's link is frozen for 2.5 session timeouts while it "holds", it ignores its
 * lost lease, and it writes with the old lease twice: once into the frozen link (the request
 * reaches the server only at the thaw: a write delayed past the holder's session) and once after
 * the thaw (which the SDK itself refuses once it knows its session is gone). A contender whose
 * session expired opens a new one and goes on. What was recorded is checked by lock-checker.ts.
 *
 * The contender machinery (lease-holder.ts) is shared with the election workload, whose
 * leaderships are the same SDK leases.
 */
import type { Lease } from "@keel/client";
import type { FencedWrite } from "../checkers/fenced-writes.js";
import { checkLockRecord, type HeldSpan, type LockAcquire, type LockRecord } from "../checkers/lock-checker.js";
import { sleep } from "../harness/util.js";
import {
  ContenderClient,
  createPersistent,
  FAILURE_BACKOFF_MS,
  holdGrant,
  type PausedWrite,
  resolvePausedWrites,
  sdkFailure,
} from "./lease-holder.js";
import type { ChaosWorkload, CheckContext, WorkloadCheckResult, WorkloadEnv } from "./workload.js";

export interface LockWorkloadOptions {
  /** Default 4. */
  readonly contenders?: number;
  readonly lockName?: string;
  /** The znode the holders write through fenced multis; created in setup. */
  readonly resourcePath?: string;
  /** Where paused holders' writes leave a marker (created in the same multi), to learn their outcome. */
  readonly markersPath?: string;
  /** Each contender's session timeout (the ensemble may clamp it). Default 3000. */
  readonly sessionTimeoutMs?: number;
  /** One acquire's wait. Default 5000. */
  readonly acquireTimeoutMs?: number;
  /** A hold lasts 0..holdMsMax, split between its fenced writes. Default 300. */
  readonly holdMsMax?: number;
  /** Fenced writes per hold, 1..writesPerHoldMax. Default 3. */
  readonly writesPerHoldMax?: number;
  /** The share of holds that are paused (seeded). Default 0.1. */
  readonly pausedHolderProbability?: number;
  /**
   * How long a paused holder's link stays frozen. Default 2.5 session timeouts. The member a
   * session is attached to stops renewing it once the client has not been heard for a third of
   * the timeout (apps/server/src/api/session-attach.ts), so the session is gone about 1.6 timeouts
   * into the pause; a pause much shorter than that may end with the session still alive: the late
   * writes are then rightly accepted, and nothing is tested.
   */
  readonly pauseMs?: number;
  /** Contenders whose every hold is paused (tests make sure a pause happens). */
  readonly alwaysPausedContenders?: readonly number[];
  /** Think time between a contender's holds, 0..thinkMsMax. Default 50. */
  readonly thinkMsMax?: number;
}

const DEFAULTS = {
  contenders: 4,
  lockName: "chaos-lock",
  resourcePath: "/chaos-lock-resource",
  markersPath: "/chaos-lock-late-writes",
  sessionTimeoutMs: 3000,
  acquireTimeoutMs: 5000,
  holdMsMax: 300,
  writesPerHoldMax: 3,
  pausedHolderProbability: 0.1,
  thinkMsMax: 50,
} as const;

export class LockWorkload implements ChaosWorkload {
  readonly name = "lock";
  private readonly options: Required<Omit<LockWorkloadOptions, "alwaysPausedContenders" | "pauseMs">> & {
    alwaysPausedContenders: readonly number[];
    pauseMs: number | undefined;
  };
  private env: WorkloadEnv | undefined;
  private readonly stopController = new AbortController();
  private readonly clients: ContenderClient[] = [];
  private readonly acquires: LockAcquire[] = [];
  private readonly sections: HeldSpan[] = [];
  private readonly writes: FencedWrite[] = [];
  private readonly pausedWrites: PausedWrite[] = [];

  constructor(options: LockWorkloadOptions = {}) {
    this.options = { ...DEFAULTS, alwaysPausedContenders: [], pauseMs: undefined, ...options };
  }

  async setup(env: WorkloadEnv): Promise<void> {
    this.env = env;
    await createPersistent(env, [this.options.resourcePath, this.options.markersPath]);
  }

  async run(): Promise<void> {
    const env = this.required();
    // run() must not throw: a contender that failed unexpectedly says so and stops.
    const contenders = Array.from({ length: this.options.contenders }, (_, index) =>
      this.runContender(env, index).catch((error: unknown) =>
        env.log(`lock contender ${index} failed: ${String(error)}`),
      ),
    );
    await Promise.all(contenders);
  }

  stop(): void {
    this.stopController.abort(new Error("the workload stopped"));
  }

  /** The paused holders' unanswered writes are looked up now that the cluster is whole again. */
  async finish(leaderUrl: string): Promise<void> {
    await resolvePausedWrites(this.required(), leaderUrl, this.pausedWrites, this.writes);
  }

  async close(): Promise<void> {
    this.stop();
    await Promise.all(this.clients.map((client) => client.close()));
  }

  check(_context: CheckContext): WorkloadCheckResult {
    return checkLockRecord(this.record());
  }

  record(): LockRecord {
    return {
      lockName: this.options.lockName,
      acquires: [...this.acquires],
      sections: [...this.sections],
      writes: [...this.writes],
    };
  }

  private required(): WorkloadEnv {
    if (!this.env) throw new Error("lock workload: setup() was not called");
    return this.env;
  }

  private async runContender(env: WorkloadEnv, index: number): Promise<void> {
    const random = env.random.fork(index);
    const stop = this.stopController.signal;
    const client = new ContenderClient(env, index, `lock-contender-${index}`, this.options.sessionTimeoutMs);
    this.clients.push(client);
    while (!stop.aborted) {
      const keel = await client.ensure(stop);
      if (!keel) break;
      const invokeMs = env.clock.now();
      let lease: Lease;
      try {
        lease = await keel
          .lock(this.options.lockName)
          .acquire({ timeoutMs: this.options.acquireTimeoutMs, signal: stop });
      } catch (error) {
        // An acquire aborted by stop() holds nothing (the SDK withdraws its node): not granted.
        const failed = stop.aborted
          ? { completeMs: env.clock.now(), outcome: "fail" as const, error: "stopped" }
          : sdkFailure(error, env.clock);
        this.acquires.push({ contender: index, session: client.session, invokeMs, ...failed });
        await sleep(FAILURE_BACKOFF_MS);
        continue;
      }
      const startMs = env.clock.now();
      const token = lease.fencingToken.toString();
      this.acquires.push({
        contender: index,
        session: client.session,
        invokeMs,
        completeMs: startMs,
        outcome: "ok",
        token,
      });
      const held = await holdGrant(
        { env, client, contender: index, random, sessionTimeoutMs: keel.sessionTimeoutMs },
        this.options,
        { lease, startMs, release: () => lease.release() },
        { writes: this.writes, pausedWrites: this.pausedWrites },
      );
      this.sections.push(held.span);
      await sleep(random.between(0, this.options.thinkMsMax));
    }
  }
}

/**
 * What the lock and election workloads share: a contender's SDK session behind its own ClientLink
 * (reopened after an expiry), acting as the holder of a lease (a lock or a leadership: the same
 * SDK Lease) with fenced writes, the paused holder and its late writes, and learning those writes'
 * outcomes after healing.
 */
import type { OpResultView } from "@keel/api";
import {
  connect,
  fromCallError,
  type KeelClient,
  KeelClientError,
  keelErrorFor,
  type Lease,
  NodeExistsError,
  type Op,
} from "@keel/client";
import { httpClient } from "@keel/testkit";
import type { FencedWrite } from "../checkers/fenced-writes.js";
import type { HeldSpan } from "../checkers/lock-checker.js";
import type { RunClock } from "../harness/history-recorder.js";
import type { Random } from "../harness/random.js";
import { sleep } from "../harness/util.js";
import { ClientLink } from "../net/client-link.js";
import type { WorkloadEnv } from "./workload.js";

/** A pause lasts this many session timeouts by default: the session is gone by the thaw (see pauseMs). */
export const PAUSE_SESSION_TIMEOUTS = 2.5;
/** How long setup and the final reads wait for a healthy cluster on a busy machine. */
export const CLUSTER_WAIT_MS = 60_000;
/** After a failed call, before the next: no busy loop on a dead member or a suspect session. */
export const FAILURE_BACKOFF_MS = 200;
/** A paused holder's direct write gets this long for an answer. */
const DIRECT_WRITE_TIMEOUT_MS = 5000;

/** One contender's SDK client through its own ClientLink; after its session ends it opens a new one. */
export class ContenderClient {
  /** Which session this is (0, 1, ...): a new one after each expiry. */
  session = -1;
  link: ClientLink | undefined;
  keel: KeelClient | undefined;
  /** Numbers this contender's fenced writes (and names their markers). */
  writeCount = 0;
  private closed = false;

  constructor(
    private readonly env: WorkloadEnv,
    readonly contender: number,
    private readonly labelPrefix: string,
    private readonly sessionTimeoutMs: number,
  ) {}

  /** The members in this contender's order: contender i starts on member i, so they spread out. */
  get memberUrls(): string[] {
    const members = [...this.env.memberUrls.values()];
    const shift = this.contender % members.length;
    return [...members.slice(shift), ...members.slice(0, shift)];
  }

  /** Holder metadata label: what observers see. */
  get label(): string {
    return `${this.labelPrefix}-s${this.session}`;
  }

  /** The client, reopened when its session expired; undefined once stopped or closed. */
  async ensure(stop: AbortSignal): Promise<KeelClient | undefined> {
    while (!stop.aborted && !this.closed) {
      const state = this.keel?.state.name;
      if (this.keel && state !== "expired" && state !== "closed") return this.keel;
      await this.dispose();
      try {
        await this.open();
      } catch (error) {
        this.env.log(`${this.labelPrefix}: no session yet: ${error instanceof Error ? error.message : String(error)}`);
        await sleep(FAILURE_BACKOFF_MS);
      }
    }
    return undefined;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.dispose();
  }

  private async open(): Promise<void> {
    this.session += 1;
    const link = await ClientLink.open(this.memberUrls);
    this.link = link;
    const keel = await connect({
      servers: link.urls,
      sessionTimeoutMs: this.sessionTimeoutMs,
      label: this.label,
      connectTimeoutMs: 10_000,
    });
    this.keel = keel;
    if (this.closed) await this.dispose();
  }

  private async dispose(): Promise<void> {
    const { keel, link } = this;
    this.keel = undefined;
    this.link = undefined;
    await keel?.close().catch(() => undefined);
    await link?.close();
  }
}

/** Where a holder writes, and who it is. */
export interface HolderContext {
  readonly env: WorkloadEnv;
  readonly client: ContenderClient;
  readonly contender: number;
  readonly resourcePath: string;
  readonly markersPath: string;
}

export interface HoldPlan {
  readonly holdMs: number;
  readonly writes: number;
  readonly paused: boolean;
}

export interface HoldRequest {
  readonly lease: Lease;
  /** When the grant reached the contender. */
  readonly startMs: number;
  readonly plan: HoldPlan;
  /** How long a paused holder's link stays frozen. */
  readonly pauseMs: number;
  /** `lease.release()` for a lock, `election.resign()` for leadership. */
  readonly release: () => Promise<void>;
}

/** A paused holder's write with no answer: its marker tells, once the lease's node is gone (finish). */
export interface PausedWrite {
  /** Its index in the writes list. */
  readonly index: number;
  readonly leasePath: string;
  readonly markerPath: string;
}

export interface HoldRecords {
  readonly writes: FencedWrite[];
  readonly pausedWrites: PausedWrite[];
}

export function drawHoldPlan(
  random: Random,
  options: {
    holdMsMax: number;
    writesPerHoldMax: number;
    pausedHolderProbability: number;
    alwaysPausedContenders: readonly number[];
  },
  contender: number,
): HoldPlan {
  const holdMs = random.between(0, options.holdMsMax);
  const writes = random.between(1, options.writesPerHoldMax);
  const paused = random.next() < options.pausedHolderProbability || options.alwaysPausedContenders.includes(contender);
  return { holdMs, writes, paused };
}

/** A workload's holder settings: where its holders write, and how their holds are drawn. */
export interface HolderSettings {
  readonly resourcePath: string;
  readonly markersPath: string;
  readonly holdMsMax: number;
  readonly writesPerHoldMax: number;
  readonly pausedHolderProbability: number;
  readonly alwaysPausedContenders: readonly number[];
  /** Undefined: PAUSE_SESSION_TIMEOUTS session timeouts. */
  readonly pauseMs: number | undefined;
}

/**
 * Holds a grant as both the lock and the election workloads do: a plan drawn from `random`, the
 * default pause for the client's session timeout, the workload's shared records.
 */
export function holdGrant(
  holder: { env: WorkloadEnv; client: ContenderClient; contender: number; random: Random; sessionTimeoutMs: number },
  settings: HolderSettings,
  grant: { lease: Lease; startMs: number; release: () => Promise<void> },
  records: HoldRecords,
): ReturnType<typeof holdLease> {
  const { env, client, contender, random, sessionTimeoutMs } = holder;
  const { resourcePath, markersPath } = settings;
  return holdLease(
    { env, client, contender, resourcePath, markersPath },
    {
      ...grant,
      plan: drawHoldPlan(random, settings, contender),
      pauseMs: settings.pauseMs ?? PAUSE_SESSION_TIMEOUTS * sessionTimeoutMs,
    },
    records,
  );
}

/**
 * Acts as the holder: fenced writes while the lease holds (or, paused, the late writes), then
 * the release. The span ends at the earlier of the release's invoke and the lease signal's abort.
 */
export async function holdLease(
  context: HolderContext,
  request: HoldRequest,
  records: HoldRecords,
): Promise<{ span: HeldSpan; releaseInvokeMs: number; releaseCompleteMs: number }> {
  const { clock } = context.env;
  const { lease } = request;
  let lostMs = lease.signal.aborted ? request.startMs : undefined;
  lease.signal.addEventListener("abort", () => {
    lostMs ??= clock.now();
  });
  const keel = context.client.keel;
  if (request.plan.paused) await pausedHold(context, request, records);
  else if (keel) {
    for (let n = 0; n < request.plan.writes && lease.held; n++) {
      await sleep(request.plan.holdMs / request.plan.writes);
      if (!lease.held) break;
      const write = fencedWriteStart(context, lease, undefined, (ops) => keel.multi(ops));
      records.writes.push(await write.settled());
    }
  }
  const releaseInvokeMs = clock.now();
  await request.release().catch(() => undefined);
  const releaseCompleteMs = clock.now();
  const lost = lostMs !== undefined && lostMs < releaseInvokeMs;
  const span: HeldSpan = {
    contender: context.contender,
    token: lease.fencingToken.toString(),
    startMs: request.startMs,
    endMs: lost ? (lostMs as number) : releaseInvokeMs,
    endedBy: lost ? "lost" : "release",
    paused: request.plan.paused,
  };
  return { span, releaseInvokeMs, releaseCompleteMs };
}

/**
 * A paused holder: its link frozen for `pauseMs` while it "holds", ignoring its lease's signal.
 * Four late writes with the old lease, each a fenced multi that also creates a marker node:
 * - `frozen-link`: sent into the frozen link at once; no server can see it before the thaw (if
 *   the server dropped that connection meanwhile, it is lost, which the marker tells);
 * - `sdk-after-thaw`: through the SDK after the thaw (the SDK refuses it itself once it knows its
 *   session is gone);
 * - `direct-after-thaw`: the same multi, tagged with the old session, straight to a member over
 *   HTTP, as a late process would send it: the ensemble must refuse it;
 * - `fence-only-after-thaw`: the same without the session tag, so that only the fence check
 *   (the old lease's node must exist) stands between it and the resource.
 */
async function pausedHold(context: HolderContext, request: HoldRequest, records: HoldRecords): Promise<void> {
  const { clock } = context.env;
  const { link, keel } = context.client;
  if (!link || !keel) return;
  context.env.log(`${context.client.label}: paused while holding ${request.lease.fencingToken}`);
  const session = keel.sessionRef();
  link.freeze();
  const frozen = fencedWriteStart(context, request.lease, "frozen-link", (ops) => keel.multi(ops));
  await sleep(request.pauseMs);
  const thawMs = clock.now();
  link.thaw();
  const late: StartedWrite[] = [frozen];
  late.push(fencedWriteStart(context, request.lease, "sdk-after-thaw", (ops) => keel.multi(ops)));
  await late[1]?.settled();
  const member = context.client.memberUrls[0] as string;
  late.push(fencedWriteStart(context, request.lease, "direct-after-thaw", (ops) => directMulti(member, ops, session)));
  await late[2]?.settled();
  late.push(fencedWriteStart(context, request.lease, "fence-only-after-thaw", (ops) => directMulti(member, ops)));
  for (const write of late) {
    const settled = { ...(await write.settled()), ...(write === frozen ? { heldUntilMs: thawMs } : {}) };
    if (settled.outcome === "unknown") {
      records.pausedWrites.push({
        index: records.writes.length,
        leasePath: request.lease.path,
        markerPath: write.markerPath,
      });
    }
    records.writes.push(settled);
  }
}

type MultiSender = (ops: Op[]) => Promise<OpResultView[]>;

interface StartedWrite {
  readonly markerPath: string;
  readonly settled: () => Promise<FencedWrite>;
}

/** A multi sent over HTTP (tagged with `session` when given), failing as the SDK's `multi` would. */
async function directMulti(url: string, ops: Op[], session?: { sessionId: string; secret: string }) {
  let results: OpResultView[];
  try {
    ({ results } = await httpClient(url).node.multi.mutate(
      { ops, ...(session ? { session } : {}) },
      { signal: AbortSignal.timeout(DIRECT_WRITE_TIMEOUT_MS) },
    ));
  } catch (error) {
    throw fromCallError(error);
  }
  const failed = results.find(
    (result) => result.type === "error" && result.code !== "OK" && result.code !== "RUNTIMEINCONSISTENCY",
  );
  if (failed?.type === "error") throw keelErrorFor(failed.code, failed.message);
  return results;
}

/**
 * Starts one fenced write: `multi([fenceOp, set(resource)])`, plus, for a paused holder, the
 * creation of a marker node in the same multi, so that its outcome can be read back later. The
 * lease's `fenced()` is not used on purpose: it refuses locally once the lease is lost, and a
 * paused holder's write must reach the ensemble.
 */
function fencedWriteStart(
  context: HolderContext,
  lease: Lease,
  via: FencedWrite["via"],
  send: MultiSender,
): StartedWrite {
  const { clock } = context.env;
  const n = context.client.writeCount++;
  const token = lease.fencingToken.toString();
  const value = `${token}:${context.contender}:${n}`;
  const markerPath = `${context.markersPath}/c${context.contender}-w${n}`;
  const pausedHolder = via !== undefined;
  const ops: Op[] = [
    lease.fenceOp(),
    { type: "set", path: context.resourcePath, data: value, version: -1 },
    ...(pausedHolder ? [{ type: "create" as const, path: markerPath, data: value }] : []),
  ];
  const base = { contender: context.contender, token, value, pausedHolder, ...(via ? { via } : {}) };
  const invokeMs = clock.now();
  const result = send(ops).then(
    (results): FencedWrite => {
      const set = results[1];
      return {
        ...base,
        invokeMs,
        completeMs: clock.now(),
        outcome: "ok",
        resolvedBy: "answer",
        // The set's mzxid is the multi's zxid: the write's place in the server's order.
        ...(set?.type === "set" ? { zxid: set.stat.mzxid } : {}),
      };
    },
    (error: unknown): FencedWrite => {
      const failed = sdkFailure(error, clock);
      return { ...base, invokeMs, ...failed, ...(failed.outcome === "fail" ? { resolvedBy: "answer" as const } : {}) };
    },
  );
  return { markerPath, settled: () => result };
}

/** The outcome of a failed SDK call (docs/errors.md): `retry: "unknown"` (or no typed error) leaves it open. */
export function sdkFailure(
  error: unknown,
  clock: RunClock,
): { completeMs: number | undefined; outcome: "fail" | "unknown"; error: string } {
  if (error instanceof KeelClientError) {
    return error.outcomeUnknown
      ? { completeMs: undefined, outcome: "unknown", error: `${error.code}: ${error.message}` }
      : { completeMs: clock.now(), outcome: "fail", error: `${error.code}: ${error.message}` };
  }
  return { completeMs: undefined, outcome: "unknown", error: error instanceof Error ? error.message : String(error) };
}

/**
 * Learns the outcome of paused holders' unanswered writes, after healing. Once a linearizable read
 * finds the lease's node gone, the write's fence check can never pass again (unless the lock's
 * container directory were removed and re-created, restarting its sequence numbers: docs/client.md
 * "Limits and notes"), so the marker created in the same multi is there now or never.
 */
export async function resolvePausedWrites(
  env: WorkloadEnv,
  leaderUrl: string,
  pausedWrites: readonly PausedWrite[],
  writes: FencedWrite[],
): Promise<void> {
  if (pausedWrites.length === 0) return;
  const others = [...env.memberUrls.values()].filter((url) => url !== leaderUrl);
  const keel = await connect({ servers: [leaderUrl, ...others], sessionTimeoutMs: 10_000, label: "chaos-resolver" });
  try {
    for (const paused of pausedWrites) {
      const write = writes[paused.index] as FencedWrite;
      const deadline = performance.now() + CLUSTER_WAIT_MS;
      try {
        while ((await keel.exists(paused.leasePath, { linearizable: true })) !== null) {
          if (performance.now() > deadline) throw new Error(`${paused.leasePath} is still there`);
          await sleep(FAILURE_BACKOFF_MS);
        }
        const marker = await keel.exists(paused.markerPath, { linearizable: true });
        writes[paused.index] = {
          ...write,
          completeMs: env.clock.now(),
          outcome: marker ? "ok" : "fail",
          resolvedBy: "marker",
          ...(marker ? { zxid: marker.czxid } : {}),
        };
      } catch (error) {
        env.log(`could not resolve ${write.value}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  } finally {
    await keel.close();
  }
}

/**
 * Creates each persistent node unless it exists, through a short-lived session (an
 * outcome-unknown create is tried again: it then exists).
 */
export async function createPersistent(env: WorkloadEnv, paths: readonly string[]): Promise<void> {
  const keel = await connect({
    servers: [...env.memberUrls.values()],
    sessionTimeoutMs: 10_000,
    label: "chaos-setup",
    connectTimeoutMs: CLUSTER_WAIT_MS,
  });
  try {
    for (const path of paths) await createOnce(keel, path);
  } finally {
    await keel.close();
  }
}

async function createOnce(keel: KeelClient, path: string): Promise<void> {
  const deadline = performance.now() + CLUSTER_WAIT_MS;
  for (;;) {
    try {
      await keel.create(path, "");
      return;
    } catch (error) {
      if (error instanceof NodeExistsError) return;
      const retry = error instanceof KeelClientError && error.retry !== "final";
      if (!retry || performance.now() > deadline) throw error;
      await sleep(FAILURE_BACKOFF_MS);
    }
  }
}

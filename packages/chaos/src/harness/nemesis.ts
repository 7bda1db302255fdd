/**
 * Runs the fault schedule against the cluster while the workload runs: before each fault the
 * cluster is left quiet, then the fault is injected, held, undone, and the nemesis waits for the
 * cluster to heal (a ready leader) and for the workload to get a write through before going on.
 * Each fault's times are on the run's clock, so they line up with the history.
 */
import type { ChaosCluster } from "./cluster.js";
import type { RunClock } from "./history-recorder.js";
import type { FaultPlan, NemesisKind } from "./schedule.js";
import { pollFor, sleep, unreachable } from "./util.js";

export interface FaultRecord {
  readonly index: number;
  readonly kind: NemesisKind;
  /** The members hit. */
  readonly targets: readonly number[];
  /** The leader just before the fault. */
  readonly leaderBefore: number;
  /** When the first member was killed or stopped. */
  readonly startMs: number;
  /** When the last member was restarted or continued. */
  readonly endMs: number;
  /** When, after `endMs`, every member was ready under one leader (undefined: never within the wait). */
  readonly healedMs: number | undefined;
  /**
   * From `startMs` to the acknowledgement of the first write or cas the workload invoked after it
   * (undefined: none within the wait). For a follower fault this is short: the others still serve.
   */
  readonly recoveryMs: number | undefined;
}

export interface NemesisOptions {
  readonly cluster: ChaosCluster;
  readonly clock: RunClock;
  readonly schedule: Iterator<FaultPlan, never>;
  readonly kinds: readonly NemesisKind[];
  /** Stop starting faults after this (run clock); the run still lasts until each kind was injected once. */
  readonly timeMs: number;
  readonly firstOkWriteAfter: (sinceMs: number) => number | undefined;
  readonly signal: AbortSignal;
  readonly log: (line: string) => void;
}

/** How long to wait for a heal and for the workload's first write after a fault: busy machines are slow. */
const RECOVERY_WAIT_MS = 120_000;

export async function runNemesis(options: NemesisOptions): Promise<FaultRecord[]> {
  const { clock, kinds, signal } = options;
  const faults: FaultRecord[] = [];
  const injected = new Set<NemesisKind>();
  const done = () => clock.now() >= options.timeMs && kinds.every((kind) => injected.has(kind));
  while (!signal.aborted && !done()) {
    const plan = options.schedule.next().value;
    await sleepUnlessAborted(plan.quietMs, signal);
    if (signal.aborted) break;
    const record = await injectAndHeal(options, plan, faults.length);
    faults.push(record);
    injected.add(plan.kind);
    options.log(describeFault(record));
    // Another fault on a cluster that did not come back would only bury the finding.
    if (record.healedMs === undefined) break;
  }
  return faults;
}

async function injectAndHeal(options: NemesisOptions, plan: FaultPlan, index: number): Promise<FaultRecord> {
  const { cluster, clock } = options;
  const leaderBefore = await cluster.waitForLeader();
  const targets = chooseTargets(plan, cluster.memberIds, leaderBefore);
  const startMs = clock.now();
  // Every signal goes out in this turn, so "all at once" is: no member outlives another by a write.
  if (isPause(plan.kind)) for (const id of targets) cluster.pause(id);
  else await Promise.all(targets.map((id) => cluster.kill(id)));
  await sleep(plan.faultMs);
  const endMs = clock.now();
  const unhealed = { index, kind: plan.kind, targets, leaderBefore, startMs, endMs };
  // Aborted: the run is being torn down (its servers may have had the Ctrl-C too); nothing to wait for.
  if (options.signal.aborted) return { ...unhealed, healedMs: undefined, recoveryMs: undefined };
  cluster.heal();
  let healedMs: number | undefined;
  try {
    await cluster.waitForLeader(RECOVERY_WAIT_MS);
    healedMs = clock.now();
  } catch (error) {
    options.log(`fault ${index} (${plan.kind}): the cluster did not heal: ${(error as Error).message}`);
  }
  const acknowledgedMs = await pollFor(() => options.firstOkWriteAfter(startMs), RECOVERY_WAIT_MS);
  return {
    ...unhealed,
    healedMs,
    recoveryMs: acknowledgedMs === undefined ? undefined : acknowledgedMs - startMs,
  };
}

function chooseTargets(plan: FaultPlan, memberIds: readonly number[], leader: number): number[] {
  switch (plan.kind) {
    case "kill":
    case "pause":
      return [memberIds[Math.floor(plan.targetDraw * memberIds.length)] as number];
    case "kill-leader":
    case "pause-leader":
      return [leader];
    case "kill-all":
      return [...memberIds];
    default:
      return unreachable(plan.kind);
  }
}

function isPause(kind: NemesisKind): boolean {
  return kind === "pause" || kind === "pause-leader";
}

export function describeFault(fault: FaultRecord): string {
  const ms = (value: number | undefined) => (value === undefined ? "never" : `${Math.round(value)} ms`);
  return (
    `fault ${fault.index} ${fault.kind} members [${fault.targets.join(",")}] (leader was ${fault.leaderBefore}): ` +
    `held ${ms(fault.endMs - fault.startMs)}, healed ${ms(fault.healedMs === undefined ? undefined : fault.healedMs - fault.endMs)} after, ` +
    `first write ${ms(fault.recoveryMs)} after its start`
  );
}

async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });
}

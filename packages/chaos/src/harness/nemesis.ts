/**
 * Runs the fault schedule against the cluster while the workload runs: before each fault the
 * cluster is left quiet, then the fault (on processes, on the network between members, on the
 * members' clocks or disks) is injected, held, undone, and the nemesis waits for the cluster to
 * heal (a ready leader) and for the workload to get a write invoked after the heal through before
 * going on.
 * Each fault's times are on the run's clock, so they line up with the history.
 */
import type { ChaosCluster } from "./cluster.js";
import type { RunClock } from "./history-recorder.js";
import { Random } from "./random.js";
import type { FaultPlan, NemesisKind } from "./schedule.js";
import { pollFor, sleep, unreachable } from "./util.js";

export interface FaultRecord {
  readonly index: number;
  readonly kind: NemesisKind;
  /**
   * The members hit: the killed, stopped, cut-off (isolate, the minority of majority-minority) or
   * delayed ones; for `bridge`, the two that cannot see each other.
   */
  readonly targets: readonly number[];
  /** The leader just before the fault. */
  readonly leaderBefore: number;
  /** For `clock-skew`: each target's wall-clock offset in seconds during the fault, in target order. */
  readonly clockOffsetsS?: readonly number[];
  /** For `disk-full`: whose disk filled, the bytes it had left, and whether its process exited by the heal. */
  readonly diskFull?: DiskFullRecord;
  /** When the fault began: the first signal, or just before the network rules went in. */
  readonly startMs: number;
  /** When the fault was undone: the last restart or continue, or the network heal. */
  readonly endMs: number;
  /** When, after `endMs`, every member was ready under one leader (undefined: never within the wait). */
  readonly healedMs: number | undefined;
  /** That leader (undefined: never healed). */
  readonly leaderAfter: number | undefined;
  /**
   * From `startMs` to the acknowledgement of the first write or cas the workload invoked after it
   * (undefined: none within the wait). For a follower fault this is short: the others still serve.
   */
  readonly recoveryMs: number | undefined;
  /**
   * When the first write or cas the workload invoked after `healedMs` was acknowledged (undefined:
   * never healed, or none within the wait): the healed cluster, with the members the fault hit
   * back in it, takes writes, not only the members the fault spared.
   */
  readonly writeAfterHealMs: number | undefined;
}

export interface DiskFullRecord {
  readonly member: number;
  readonly freeBytesLeft: number;
  /** The member's process ended by itself during the fault (fail-stop); the heal restarted it. */
  readonly exited: boolean;
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
  const clockOffsetsS = plan.kind === "clock-skew" ? clockOffsets(plan, targets, leaderBefore) : undefined;
  const startMs = clock.now();
  const freeBytesLeft = await inject(cluster, plan.kind, targets, clockOffsetsS);
  await sleep(plan.faultMs);
  const endMs = clock.now();
  const diskFull =
    freeBytesLeft === undefined
      ? undefined
      : { member: targets[0] as number, freeBytesLeft, exited: cluster.exitedOnItsOwn(targets[0] as number) };
  const unhealed = {
    index,
    kind: plan.kind,
    targets,
    leaderBefore,
    ...(clockOffsetsS === undefined ? {} : { clockOffsetsS }),
    ...(diskFull === undefined ? {} : { diskFull }),
    startMs,
    endMs,
  };
  // Aborted: the run is being torn down (its servers may have had the Ctrl-C too); nothing to wait for.
  if (options.signal.aborted)
    return {
      ...unhealed,
      healedMs: undefined,
      leaderAfter: undefined,
      recoveryMs: undefined,
      writeAfterHealMs: undefined,
    };
  cluster.heal();
  let healedMs: number | undefined;
  let leaderAfter: number | undefined;
  try {
    leaderAfter = await cluster.waitForLeader(RECOVERY_WAIT_MS);
    healedMs = clock.now();
  } catch (error) {
    options.log(`fault ${index} (${plan.kind}): the cluster did not heal: ${(error as Error).message}`);
  }
  const acknowledgedMs = await pollFor(() => options.firstOkWriteAfter(startMs), RECOVERY_WAIT_MS);
  const healedAtMs = healedMs;
  const writeAfterHealMs =
    healedAtMs === undefined ? undefined : await pollFor(() => options.firstOkWriteAfter(healedAtMs), RECOVERY_WAIT_MS);
  return {
    ...unhealed,
    healedMs,
    leaderAfter,
    recoveryMs: acknowledgedMs === undefined ? undefined : acknowledgedMs - startMs,
    writeAfterHealMs,
  };
}

/** Injects the fault; for `disk-full`, returns the bytes the full disk has left. */
async function inject(
  cluster: ChaosCluster,
  kind: NemesisKind,
  targets: readonly number[],
  clockOffsetsS: readonly number[] | undefined,
): Promise<number | undefined> {
  switch (kind) {
    case "kill":
    case "kill-leader":
    case "kill-all":
      // Every signal goes out in this turn, so "all at once" is: no member outlives another by a write.
      await Promise.all(targets.map((id) => cluster.kill(id)));
      return;
    case "pause":
    case "pause-leader":
      for (const id of targets) cluster.pause(id);
      return;
    case "isolate":
    case "isolate-leader":
    case "majority-minority":
      cluster.cutOff(targets);
      return;
    case "bridge":
      cluster.bridge(targets[0] as number, targets[1] as number);
      return;
    case "delay":
      await cluster.delay(targets[0] as number);
      return;
    case "clock-skew":
      targets.forEach((id, i) => {
        cluster.skewClock(id, clockOffsetsS?.[i] ?? 0);
      });
      return;
    case "disk-full":
      return cluster.fillDisk(targets[0] as number);
    default:
      return unreachable(kind);
  }
}

function chooseTargets(plan: FaultPlan, memberIds: readonly number[], leader: number): number[] {
  const drawn = memberIds[Math.floor(plan.targetDraw * memberIds.length)] as number;
  // The same draw, as a seed, orders the members for the faults that need more than one.
  const shuffled = () => new Random(Math.floor(plan.targetDraw * 2 ** 32)).shuffled(memberIds);
  switch (plan.kind) {
    case "kill":
    case "pause":
    case "isolate":
    case "delay":
    case "disk-full":
      return [drawn];
    case "kill-leader":
    case "pause-leader":
    case "isolate-leader":
      return [leader];
    case "kill-all":
    case "clock-skew":
      return [...memberIds];
    case "majority-minority":
      // 1 of 3, 2 of 5: the side that loses quorum.
      return shuffled().slice(0, Math.floor(memberIds.length / 2));
    case "bridge":
      // The two that cannot see each other; everyone else sees both.
      return shuffled().slice(0, 2);
    default:
      return unreachable(plan.kind);
  }
}

/** Wall-clock steps up to this far, either way: an NTP step, a wrong `date -s`, a VM restored from a snapshot. */
const CLOCK_STEP_MAX_S = 2 * 24 * 3600;

/**
 * One offset per target, seeded by the plan: every member's clock is off by a different amount,
 * and the leader's steps forward (what would expire sessions early if a deadline trusted it); the
 * others step either way.
 */
function clockOffsets(plan: FaultPlan, targets: readonly number[], leader: number): number[] {
  const random = new Random(Math.floor(plan.targetDraw * 2 ** 32) ^ 0x5eed);
  return targets.map((id) => {
    const magnitude = random.between(60, CLOCK_STEP_MAX_S);
    return id === leader || random.next() < 0.5 ? magnitude : -magnitude;
  });
}

export function describeFault(fault: FaultRecord): string {
  const ms = (value: number | undefined) => (value === undefined ? "never" : `${Math.round(value)} ms`);
  return (
    `fault ${fault.index} ${fault.kind} members [${fault.targets.join(",")}]${describeOffsets(fault)}${describeDiskFull(fault)} (leader was ${fault.leaderBefore}): ` +
    `held ${ms(fault.endMs - fault.startMs)}, healed ${ms(fault.healedMs === undefined ? undefined : fault.healedMs - fault.endMs)} after, ` +
    `first write ${ms(fault.recoveryMs)} after its start`
  );
}

function describeOffsets(fault: FaultRecord): string {
  const offsets = fault.clockOffsetsS;
  if (offsets === undefined) return "";
  return ` clocks ${fault.targets.map((id, i) => `${id}:${(offsets[i] ?? 0) >= 0 ? "+" : ""}${offsets[i]}s`).join(" ")}`;
}

function describeDiskFull(fault: FaultRecord): string {
  const disk = fault.diskFull;
  if (disk === undefined) return "";
  const outcome = disk.exited ? "exited (fail-stop), restarted at the heal" : "kept running";
  return ` disk of ${disk.member} full (${Math.round(disk.freeBytesLeft / 1024)} KiB left): ${outcome}`;
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

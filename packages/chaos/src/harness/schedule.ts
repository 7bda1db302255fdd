/**
 * The nemesis's plan: which fault comes next, how long the cluster stays quiet before it and how
 * long the fault lasts. Pure and seeded: the same seed and kinds give the same schedule (the
 * target member is drawn here too, and resolved against the live cluster only for leader faults).
 */
import { Random } from "./random.js";

/** Faults on the server processes: work on any backend. */
export const PROCESS_NEMESIS_KINDS = ["kill", "kill-leader", "kill-all", "pause", "pause-leader"] as const;
/** Faults on the links between members: need the members in a NetworkLab (root). */
export const NETWORK_NEMESIS_KINDS = ["isolate", "isolate-leader", "majority-minority", "bridge", "delay"] as const;
/** Steps of the members' wall clocks (libfaketime, harness/member-clocks.ts): work on any backend. */
export const CLOCK_NEMESIS_KINDS = ["clock-skew"] as const;
/** A member's data directory runs out of space (a tmpfs per member, harness/member-disks.ts): root only. */
export const DISK_NEMESIS_KINDS = ["disk-full"] as const;
/** Every kind: what `--nemesis all` asks for. */
export const ALL_NEMESIS_KINDS = [
  ...PROCESS_NEMESIS_KINDS,
  ...NETWORK_NEMESIS_KINDS,
  ...CLOCK_NEMESIS_KINDS,
  ...DISK_NEMESIS_KINDS,
] as const;
export type NemesisKind = (typeof ALL_NEMESIS_KINDS)[number];
export type NetworkNemesisKind = (typeof NETWORK_NEMESIS_KINDS)[number];

export function isNemesisKind(name: string): name is NemesisKind {
  return (ALL_NEMESIS_KINDS as readonly string[]).includes(name);
}

export function isClockNemesisKind(kind: NemesisKind): boolean {
  return (CLOCK_NEMESIS_KINDS as readonly string[]).includes(kind);
}

export function isDiskNemesisKind(kind: NemesisKind): boolean {
  return (DISK_NEMESIS_KINDS as readonly string[]).includes(kind);
}

export function isNetworkNemesisKind(kind: NemesisKind): kind is NetworkNemesisKind {
  return (NETWORK_NEMESIS_KINDS as readonly string[]).includes(kind);
}

export interface FaultPlan {
  readonly kind: NemesisKind;
  /** How long the healed cluster runs the workload undisturbed before this fault. */
  readonly quietMs: number;
  /** How long members stay down (kill), stopped (pause) or cut off or delayed (network) before it is undone. */
  readonly faultMs: number;
  /**
   * In [0, 1): picks the member for `kill`, `pause`, `isolate`, `delay` and `disk-full` (index into the member
   * list), seeds the member shuffle that picks the sides of `majority-minority` and `bridge`, and
   * seeds the clock offsets of `clock-skew`.
   */
  readonly targetDraw: number;
}

/**
 * A pause or a network fault must outlast the leader's syncLimit (400–500 ms in tests) by far, so
 * that the ensemble notices and, for the leader, elects another; kills are short or long downtimes alike.
 */
const FAULT_MS: Readonly<Record<NemesisKind, readonly [number, number]>> = {
  kill: [500, 3000],
  "kill-leader": [500, 3000],
  "kill-all": [500, 2000],
  pause: [2000, 5000],
  "pause-leader": [2000, 5000],
  isolate: [2000, 5000],
  "isolate-leader": [2000, 5000],
  "majority-minority": [2000, 5000],
  bridge: [2000, 5000],
  delay: [2000, 5000],
  // Longer than the chaos clients' session timeouts, so that a clock that steps and then trusts
  // itself would expire their sessions inside the fault.
  "clock-skew": [4000, 8000],
  // Long enough for the workload's writes to reach the full disk (the WAL reuses its own pages, so
  // a store may write for a while before it needs a new one) and for a fail-stopped member to be missed.
  "disk-full": [3000, 8000],
};
const QUIET_MS: readonly [number, number] = [1500, 3000];

/**
 * An endless schedule. Kinds come in rounds, each round a fresh shuffle of every requested kind, so
 * the first `kinds.length` faults inject each kind once whatever the seed.
 */
export function* faultSchedule(seed: number, kinds: readonly NemesisKind[]): Generator<FaultPlan, never> {
  if (kinds.length === 0) throw new Error("faultSchedule needs at least one nemesis kind");
  const random = new Random(seed);
  for (;;) {
    for (const kind of random.shuffled(kinds)) {
      const [faultMin, faultMax] = FAULT_MS[kind];
      yield {
        kind,
        quietMs: random.between(QUIET_MS[0], QUIET_MS[1]),
        faultMs: random.between(faultMin, faultMax),
        targetDraw: random.next(),
      };
    }
  }
}

/** The first `count` faults of a schedule (for printing and tests). */
export function firstFaults(seed: number, kinds: readonly NemesisKind[], count: number): FaultPlan[] {
  const plans: FaultPlan[] = [];
  const schedule = faultSchedule(seed, kinds);
  while (plans.length < count) plans.push(schedule.next().value);
  return plans;
}

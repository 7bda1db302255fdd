/**
 * A schedule is everything one seed decides up front: ensemble shape, fault rates and phase
 * lengths. The run itself draws every event from the same seeded stream, so a seed replays exactly.
 */
import type { NetworkFaults } from "./network.js";
import { Prng } from "./prng.js";

export interface Schedule {
  readonly seed: number;
  /** "sim": the hash-chain test app; "keel": the real znode application (KeelState). */
  readonly app: "sim" | "keel";
  readonly voters: number;
  readonly observers: number;
  readonly tickMs: number;
  /** Faults happen during [0, faultMs); then the network heals, every peer restarts and stays up. */
  readonly faultMs: number;
  /** After faults stop, a leader must be established and a new request committed everywhere within this many ticks. */
  readonly livenessTicksMax: number;
  readonly faults: NetworkFaults;
  /** Per-millisecond probabilities during the fault phase. */
  readonly crashRate: number;
  readonly restartRate: number;
  readonly partitionRate: number;
  readonly healRate: number;
  /** Per-millisecond probabilities in both phases. */
  readonly requestRate: number;
  readonly syncRate: number;
  readonly touchRate: number;
  readonly snapshotRate: number;
  /**
   * Whether replicas hear about cut links (LINK_DOWN): at both ends when a partition separates two
   * peers, at every peer of a crashed one, and on random link resets during the fault phase. Off
   * replays schedules as they ran before LINK_DOWN existed (the regression seeds of issue case 10).
   */
  readonly linkDown: boolean;
  /** Per-millisecond probability of resetting one live link (its in-flight messages are lost) during faults. */
  readonly linkResetRate: number;
  /** Membership changes during the fault phase; undefined: none, and no spare replicas (as before they existed). */
  readonly membership: MembershipPlan | undefined;
}

/** How a seed changes its membership (docs/protocol.md §8, "Membership changes"). */
export interface MembershipPlan {
  /** Replicas started to join (`ReplicaConfig.joining: "voter"`): in no configuration until a change adds them. */
  readonly spares: number;
  /** Per-millisecond probability, during the fault phase, that an admin asks some replica for a change. */
  readonly changeRate: number;
  /** A removal never leaves fewer voters than this. */
  readonly votersMin: number;
}

export interface ScheduleOptions {
  /** Fault phase length in ticks (default 120). */
  readonly faultTicks?: number;
  readonly app?: "sim" | "keel";
  /** Default true: see `Schedule.linkDown`. */
  readonly linkDown?: boolean;
  /** Default false: see `Schedule.membership`. */
  readonly membershipChanges?: boolean;
}

export function makeSchedule(seed: number, options: ScheduleOptions = {}): Schedule {
  const prng = new Prng(seed ^ 0x5eed_5eed);
  const tickMs = 10;
  const harsh = prng.chance(0.3);
  return {
    seed,
    app: options.app ?? "sim",
    voters: prng.chance(0.5) ? 3 : 5,
    observers: prng.int(3),
    tickMs,
    faultMs: (options.faultTicks ?? 120) * tickMs,
    livenessTicksMax: 250,
    faults: {
      dropRate: harsh ? 0.05 : prng.chance(0.5) ? 0.01 : 0,
      duplicateRate: prng.chance(0.5) ? 0.02 : 0,
      delayMaxMs: 1 + prng.int(harsh ? 12 : 4),
      slowRate: prng.chance(0.5) ? 0.01 : 0,
      slowDelayMaxMs: 100,
    },
    crashRate: harsh ? 0.004 : 0.0015,
    restartRate: 0.01,
    partitionRate: harsh ? 0.003 : 0.001,
    healRate: 0.004,
    requestRate: 0.05 + prng.int(10) / 50,
    syncRate: 0.01,
    touchRate: 0.01,
    snapshotRate: 0.002,
    linkDown: options.linkDown ?? true,
    // A constant, not drawn from the seed's stream, so every other decision of a seed stays as it was.
    linkResetRate: options.linkDown === false ? 0 : 0.002,
    membership: options.membershipChanges === true ? membershipPlan(seed) : undefined,
  };
}

/** From its own stream, so turning membership changes on leaves every other decision of the schedule as it was. */
function membershipPlan(seed: number): MembershipPlan {
  const prng = new Prng(seed ^ 0x3e3b_e125);
  return { spares: 1 + prng.int(2), changeRate: 0.003 + prng.int(4) / 1000, votersMin: 2 };
}

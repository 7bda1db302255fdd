/**
 * Static ensemble configuration of one replica (docs/protocol.md §1 and §3.3). Every duration is counted
 * in ticks: the host decides how long a tick is, the core never reads a clock.
 */
import { assert } from "../assert.js";
import type { PeerId } from "../ids.js";
import { OBSERVERS_MAX, VOTERS_MAX } from "../limits.js";
import type { MemberRole } from "./membership.js";

export interface ReplicaConfig {
  readonly self: PeerId;
  /** Participants: they vote in elections and their acks count toward a quorum. */
  readonly voters: readonly PeerId[];
  /** Observers: they learn committed txns (INFORM) and never vote or ack. */
  readonly observers: readonly PeerId[];
  /** Ticks a learner may take to connect and synchronize, and a leader to be established (ZooKeeper's initLimit). */
  readonly initLimitTicks: number;
  /** Ticks without hearing the other side before a learner or leader gives up (ZooKeeper's syncLimit). */
  readonly syncLimitTicks: number;
  /** First election resend timeout; it doubles on each silent round up to `electionTimeoutMaxTicks`. */
  readonly electionTimeoutTicks: number;
  readonly electionTimeoutMaxTicks: number;
  /** Ticks a LOOKING voter waits, once a quorum agrees with its vote, for a better vote (ZooKeeper's finalizeWait). */
  readonly finalizeWaitTicks: number;
  /**
   * Set on a server started to join a running ensemble (`--join`): it is not in `voters` or
   * `observers`, follows the leader without a vote (as a follower, or an observer) and syncs until
   * a membership change adds it (docs/protocol.md §3.7).
   */
  readonly joining?: MemberRole;
}

export const REPLICA_CONFIG_DEFAULTS = {
  initLimitTicks: 10,
  syncLimitTicks: 5,
  electionTimeoutTicks: 2,
  electionTimeoutMaxTicks: 32,
  finalizeWaitTicks: 1,
} as const;

/** Asserts the config is usable; called by the Replica constructor (the server validates user input first). */
export function validateReplicaConfig(config: ReplicaConfig): void {
  const all = [...config.voters, ...config.observers];
  assert(config.voters.length >= 1 && config.voters.length <= VOTERS_MAX, "config: 1..VOTERS_MAX voters");
  assert(config.observers.length <= OBSERVERS_MAX, "config: too many observers");
  assert(new Set(all).size === all.length, "config: a peer is listed twice");
  assert(all.includes(config.self) !== (config.joining !== undefined), "config: self must be listed, unless joining");
  for (const ticks of [config.initLimitTicks, config.syncLimitTicks, config.electionTimeoutTicks]) {
    assert(Number.isInteger(ticks) && ticks >= 1, "config: tick counts must be positive integers");
  }
  assert(config.electionTimeoutMaxTicks >= config.electionTimeoutTicks, "config: electionTimeoutMaxTicks too small");
  assert(Number.isInteger(config.finalizeWaitTicks) && config.finalizeWaitTicks >= 0, "config: finalizeWaitTicks");
}

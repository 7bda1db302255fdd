/** The workloads a chaos run can run next to the register workload, by the name `--workload` takes. */

import { unreachable } from "../harness/util.js";
import { ElectionWorkload } from "./election-workload.js";
import { LockWorkload } from "./lock-workload.js";
import { SequentialWorkload } from "./sequential-workload.js";
import { SessionWorkload } from "./session-workload.js";
import { WatchWorkload } from "./watch-workload.js";
import type { ChaosWorkload } from "./workload.js";

export const EXTRA_WORKLOAD_NAMES = ["lock", "election", "session-expiry", "sequential", "watch"] as const;
export type ExtraWorkloadName = (typeof EXTRA_WORKLOAD_NAMES)[number];

export function isExtraWorkloadName(name: string): name is ExtraWorkloadName {
  return (EXTRA_WORKLOAD_NAMES as readonly string[]).includes(name);
}

/**
 * A new leader restarts every session's timeout, as ZooKeeper and etcd do (docs/protocol.md §3.5),
 * so the session checker allows it; the report still shows how late such expiries were.
 */
const SESSION_RESET_ON_LEADER_CHANGE_ALLOWED = true;

export function createWorkload(name: ExtraWorkloadName): ChaosWorkload {
  switch (name) {
    case "lock":
      return new LockWorkload();
    case "election":
      return new ElectionWorkload();
    case "session-expiry":
      return new SessionWorkload({ resetOnLeaderChangeAllowed: SESSION_RESET_ON_LEADER_CHANGE_ALLOWED });
    case "sequential":
      return new SequentialWorkload();
    case "watch":
      return new WatchWorkload();
    default:
      return unreachable(name);
  }
}

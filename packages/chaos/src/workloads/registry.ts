/** The workloads a chaos run can run next to the register workload, by the name `--workload` takes. */

import { unreachable } from "../harness/util.js";
import { ElectionWorkload } from "./election-workload.js";
import { LockWorkload } from "./lock-workload.js";
import { SequentialWorkload } from "./sequential-workload.js";
import { SessionWorkload, type SessionWorkloadOptions } from "./session-workload.js";
import { WatchWorkload } from "./watch-workload.js";
import type { ChaosWorkload } from "./workload.js";

export const EXTRA_WORKLOAD_NAMES = ["lock", "election", "session-expiry", "sequential", "watch"] as const;
export type ExtraWorkloadName = (typeof EXTRA_WORKLOAD_NAMES)[number];

export function isExtraWorkloadName(name: string): name is ExtraWorkloadName {
  return (EXTRA_WORKLOAD_NAMES as readonly string[]).includes(name);
}

/**
 * A new leader keeps the session deadlines its quorum knew (docs/protocol.md §3.5), where ZooKeeper
 * and etcd restart every session's timeout. It falls back to that reset only when no member of
 * its quorum remembers them: after every member restarted (kill-all).
 */
export const SESSION_OPTIONS: SessionWorkloadOptions = { resetAllowedAfter: (window) => window.kind === "kill-all" };

export function createWorkload(name: ExtraWorkloadName): ChaosWorkload {
  switch (name) {
    case "lock":
      return new LockWorkload();
    case "election":
      return new ElectionWorkload();
    case "session-expiry":
      return new SessionWorkload(SESSION_OPTIONS);
    case "sequential":
      return new SequentialWorkload();
    case "watch":
      return new WatchWorkload();
    default:
      return unreachable(name);
  }
}

/**
 * When the faults kept the cluster from serving, as the workloads' checkers need it: a session
 * cannot be expired, nor a lock granted, while there is no leader. A fault's window runs from its
 * start to its recovery (the first acknowledged write invoked after it), or to its heal when no
 * write got through.
 */
import type { UnavailableWindow } from "../workloads/workload.js";
import type { FaultRecord } from "./nemesis.js";
import type { NemesisKind } from "./schedule.js";

/** Kinds that take the leader itself out (when it is among the targets). */
const LEADER_HITTING: ReadonlySet<NemesisKind> = new Set([
  "kill",
  "kill-leader",
  "kill-all",
  "pause",
  "pause-leader",
  "isolate",
  "isolate-leader",
  "majority-minority",
  // A leader that cannot write its log cannot commit; if it fail-stops, it is gone.
  "disk-full",
]);

export function unavailableWindows(faults: readonly FaultRecord[]): UnavailableWindow[] {
  return faults.map((fault) => {
    const endMs = fault.recoveryMs === undefined ? (fault.healedMs ?? fault.endMs) : fault.startMs + fault.recoveryMs;
    const leaderChanged =
      (fault.leaderAfter !== undefined && fault.leaderAfter !== fault.leaderBefore) ||
      (LEADER_HITTING.has(fault.kind) && fault.targets.includes(fault.leaderBefore));
    return { startMs: fault.startMs, endMs, kind: fault.kind, leaderChanged };
  });
}

/**
 * `cluster.events`: this member's status at once, then whenever its role, leader, epoch or serving
 * state changes (the host's status listeners, after the turn that changed it), and at least every
 * API_STATUS_PUSH_MS, so learners' lag and counters stay fresh. Changes closer together than
 * STATUS_PUSH_GAP_MS_MIN are coalesced into one push: a flapping member cannot flood the console.
 * The stream only produces when the client pulls, so a slow client holds one pending status at most.
 */
import { API_STATUS_PUSH_MS, type MemberStatusView } from "@keel/api";
import type { ReplicaHost } from "../replica-host.js";
import type { ClusterStatusSource } from "../server-status.js";
import { CoalescingWaker } from "./stream-wait.js";

/** The shortest time between two pushes of one stream. */
export const STATUS_PUSH_GAP_MS_MIN = 100;

export async function* statusStream(
  host: Pick<ReplicaHost, "onStatusChange">,
  status: Pick<ClusterStatusSource, "clusterStatus">,
  signal: AbortSignal,
  pushMs = API_STATUS_PUSH_MS,
): AsyncGenerator<MemberStatusView> {
  const waker = new CoalescingWaker(pushMs, STATUS_PUSH_GAP_MS_MIN, () => performance.now());
  const stopListening = host.onStatusChange(() => waker.notify());
  try {
    while (!signal.aborted) {
      const takenAt = performance.now();
      yield await status.clusterStatus();
      await waker.wait(takenAt, signal);
    }
  } finally {
    stopListening();
  }
}

/**
 * The cluster's leader timeline: every member's `leaderChanges` (each bounded on its server)
 * merged with what the page saw live, so a change stays listed after the members that saw it have
 * forgotten it, or died. One leader per epoch (Zab), so an entry is keyed by epoch and leader.
 */
import type { MemberStatusView } from "@keel/api";

export interface LeaderTimelineEntry {
  readonly epoch: number;
  readonly leaderId: number;
  /** The earliest time a member reported serving under this leader (servers' wall clocks). */
  readonly atMs: number;
  /** The members that reported it, ascending. */
  readonly seenBy: readonly number[];
}

/** Entries kept in the page; older ones fall off the end. */
export const LEADER_TIMELINE_MAX = 50;

const keyOf = (epoch: number, leaderId: number) => `${epoch}:${leaderId}`;

function newestFirst(a: LeaderTimelineEntry, b: LeaderTimelineEntry): number {
  return b.epoch - a.epoch || b.atMs - a.atMs || a.leaderId - b.leaderId;
}

/**
 * Folds the members' statuses into `previous` (newest first). Returns `previous` itself when
 * nothing changed, so a React state setter does not re-render on every status push.
 */
export function mergeLeaderTimeline(
  previous: readonly LeaderTimelineEntry[],
  statuses: readonly MemberStatusView[],
  limit = LEADER_TIMELINE_MAX,
): readonly LeaderTimelineEntry[] {
  const byKey = new Map(previous.map((entry) => [keyOf(entry.epoch, entry.leaderId), entry]));
  let changed = false;
  const note = (epoch: number, leaderId: number, atMs: number, reporter: number) => {
    const key = keyOf(epoch, leaderId);
    const known = byKey.get(key);
    if (known === undefined) {
      byKey.set(key, { epoch, leaderId, atMs, seenBy: [reporter] });
      changed = true;
      return;
    }
    const seen = known.seenBy.includes(reporter);
    if (seen && known.atMs <= atMs) return;
    byKey.set(key, {
      ...known,
      atMs: Math.min(known.atMs, atMs),
      seenBy: seen ? known.seenBy : [...known.seenBy, reporter].sort((a, b) => a - b),
    });
    changed = true;
  };
  for (const status of statuses) {
    for (const change of status.leaderChanges) note(change.epoch, change.leaderId, change.atMs, status.serverId);
    // A leader seen live before the member lists it (or after its list dropped it).
    if (status.state === "serving" && status.leaderId !== null) {
      const listed = status.leaderChanges.some(
        (change) => change.epoch === status.currentEpoch && change.leaderId === status.leaderId,
      );
      if (!listed) note(status.currentEpoch, status.leaderId, status.nowMs, status.serverId);
    }
  }
  if (!changed) return previous;
  return [...byKey.values()].sort(newestFirst).slice(0, limit);
}

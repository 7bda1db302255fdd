/**
 * The rules of `keel rolling-restart`, as pure functions of the members' own cluster.status
 * (docs/operations.md, "Rolling restart and upgrade"): start only from a healthy ensemble, restart
 * one member at a time with the leader last (so the ensemble hands leadership over once, not once
 * per member), and call a member done only when it has really restarted and caught up.
 */
import type { MemberStatusView } from "@keel/api";
import { zxidLag } from "./format.js";
import type { MemberProbe } from "./member-probes.js";

/**
 * How far behind the leader's last applied zxid a ready member may be and still count as caught
 * up. Under a write load a follower is always a few txns behind (they are in flight); a member
 * still syncing is not `ready` at all. A member further behind than this is catching up from a
 * long absence, and taking another one away then would leave a quorum that must wait for it.
 */
export const CAUGHT_UP_LAG_MAX = 1000;

/** Why the ensemble is not fit for a rolling restart; undefined when it is. */
export function unhealthyReason(probes: readonly MemberProbe[]): string | undefined {
  const down = probes.filter((probe) => probe.status === undefined).map((probe) => probe.id);
  if (down.length > 0) return `member${down.length > 1 ? "s" : ""} ${down.join(", ")} did not answer`;
  const leaders = probes.filter((probe) => probe.status?.role === "leading");
  if (leaders.length !== 1) return `${leaders.length} members say they lead`;
  const leader = leaders[0]?.status as MemberStatusView;
  for (const probe of probes) {
    const status = probe.status as MemberStatusView;
    if (!status.ready) return `member ${probe.id} is not ready (${status.role})`;
    const lag = zxidLag(leader.lastAppliedZxid, status.lastAppliedZxid);
    if (lag === undefined || lag > CAUGHT_UP_LAG_MAX) {
      return `member ${probe.id} is ${lag ?? "an unknown number of"} txns behind the leader`;
    }
  }
  return undefined;
}

/** The restart order: every member but the leader by id, then the leader. */
export function restartOrder(probes: readonly MemberProbe[]): MemberProbe[] {
  const leader = probes.find((probe) => probe.status?.role === "leading");
  const others = probes.filter((probe) => probe !== leader).sort((a, b) => a.id - b.id);
  return leader === undefined ? others : [...others, leader];
}

/**
 * True when member `id` has restarted since `startedAtMs` and the ensemble is whole again: one
 * leader, every member ready and caught up with it (the next restart may then take any one member
 * away without losing a quorum).
 */
export function restartedAndInSync(id: number, startedAtMs: number, probes: readonly MemberProbe[]): boolean {
  const restarted = probes.find((probe) => probe.id === id)?.status;
  if (restarted === undefined || restarted.startedAtMs <= startedAtMs) return false;
  return unhealthyReason(probes) === undefined;
}

/** Puts a member's id and URL into the operator's restart command. */
export function restartCommandFor(template: string, probe: MemberProbe): string {
  return template.replaceAll("{id}", String(probe.id)).replaceAll("{url}", probe.url);
}

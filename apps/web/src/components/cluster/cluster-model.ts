/**
 * What the cluster page shows, derived from every member's live status (pure, so the rules for
 * roles, lag, quorum and elections are unit-tested in cluster-model.test.ts rather than read off
 * screenshots).
 */
import type { MemberStatusView } from "@keel/api";
import type { MemberLive } from "../../trpc/member-statuses";

/** A member's state as the page shows it: the server's own, or "down" while its stream is silent. */
export type MemberRowState = "down" | MemberStatusView["state"];

export interface MemberLag {
  readonly txns: number;
  readonly ms: number;
}

export interface MemberRow {
  readonly url: string;
  /** null until the member has answered once. */
  readonly serverId: number | null;
  readonly up: boolean;
  readonly state: MemberRowState;
  /** The role while up; "unknown" while down (the last known role is `lastRole`). */
  readonly role: string;
  readonly lastRole: string | null;
  /** The last status received (kept while down, so the row can say what the member was). */
  readonly status: MemberStatusView | null;
  readonly lastSeenMs: number | null;
  /** Behind the current leader; 0 for the leader; null when the leader does not list it. */
  readonly lag: MemberLag | null;
  readonly error: string | null;
}

export interface ClusterSummary {
  readonly leaderId: number | null;
  readonly epoch: number | null;
  readonly votersUp: number;
  readonly voters: number;
  /** More than half of the voters are up. */
  readonly quorum: boolean;
  readonly znodes: number | null;
  readonly sessions: number | null;
  /** Watches are held per connection, so the cluster's total is the sum over the members. */
  readonly watches: number | null;
  readonly membersUp: number;
  /** No member that is up leads, or one of them is looking for a leader. */
  readonly electionInProgress: boolean;
}

/** The leader the page trusts: an up member that says it leads, the newest epoch if two do. */
export function currentLeader(members: readonly MemberLive[]): MemberStatusView | null {
  let leader: MemberStatusView | null = null;
  for (const member of members) {
    const status = member.status;
    if (!member.up || status === null || status.role !== "leading") continue;
    if (leader === null || status.currentEpoch > leader.currentEpoch) leader = status;
  }
  return leader;
}

function lagOf(status: MemberStatusView, leader: MemberStatusView | null): MemberLag | null {
  if (leader === null) return null;
  if (status.serverId === leader.serverId) return { txns: 0, ms: 0 };
  const learner = leader.learners.find((entry) => entry.id === status.serverId);
  return learner === undefined ? null : { txns: learner.lagTxns, ms: learner.lagMs };
}

export function memberRows(members: readonly MemberLive[]): MemberRow[] {
  const leader = currentLeader(members);
  // A member never heard from is still named by its peers' member lists (matched by client URL).
  const idByUrl = new Map(
    members.flatMap((member) => member.status?.members ?? []).map((peer) => [peer.clientUrl, peer.id]),
  );
  return members.map((member) => {
    const status = member.status;
    const up = member.up && status !== null;
    return {
      url: member.url,
      serverId: status?.serverId ?? idByUrl.get(member.url) ?? null,
      up,
      state: up ? status.state : "down",
      role: up ? status.role : "unknown",
      lastRole: status?.role ?? null,
      status,
      lastSeenMs: member.lastSeenMs,
      lag: up ? lagOf(status, leader) : null,
      error: member.error,
    };
  });
}

export function clusterSummary(members: readonly MemberLive[]): ClusterSummary {
  const live = members.flatMap((member) => (member.up && member.status !== null ? [member.status] : []));
  const leader = currentLeader(members);
  // The configured voters as the members report them (a down member's last word will do); before
  // any member has answered, every configured URL counts as a voter.
  const reported = (live[0] ?? members.find((member) => member.status !== null)?.status)?.members ?? [];
  const voterIds = new Set(reported.filter((member) => member.role === "voter").map((member) => member.id));
  const voters = voterIds.size > 0 ? voterIds.size : members.length;
  const votersUp = voterIds.size > 0 ? live.filter((status) => voterIds.has(status.serverId)).length : live.length;
  return {
    leaderId: leader?.serverId ?? null,
    epoch: leader?.currentEpoch ?? null,
    votersUp,
    voters,
    quorum: votersUp * 2 > voters,
    znodes: leader?.znodes ?? live[0]?.znodes ?? null,
    sessions: leader?.sessions ?? live[0]?.sessions ?? null,
    watches: live.length === 0 ? null : live.reduce((sum, status) => sum + status.watches, 0),
    membersUp: live.length,
    electionInProgress: live.length > 0 && (leader === null || live.some((status) => status.role === "looking")),
  };
}

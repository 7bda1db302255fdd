/** Builders of member statuses for the cluster page's unit tests. */
import type { MemberStatusView } from "@keel/api";
import type { MemberLive } from "../../trpc/member-statuses";

export function statusOf(serverId: number, change: Partial<MemberStatusView> = {}): MemberStatusView {
  return {
    serverId,
    ensembleId: "test",
    role: "following",
    leaderId: 1,
    acceptedEpoch: 3,
    currentEpoch: 3,
    lastLoggedZxid: "0",
    lastAppliedZxid: "0",
    ready: true,
    members: [1, 2, 3].map((id) => ({
      id,
      role: "voter" as const,
      clientUrl: `http://127.0.0.1:${7100 + id}`,
      connected: true,
    })),
    znodes: 10,
    sessions: 2,
    watches: 1,
    electionCount: 1,
    lastSyncType: null,
    state: "serving",
    version: "0.1.0",
    startedAtMs: 1_000,
    uptimeMs: 5_000,
    nowMs: 6_000,
    clientConnections: 1,
    outstandingRequests: 0,
    learners: [],
    leaderChanges: [],
    ...change,
  };
}

export function liveOf(status: MemberStatusView | null, up = true): MemberLive {
  return {
    url: `http://127.0.0.1:${7100 + (status?.serverId ?? 0)}`,
    status,
    lastSeenMs: status === null ? null : 6_000,
    up,
    error: up ? null : "gone",
  };
}

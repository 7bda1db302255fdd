/**
 * The `keel cluster` table, as a pure function of each member's own cluster.status (so the unit
 * test can pin it): role and readiness as the member reports them, lag in txns behind the
 * leader's last applied zxid.
 */
import type { ClusterStatusView, MemberView } from "@keel/api";
import { showZxid, zxidLag } from "./format.js";

export interface MemberRow {
  readonly id: number;
  readonly url: string;
  /** The member's own role, or "down" when it did not answer. */
  readonly role: string;
  readonly voter: boolean;
  readonly ready: boolean | null;
  readonly epoch: number | null;
  readonly lastAppliedZxid: string | null;
  /** Txns behind the leader; null when unknown (no leader, member down, or another epoch). */
  readonly lag: number | null;
  readonly znodes: number | null;
  readonly sessions: number | null;
  readonly watches: number | null;
  readonly lastSyncType: string | null;
}

export function memberRows(
  members: readonly MemberView[],
  statuses: ReadonlyMap<number, ClusterStatusView | undefined>,
): MemberRow[] {
  const leader = [...statuses.values()].find((status) => status?.role === "leading");
  return [...members]
    .sort((a, b) => a.id - b.id)
    .map((member) => {
      const status = statuses.get(member.id);
      const lag =
        status === undefined || leader === undefined
          ? null
          : (zxidLag(leader.lastAppliedZxid, status.lastAppliedZxid) ?? null);
      return {
        id: member.id,
        url: member.clientUrl,
        role: status?.role ?? "down",
        voter: member.role === "voter",
        ready: status?.ready ?? null,
        epoch: status?.currentEpoch ?? null,
        lastAppliedZxid: status?.lastAppliedZxid ?? null,
        lag,
        znodes: status?.znodes ?? null,
        sessions: status?.sessions ?? null,
        watches: status?.watches ?? null,
        lastSyncType: status?.lastSyncType ?? null,
      };
    });
}

export const MEMBER_HEADERS = [
  "ID",
  "URL",
  "ROLE",
  "READY",
  "EPOCH",
  "LAST APPLIED",
  "LAG",
  "ZNODES",
  "SESSIONS",
  "WATCHES",
  "SYNC",
] as const;

const dash = (value: number | string | null): string => (value === null ? "-" : String(value));

export function memberCells(row: MemberRow): string[] {
  return [
    String(row.id),
    row.url,
    row.voter ? row.role : `${row.role} (observer)`,
    row.ready === null ? "-" : row.ready ? "yes" : "no",
    dash(row.epoch),
    row.lastAppliedZxid === null ? "-" : showZxid(row.lastAppliedZxid),
    dash(row.lag),
    dash(row.znodes),
    dash(row.sessions),
    dash(row.watches),
    dash(row.lastSyncType),
  ];
}

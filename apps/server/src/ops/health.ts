/**
 * Pure renderers for the status endpoints: liveness, readiness, and ZooKeeper's four-letter words
 * `ruok`, `srvr` and `mntr` (docs/operations.md, "Health, readiness and status endpoints"). They take a ServerStatus snapshot, so they are
 * tested without a server, and the replica host only has to implement StatusSource.
 */
import type { ServerRole } from "./metrics.js";

export interface LatencySummaryMs {
  readonly min: number;
  readonly avg: number;
  readonly max: number;
}

/** Learner bookkeeping that only a leader has. */
export interface LeaderStatus {
  readonly followers: number;
  readonly syncedFollowers: number;
  readonly pendingSyncs: number;
}

export interface ServerStatus {
  readonly serverId: number;
  readonly ensembleId: string;
  readonly version: string;
  readonly role: ServerRole;
  readonly leaderId: number | null;
  /**
   * Serving: a leader established with a quorum, or a learner that got UPTODATE and still hears its
   * leader (docs/protocol.md §3.2–3.3). Readiness is exactly this flag.
   */
  readonly synced: boolean;
  readonly lastZxid: bigint;
  readonly currentEpoch: number;
  readonly uptimeMs: number;
  readonly latencyMs: LatencySummaryMs;
  readonly packetsReceived: number;
  readonly packetsSent: number;
  readonly connections: number;
  readonly outstandingRequests: number;
  readonly sessions: number;
  readonly znodes: number;
  readonly watches: number;
  readonly ephemerals: number;
  readonly approximateDataBytes: number;
  readonly leader: LeaderStatus | null;
}

export interface StatusSource {
  status(): ServerStatus;
}

export interface HealthBody {
  readonly status: "ok";
  readonly serverId: number;
  readonly role: ServerRole;
  readonly uptimeMs: number;
}

/** Liveness: the process answers. Whether it can serve is /ready's question. */
export function healthBody(status: ServerStatus): HealthBody {
  return { status: "ok", serverId: status.serverId, role: status.role, uptimeMs: status.uptimeMs };
}

export type Readiness =
  | { readonly ready: true; readonly role: ServerRole; readonly leaderId: number | null; readonly lastZxid: string }
  | { readonly ready: false; readonly role: ServerRole; readonly leaderId: number | null; readonly reason: string };

export function readiness(status: ServerStatus): Readiness {
  const base = { role: status.role, leaderId: status.leaderId };
  if (status.synced && status.role !== "looking") {
    return { ready: true, ...base, lastZxid: formatZxidHex(status.lastZxid) };
  }
  return { ready: false, ...base, reason: notReadyReason(status) };
}

function notReadyReason(status: ServerStatus): string {
  switch (status.role) {
    case "looking":
      return "electing a leader";
    case "leading":
      return "leading but not yet established with a quorum of followers";
    case "following":
    case "observing":
      return status.leaderId === null
        ? "not connected to a leader"
        : `syncing with leader ${status.leaderId}, not yet up to date`;
    default:
      return unreachable(status.role);
  }
}

export function ruokText(): string {
  return "imok";
}

/** ZooKeeper's names for the roles, as srvr's `Mode:` and mntr's zk_server_state print them. */
function modeName(role: ServerRole): string {
  switch (role) {
    case "looking":
      return "looking";
    case "following":
      return "follower";
    case "leading":
      return "leader";
    case "observing":
      return "observer";
    default:
      return unreachable(role);
  }
}

/** `srvr`: ZooKeeper's lines in ZooKeeper's order, then Keel's additions. */
export function srvrText(status: ServerStatus): string {
  const { min, avg, max } = status.latencyMs;
  const lines = [
    `Keel version: ${status.version}`,
    `Latency min/avg/max: ${min}/${avg.toFixed(4)}/${max}`,
    `Received: ${status.packetsReceived}`,
    `Sent: ${status.packetsSent}`,
    `Connections: ${status.connections}`,
    `Outstanding: ${status.outstandingRequests}`,
    `Zxid: ${formatZxidHex(status.lastZxid)}`,
    `Mode: ${modeName(status.role)}`,
    `Node count: ${status.znodes}`,
    `Server id: ${status.serverId}`,
    `Ensemble: ${status.ensembleId}`,
    `Leader: ${status.leaderId ?? "none"}`,
    `Epoch: ${status.currentEpoch}`,
    `Synced: ${status.synced}`,
  ];
  return `${lines.join("\n")}\n`;
}

/**
 * `mntr`: tab-separated key/value lines. Keys are ZooKeeper's (zk_*) so existing mntr parsers and
 * exporters read Keel too; leader-only keys appear only on the leader, as in ZooKeeper.
 */
export function mntrText(status: ServerStatus): string {
  const pairs: [string, string | number][] = [
    ["zk_version", status.version],
    ["zk_server_id", status.serverId],
    ["zk_avg_latency", status.latencyMs.avg.toFixed(4)],
    ["zk_max_latency", status.latencyMs.max],
    ["zk_min_latency", status.latencyMs.min],
    ["zk_packets_received", status.packetsReceived],
    ["zk_packets_sent", status.packetsSent],
    ["zk_num_alive_connections", status.connections],
    ["zk_outstanding_requests", status.outstandingRequests],
    ["zk_server_state", modeName(status.role)],
    ["zk_znode_count", status.znodes],
    ["zk_watch_count", status.watches],
    ["zk_ephemerals_count", status.ephemerals],
    ["zk_approximate_data_size", status.approximateDataBytes],
    ["zk_global_sessions", status.sessions],
    ["zk_last_zxid", formatZxidHex(status.lastZxid)],
    ["zk_current_epoch", status.currentEpoch],
    ["zk_synced", status.synced ? 1 : 0],
    ["zk_uptime", status.uptimeMs],
  ];
  if (status.role === "leading" && status.leader !== null) {
    pairs.push(
      ["zk_followers", status.leader.followers],
      ["zk_synced_followers", status.leader.syncedFollowers],
      ["zk_pending_syncs", status.leader.pendingSyncs],
    );
  }
  return pairs.map(([key, value]) => `${key}\t${value}\n`).join("");
}

/** `0x100000003`, ZooKeeper's srvr form; zxids are 64-bit, hence bigint. */
export function formatZxidHex(zxid: bigint): string {
  return `0x${zxid.toString(16)}`;
}

function unreachable(value: never): never {
  throw new Error(`unreachable: ${String(value)}`);
}

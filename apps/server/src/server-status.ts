/**
 * One place that reads the running server's state for every status surface: `cluster.status` and
 * /status.json (ClusterStatusView), and the ops endpoints /ready, /status (srvr) and /mntr
 * (ServerStatus). It also keeps the request latency summary srvr reports and refreshes the gauges.
 */
import type { MemberState, MemberStatusView } from "@keel/api";
import { hostPort } from "@keel/core";
import type { ReplicaStore } from "@keel/db";
import type { ClientConnections } from "./api/client-connections.js";
import type { ServerConfig } from "./config.js";
import type { LeaderStatus, ServerStatus, StatusSource } from "./ops/health.js";
import type { ServerMetrics } from "./ops/metrics.js";
import type { PeerNetwork } from "./peer/peer-network.js";
import type { ReplicaHost } from "./replica-host.js";

export interface ClusterStatusSource {
  clusterStatus(): Promise<MemberStatusView>;
  recordLatencyMs(ms: number): void;
}

/** Serving; else syncing once it has a leader (or leads) but has not caught up; else looking (electing). */
export function memberState(host: Pick<ReplicaHost, "serving" | "role" | "leaderId">): MemberState {
  if (host.serving) return "serving";
  return host.role !== "LOOKING" && host.leaderId !== undefined ? "syncing" : "looking";
}

export interface ServerStatusDeps {
  readonly config: ServerConfig;
  /** Client connections and packets (mntr's connections, packets received and sent). */
  readonly connections: ClientConnections;
  readonly host: ReplicaHost;
  readonly store: ReplicaStore;
  readonly network: PeerNetwork;
  readonly metrics: ServerMetrics;
  readonly version: string;
  readonly startedAtMs: number;
  readonly clock: () => number;
}

export class ServerStatusReader implements ClusterStatusSource, StatusSource {
  private latencyCount = 0;
  private latencySumMs = 0;
  private latencyMinMs = Number.POSITIVE_INFINITY;
  private latencyMaxMs = 0;

  constructor(private readonly deps: ServerStatusDeps) {}

  /** srst: the latency summary starts over. */
  resetLatency(): void {
    this.latencyCount = 0;
    this.latencySumMs = 0;
    this.latencyMinMs = Number.POSITIVE_INFINITY;
    this.latencyMaxMs = 0;
  }

  recordLatencyMs(ms: number): void {
    this.latencyCount += 1;
    this.latencySumMs += ms;
    this.latencyMinMs = Math.min(this.latencyMinMs, ms);
    this.latencyMaxMs = Math.max(this.latencyMaxMs, ms);
  }

  async clusterStatus(): Promise<MemberStatusView> {
    const { config, host, store, network } = this.deps;
    const connected = new Set(network.connectedPeers());
    const epochs = store.epochs();
    const nowMs = this.deps.clock();
    return {
      serverId: config.id,
      ensembleId: config.ensembleId,
      role: host.role.toLowerCase(),
      leaderId: host.leaderId ?? null,
      acceptedEpoch: epochs.acceptedEpoch,
      currentEpoch: epochs.currentEpoch,
      lastLoggedZxid: store.lastLoggedZxid().toString(),
      lastAppliedZxid: host.state.lastAppliedZxid.toString(),
      ready: host.serving,
      members: host.membership().members.map((peer) => ({
        id: peer.id,
        role: peer.role,
        clientUrl: `http://${hostPort(peer.host, peer.clientPort)}`,
        connected: peer.id === config.id || connected.has(peer.id),
      })),
      znodes: host.state.nodeCount,
      sessions: host.state.sessionCount,
      watches: host.watchStreamCount,
      electionCount: host.electionCount,
      lastSyncType: host.lastSyncType ?? null,
      state: memberState(host),
      version: this.deps.version,
      startedAtMs: this.deps.startedAtMs,
      uptimeMs: nowMs - this.deps.startedAtMs,
      nowMs,
      clientConnections: this.deps.connections.connectionCount,
      outstandingRequests: host.outstandingWrites,
      learners: host.learnerLags(nowMs),
      leaderChanges: [...host.leaderChanges],
    };
  }

  status(): ServerStatus {
    const { config, host, store } = this.deps;
    return {
      serverId: config.id,
      ensembleId: config.ensembleId,
      version: this.deps.version,
      role: host.role.toLowerCase() as ServerStatus["role"],
      leaderId: host.leaderId ?? null,
      synced: host.serving,
      lastZxid: host.state.lastAppliedZxid,
      currentEpoch: store.epochs().currentEpoch,
      uptimeMs: this.deps.clock() - this.deps.startedAtMs,
      latencyMs: {
        min: this.latencyCount === 0 ? 0 : this.latencyMinMs,
        avg: this.latencyCount === 0 ? 0 : this.latencySumMs / this.latencyCount,
        max: this.latencyMaxMs,
      },
      packetsReceived: this.deps.connections.packetsReceived,
      packetsSent: this.deps.connections.packetsSent,
      // ZooKeeper's num_alive_connections counts client connections; peers are in /status.json.
      connections: this.deps.connections.connectionCount,
      outstandingRequests: host.outstandingWrites,
      sessions: host.state.sessionCount,
      znodes: host.state.nodeCount,
      watches: host.watchStreamCount,
      ephemerals: host.state.ephemeralCount,
      approximateDataBytes: this.approximateDataBytes(),
      leader: host.role === "LEADING" ? this.leaderStatus() : null,
    };
  }

  private leaderStatus(): LeaderStatus {
    const { host } = this.deps;
    const observers = new Set(
      host
        .membership()
        .members.filter((peer) => peer.role === "observer")
        .map((peer) => peer.id as number),
    );
    const followers = host.learners.filter((learner) => !observers.has(learner.peer));
    return {
      followers: followers.length,
      syncedFollowers: followers.filter((learner) => learner.stage === "UPTODATE").length,
      pendingSyncs: host.outstandingSyncs,
    };
  }

  /**
   * ZooKeeper's approximate data size: path plus data bytes of every node. Walked on demand (mntr
   * is scraped every few seconds at most; the walk is O(nodes)), reading stats only, so it needs
   * no ACL; subtrees whose children a world caller may not list are left out, hence approximate.
   */
  private approximateDataBytes(): number {
    const { state } = this.deps.host;
    let bytes = 0;
    const pending = ["/"];
    for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
      const stat = state.exists(path);
      if (stat === null || stat instanceof Error) continue;
      bytes += Buffer.byteLength(path) + stat.dataLength;
      const listing = state.children(path);
      if (listing instanceof Error) continue;
      for (const name of listing.children) pending.push(path === "/" ? `/${name}` : `${path}/${name}`);
    }
    return bytes;
  }

  /** Gauges read from state rather than updated on every change; server.ts refreshes them each second. */
  refreshGauges(): void {
    const { host, store, metrics, network } = this.deps;
    metrics.sessions.set(host.state.sessionCount);
    metrics.znodes.set(host.state.nodeCount);
    metrics.watches.set(host.watchStreamCount);
    metrics.currentEpoch.set(store.epochs().currentEpoch);
    metrics.peersConnected.set(network.connectedPeers().length);
  }
}

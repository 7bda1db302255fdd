/**
 * One place that reads the running server's state for every status surface: `cluster.status` and
 * /status.json (ClusterStatusView), and the ops endpoints /ready, /status (srvr) and /mntr
 * (ServerStatus). It also keeps the request latency summary srvr reports and refreshes the gauges.
 */
import type { ClusterStatusView } from "@keel/api";
import type { ReplicaStore } from "@keel/db";
import type { ServerConfig } from "./config.js";
import type { ServerStatus, StatusSource } from "./ops/health.js";
import type { ServerMetrics } from "./ops/metrics.js";
import type { PeerNetwork } from "./peer/peer-network.js";
import type { ReplicaHost } from "./replica-host.js";

export interface ClusterStatusSource {
  clusterStatus(): Promise<ClusterStatusView>;
  recordLatencyMs(ms: number): void;
}

export interface ServerStatusDeps {
  readonly config: ServerConfig;
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

  recordLatencyMs(ms: number): void {
    this.latencyCount += 1;
    this.latencySumMs += ms;
    this.latencyMinMs = Math.min(this.latencyMinMs, ms);
    this.latencyMaxMs = Math.max(this.latencyMaxMs, ms);
  }

  async clusterStatus(): Promise<ClusterStatusView> {
    const { config, host, store, network } = this.deps;
    const connected = new Set(network.connectedPeers());
    const epochs = store.epochs();
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
      members: config.peers.map((peer) => ({
        id: peer.id,
        role: peer.role,
        clientUrl: `http://${peer.host}:${peer.clientPort}`,
        connected: peer.id === config.id || connected.has(peer.id),
      })),
      znodes: host.state.nodeCount,
      sessions: host.state.sessionCount,
      watches: host.watchStreamCount,
      electionCount: host.electionCount,
      lastSyncType: host.lastSyncType ?? null,
    };
  }

  status(): ServerStatus {
    const { config, host, store, network } = this.deps;
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
      packetsReceived: 0,
      packetsSent: 0,
      connections: network.connectedPeers().length,
      outstandingRequests: host.outstandingWrites,
      sessions: host.state.sessionCount,
      znodes: host.state.nodeCount,
      watches: host.watchStreamCount,
      ephemerals: host.state.ephemeralCount,
      approximateDataBytes: 0,
      leader: null,
    };
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

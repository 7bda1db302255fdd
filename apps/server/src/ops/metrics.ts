/**
 * Prometheus metrics for one server. Each server gets its own Registry (never prom-client's global
 * default), so three servers in one test process do not share counters, and every metric is
 * declared here up front so /metrics shows the full set from the first scrape (style rule 10).
 * Names follow Prometheus conventions: `keel_` prefix, base units (seconds, bytes), `_total` counters.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export const serverRoles = ["looking", "following", "leading", "observing"] as const;
export type ServerRole = (typeof serverRoles)[number];

export interface ServerMetrics {
  readonly registry: Registry;
  readonly requestsTotal: Counter<"op">;
  readonly requestErrorsTotal: Counter<"op" | "code">;
  readonly requestDurationSeconds: Histogram<"op">;
  readonly outstandingRequests: Gauge;
  /** The last zxid split in two: a 64-bit zxid does not fit a float64 gauge exactly. */
  readonly lastZxidEpoch: Gauge;
  readonly lastZxidCounter: Gauge;
  readonly currentEpoch: Gauge;
  /** 1 for the current role, 0 for the others. */
  readonly role: Gauge<"role">;
  readonly sessions: Gauge;
  readonly watches: Gauge;
  readonly znodes: Gauge;
  readonly fsyncDurationSeconds: Histogram;
  readonly leaderElectionsTotal: Counter;
  readonly peersConnected: Gauge;
  readonly peerFramesSentTotal: Counter;
  readonly peerFramesReceivedTotal: Counter;
  readonly peerFramesDroppedTotal: Counter<"reason">;
  readonly peerConnectionsRejectedTotal: Counter;
  readonly peerHandshakesDroppedTotal: Counter<"reason">;
  readonly clientConnections: Gauge;
  readonly clientWebSockets: Gauge;
  readonly clientConnectionsRefusedTotal: Counter<"reason">;
  readonly clientWebSocketsDroppedTotal: Counter<"reason">;
  readonly buildInfo: Gauge<"version">;
  setRole(role: ServerRole): void;
  setLastZxid(zxid: bigint): void;
}

/** Request latencies: sub-millisecond local reads up to multi-second stalled writes. */
const requestBucketsSeconds = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
];
/** fsync on SSDs is 0.1–10 ms; the tail shows a sick disk. */
const fsyncBucketsSeconds = [0.0001, 0.00025, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export interface ServerMetricsOptions {
  readonly version: string;
  /** Node's process_* and nodejs_* metrics; off in unit tests that only check keel_*. */
  readonly collectDefaults?: boolean;
}

export function createServerMetrics(options: ServerMetricsOptions): ServerMetrics {
  const registry = new Registry();
  if (options.collectDefaults ?? true) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> =>
    new Counter({ name, help, labelNames, registers });
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> =>
    new Gauge({ name, help, labelNames, registers });

  const role = gauge("keel_role", "1 for this server's current role (looking, following, leading, observing)", [
    "role",
  ]);
  const lastZxidEpoch = gauge("keel_last_zxid_epoch", "Epoch half of the last logged zxid");
  const lastZxidCounter = gauge("keel_last_zxid_counter", "Counter half of the last logged zxid");
  const buildInfo = gauge("keel_build_info", "Always 1; the version label names the running build", ["version"]);
  buildInfo.set({ version: options.version }, 1);

  const metrics: ServerMetrics = {
    registry,
    requestsTotal: counter("keel_requests_total", "Client requests completed, by operation", ["op"]),
    requestErrorsTotal: counter(
      "keel_request_errors_total",
      "Client requests that failed, by operation and Keel error code",
      ["op", "code"],
    ),
    requestDurationSeconds: new Histogram({
      name: "keel_request_duration_seconds",
      help: "Client request latency from receipt to reply, by operation",
      labelNames: ["op"],
      buckets: requestBucketsSeconds,
      registers,
    }),
    outstandingRequests: gauge("keel_outstanding_requests", "Client requests received and not yet answered"),
    lastZxidEpoch,
    lastZxidCounter,
    currentEpoch: gauge("keel_current_epoch", "The epoch this server has accepted as current (ZAB currentEpoch)"),
    role,
    sessions: gauge("keel_sessions", "Live sessions known to this server"),
    watches: gauge("keel_watches", "Watches registered on this server"),
    znodes: gauge("keel_znodes", "Znodes in this server's tree"),
    fsyncDurationSeconds: new Histogram({
      name: "keel_fsync_duration_seconds",
      help: "Time to make one batch of log writes durable",
      buckets: fsyncBucketsSeconds,
      registers,
    }),
    leaderElectionsTotal: counter("keel_leader_elections_total", "Leader elections this server has started"),
    peersConnected: gauge("keel_peers_connected", "Peers with a live, authenticated link to this server"),
    peerFramesSentTotal: counter("keel_peer_frames_sent_total", "Frames queued to peers"),
    peerFramesReceivedTotal: counter("keel_peer_frames_received_total", "Frames received from peers"),
    peerFramesDroppedTotal: counter("keel_peer_frames_dropped_total", "Frames not sent to a peer, by reason", [
      "reason",
    ]),
    peerConnectionsRejectedTotal: counter(
      "keel_peer_connections_rejected_total",
      "Peer connections refused at the handshake (wrong ensemble, a secret not proved, a listed lower id dialing, a bootstrap membership mismatch, too many unlisted peers)",
    ),
    peerHandshakesDroppedTotal: counter(
      "keel_peer_handshakes_dropped_total",
      "Pending inbound peer handshakes closed by the server: timeout, or evicted for a newer connection (addressFull, pendingFull)",
      ["reason"],
    ),
    clientConnections: gauge("keel_client_connections", "Open client connections (HTTP keep-alive and WebSocket)"),
    clientWebSockets: gauge("keel_client_websockets", "Open client WebSockets (a subset of keel_client_connections)"),
    clientConnectionsRefusedTotal: counter(
      "keel_client_connections_refused_total",
      "WebSocket upgrades refused: websockets_full (the HTTP reserve is reached, 503), address_full (per-address cap, 429)",
      ["reason"],
    ),
    clientWebSocketsDroppedTotal: counter(
      "keel_client_websockets_dropped_total",
      "WebSockets the server closed, by reason (no_pong: did not answer a ping within webSocketPingMs)",
      ["reason"],
    ),
    buildInfo,
    setRole(current: ServerRole): void {
      for (const candidate of serverRoles) role.set({ role: candidate }, candidate === current ? 1 : 0);
    },
    setLastZxid(zxid: bigint): void {
      lastZxidEpoch.set(Number(zxid >> 32n));
      lastZxidCounter.set(Number(zxid & 0xffff_ffffn));
    },
  };
  metrics.setRole("looking");
  return metrics;
}

/**
 * Assembles one Keel server from its parts and starts it: the durable store, the peer network,
 * the replica host (the pure core plus its driver), the status reader and the client port (tRPC
 * over HTTP and WebSocket, plus the ops endpoints). `stop()` closes them in reverse order.
 */

import { randomInt } from "node:crypto";
import { mkdirSync } from "node:fs";
import { type Random, ZXID_ZERO } from "@keel/core";
import { openReplicaStore } from "@keel/db";
import type { Logger } from "pino";
import { clientAuthentication } from "./api/client-authentication.js";
import { ClientConnections } from "./api/client-connections.js";
import { startClientServer } from "./api/client-server.js";
import { KeelCoordinator } from "./api/coordinator.js";
import type { ServerConfig } from "./config.js";
import { peerAddressesOf } from "./membership.js";
import { monotonicEpochClock } from "./monotonic-clock.js";
import { createServerMetrics } from "./ops/metrics.js";
import type { PeerAuth } from "./peer/peer-auth.js";
import { PeerNetwork } from "./peer/peer-network.js";
import { ReplicaHost } from "./replica-host.js";
import { ServerStatusReader } from "./server-status.js";
import type { TlsMaterial } from "./tls-material.js";
import { startZkPort, type ZkPort } from "./zk/zk-port.js";

export interface RunningServer {
  readonly host: ReplicaHost;
  stop(): Promise<void>;
}

/** Election jitter and reconnect backoff draw from the OS's random source; core only sees `Random`. */
const systemRandom: Random = { int: (bound) => randomInt(bound) };

export async function startServer(options: {
  config: ServerConfig;
  /** The peer secret loadConfig read from config.peerSecretFile (or "none"). */
  peerAuth: PeerAuth;
  /** The certificate, key and CA loadConfig read from the tls*File options; undefined without TLS. */
  tls: TlsMaterial | undefined;
  /** The built-in super user's password loadConfig read from config.superPasswordFile; undefined: no super user. */
  superPassword?: string | undefined;
  logger: Logger;
  version: string;
}): Promise<RunningServer> {
  const { config, peerAuth, tls, superPassword, logger, version } = options;
  const clock = monotonicEpochClock();
  mkdirSync(config.dataDir, { recursive: true });
  const openStarted = performance.now();
  const store = openReplicaStore(config.dataDir, {
    serverId: config.id,
    ensembleId: config.ensembleId,
    onWarning: (message) => logger.warn(message),
  });
  // Start-up phases are logged at info (store open, state restore, replay until serving) so a slow
  // start says which part was slow (docs/storage.md, "Start-up").
  logger.info(
    { ms: Math.round(performance.now() - openStarted), lastLoggedZxid: store.lastLoggedZxid().toString() },
    "start-up: store opened and recovered",
  );
  const metrics = createServerMetrics({ version });
  const network = new PeerNetwork({
    config,
    auth: peerAuth,
    tls: config.peerTls ? tls : undefined,
    logger,
    metrics,
    random: () => randomInt(1 << 30) / (1 << 30),
  });
  const host = new ReplicaHost({ config, store, network, logger, metrics, random: systemRandom, clock });
  const connections = new ClientConnections(config, metrics);
  const status = new ServerStatusReader({
    connections,
    config,
    host,
    store,
    network,
    metrics,
    version,
    startedAtMs: clock(),
    clock,
  });
  const coordinator = new KeelCoordinator({ host, config, metrics, status, connections, clock });
  const auth = await clientAuthentication({ config, host, logger, superPassword });

  // The peer network dials the members of the applied membership (the --peer list's until a
  // change commits). Once one is replicated, or this server joins, the flag lists no longer decide
  // quorums, so the handshake stops comparing them (peer/membership-digest.ts).
  const ownPeer = config.peers.find((peer) => peer.id === config.id);
  host.onMembershipChange((membership) => {
    const member = membership.members.some((peer) => peer.id === config.id);
    network.setPeers(peerAddressesOf(membership, ownPeer), member);
    network.setMembershipCheck(!config.join && membership.version === ZXID_ZERO);
  });
  await network.start();
  host.start();
  const clientServer = await startClientServer({
    host: config.clientHost,
    port: config.clientPort,
    coordinator,
    ops: { status, registry: metrics.registry, logger },
    logger,
    requestBytesMax: config.requestBytesMax,
    connectionsMax: config.connectionsMax,
    connections,
    webSocketPingMs: config.webSocketPingMs,
    watchStreamsMax: config.watchesPerSessionMax,
    tls: tls === undefined ? undefined : { material: tls, verifyClients: config.clientTlsVerify },
    auth,
    backup: { dataDir: config.dataDir, serverId: config.id, backupTo: (file) => store.backupTo(file) },
  });
  const zkPort: ZkPort | undefined =
    config.zkPort === 0 && config.zkSecurePort === 0
      ? undefined
      : await startZkPort({
          config,
          host,
          logger,
          attachments: coordinator.attachments,
          connections,
          status: () => status.status(),
          recordCall: (op, latencyMs, failed) => coordinator.recordCall(op, latencyMs, failed),
          resetServerStats: () => status.resetLatency(),
          clock,
          version,
          tls,
          authenticate: auth.zkLogin,
          audit: auth.trail.sink,
        });
  // Gauges read from state (sessions, znodes, watches, epoch, peers) are refreshed once a second,
  // so /metrics scrapes see current values without a hook in every code path that changes them.
  const gaugeTimer = setInterval(() => status.refreshGauges(), 1000);
  logger.info(
    {
      clientPort: config.clientPort,
      clientTls: tls !== undefined,
      peerPort: config.peerPort,
      peerTls: config.peerTls,
      zkPort: zkPort?.port ?? 0,
    },
    "serving",
  );

  return {
    host,
    stop: async () => {
      clearInterval(gaugeTimer);
      auth.stop();
      host.stop();
      await zkPort?.close();
      await clientServer.close();
      await network.close();
      store.close();
    },
  };
}

/**
 * The ZooKeeper client port (docs/zookeeper-compat.md): a TCP listener speaking ZooKeeper 3.8's
 * client protocol, so existing ZooKeeper clients (zkCli, Curator, kazoo, node-zookeeper-client)
 * use Keel unchanged. Connections are admitted per address (ZooKeeper's maxClientCnxns) and in
 * total (`connectionsMax`); a refused one is closed at once, as ZooKeeper does.
 */
import { readdirSync, statSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";
import type { AuditSink } from "@keel/api";
import { isInAuthRoot } from "@keel/core";
import type { Logger } from "pino";
import type { ClientConnections } from "../api/client-connections.js";
import type { SessionAttachments } from "../api/session-attachments.js";
import type { ServerConfig } from "../config.js";
import type { ServerStatus } from "../ops/health.js";
import type { ReplicaHost } from "../replica-host.js";
import type { TlsMaterial } from "../tls-material.js";
import { allowedWords, type FourLetterSource, fourLetterReply } from "./four-letter-words.js";
import { FramePacer } from "./frame-pacer.js";
import { ZkConnection, type ZkPortContext } from "./zk-connection.js";
import { ZkRequests } from "./zk-requests.js";
import { ZkSessions } from "./zk-sessions.js";

export interface ZkPortDeps {
  readonly config: ServerConfig;
  readonly host: ReplicaHost;
  readonly logger: Logger;
  readonly attachments: SessionAttachments;
  /** The client port's connection counters: ZooKeeper connections count in mntr and /metrics too. */
  readonly connections: ClientConnections;
  readonly status: () => ServerStatus;
  /** Counts a served request in the API's metrics (console, /metrics). */
  readonly recordCall: (op: string, latencyMs: number, failed: boolean) => void;
  readonly resetServerStats: () => void;
  readonly clock: () => number;
  readonly version: string;
  /** Where setACL through this port is recorded (the API's audit trail); absent, it is not. */
  readonly audit?: AuditSink;
  /** Keel logins over `addauth user|token` (zk-connection.ts); absent, they fail. */
  readonly authenticate?: ZkPortContext["authenticate"];
  /** The client port's certificate: with config.zkSecurePort the secure ZooKeeper port serves TLS with it. */
  readonly tls?: TlsMaterial | undefined;
}

export interface ZkPort {
  readonly port: number;
  /** The TLS port (config.zkSecurePort), 0 when off. */
  readonly securePort: number;
  readonly connectionCount: number;
  close(): Promise<void>;
}

export async function startZkPort(deps: ZkPortDeps): Promise<ZkPort> {
  const { config, host, logger } = deps;
  const connections = new Set<ZkConnection>();
  const perAddress = new Map<string, number>();
  const sessions = new ZkSessions(host, deps.attachments, deps.clock, config.tickMs);
  const allowed = allowedWords(config.zkFourLetterWords);
  const source = fourLetterSource(deps, connections);
  const ctx: ZkPortContext = {
    host,
    config,
    logger,
    requests: new ZkRequests(host, (message) => logger.error(message)),
    sessions,
    pacer: new FramePacer(),
    fourLetterWord: (word) => fourLetterReply(word, allowed, host.serving, source),
    recordCall: (op, latencyMs, err) => deps.recordCall(ZK_OP_NAMES[op] ?? `zk.${op}`, latencyMs, err !== 0),
    clock: deps.clock,
    authenticate: deps.authenticate ?? (() => Promise.resolve(undefined)),
    authRequired: config.authRequired,
    audit: deps.audit ?? (() => undefined),
  };

  const accept = (socket: Socket) => {
    const address = plainAddress(socket.remoteAddress ?? "unknown");
    const remote = `/${address}:${socket.remotePort ?? 0}`;
    const held = perAddress.get(address) ?? 0;
    if (held >= config.zkConnectionsPerAddressMax || connections.size >= config.connectionsMax) {
      logger.warn({ remote, held }, "zk connection refused: too many connections");
      socket.destroy();
      return;
    }
    perAddress.set(address, held + 1);
    deps.connections.connectionOpened();
    const connection = new ZkConnection(socket, ctx, address, remote, (closed) => {
      connections.delete(closed);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left <= 0) perAddress.delete(address);
      else perAddress.set(address, left);
      deps.connections.connectionClosed();
    });
    connections.add(connection);
  };
  const servers: (Server | TlsServer)[] = [];
  let port = 0;
  if (config.zkPort !== 0) {
    const plain = createServer(accept);
    port = await listen(plain, config.zkPort, config.zkHost, logger);
    servers.push(plain);
  }
  // ZooKeeper's secureClientPort: the same protocol inside TLS, with the client port's certificate
  // (and, with --client-tls-verify, client certificates required, as ZooKeeper's ssl.clientAuth=need).
  let securePort = 0;
  if (config.zkSecurePort !== 0 && deps.tls !== undefined) {
    const { cert, key, ca } = deps.tls;
    const verify = config.clientTlsVerify;
    const secure = createTlsServer({ cert, key, ca, requestCert: verify, rejectUnauthorized: verify }, accept);
    secure.on("tlsClientError", (error: NodeJS.ErrnoException) =>
      logger.debug({ code: error.code }, "zk TLS handshake failed"),
    );
    securePort = await listen(secure, config.zkSecurePort, config.zkHost, logger);
    servers.push(secure);
  }
  logger.info({ zkPort: port, zkSecurePort: securePort }, "ZooKeeper port listening");
  return {
    port,
    securePort,
    get connectionCount() {
      return connections.size;
    },
    close: async () => {
      sessions.stop();
      for (const connection of [...connections]) connection.close("server stopping");
      await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

async function listen(server: Server | TlsServer, port: number, host: string, logger: Logger): Promise<number> {
  server.on("error", (error) => logger.error({ err: error }, "zk port error"));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === "object" && address !== null ? address.port : port;
}

/** The API's names for the same operations, so the console's per-op metrics add wire and HTTP calls up. */
const ZK_OP_NAMES: Readonly<Record<string, string>> = {
  create: "create",
  create2: "create",
  createContainer: "create",
  createTTL: "create",
  delete: "delete",
  setData: "set",
  multi: "multi",
  sync: "sync",
  setACL: "setAcl",
  closeSession: "closeSession",
  getData: "get",
  exists: "exists",
  getChildren: "children",
  getChildren2: "children",
  getACL: "getAcl",
  getAllChildrenNumber: "childCount",
  getEphemerals: "ephemerals",
};

/** `::ffff:127.0.0.1` (an IPv4 client on a dual-stack socket) is 127.0.0.1, as ZooKeeper's ip ids spell it. */
function plainAddress(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

function fourLetterSource(deps: ZkPortDeps, connections: ReadonlySet<ZkConnection>): FourLetterSource {
  const { host, config } = deps;
  const sessionOf = (watcher: number) => {
    for (const connection of connections) if (connection.watcherId === watcher) return connection.stats.sessionId;
    return undefined;
  };
  return {
    status: deps.status,
    connections: () => [...connections].map((connection) => connection.stats),
    dataWatches: () => {
      const out = new Map<string, bigint[]>();
      for (const [path, watchers] of host.watches.dataWatchPaths()) {
        const ids = [...watchers].map(sessionOf).filter((id) => id !== undefined);
        if (ids.length > 0) out.set(path, ids);
      }
      return out;
    },
    watchesBySession: () => {
      const out = new Map<bigint, string[]>();
      for (const connection of connections) {
        const id = connection.stats.sessionId;
        if (id === undefined) continue;
        const { data, child } = host.watches.pathsOf(connection.watcherId);
        const paths = [...new Set([...data, ...child])].sort();
        if (paths.length > 0) out.set(id, paths);
      }
      return out;
    },
    ephemeralsBySession: () => {
      const out = new Map<bigint, string[]>();
      for (const session of host.state.listSessions(SESSIONS_DUMPED_MAX).sessions) {
        // Four-letter words need no credentials: never name what lies in /keel/auth.
        const paths = host.state.getEphemerals(session.sessionId).filter((path) => !isInAuthRoot(path));
        out.set(session.sessionId, paths);
      }
      return out;
    },
    get ensembleSize() {
      return host.membership().members.length;
    },
    get config() {
      return {
        clientPort: config.zkPort,
        clientPortAddress: config.zkHost,
        dataDir: config.dataDir,
        dataDirBytes: directoryBytes(config.dataDir),
        tickTime: config.tickMs,
        minSessionTimeout: config.minSessionTimeoutMs,
        maxSessionTimeout: config.maxSessionTimeoutMs,
        serverId: config.id,
        maxClientCnxns: config.zkConnectionsPerAddressMax,
        "jute.maxbuffer": config.zkMaxBufferBytes,
      };
    },
    environment: {
      "zookeeper.version": `Keel ${deps.version}`,
      "host.name": hostname(),
      "node.version": process.version,
      "os.name": process.platform,
      "os.arch": process.arch,
      "user.dir": process.cwd(),
    },
    resetServerStats: deps.resetServerStats,
    resetConnectionStats: () => {
      for (const connection of connections) connection.resetStats();
    },
  };
}

/** dump lists at most this many sessions: a four-letter word must stay a small answer. */
const SESSIONS_DUMPED_MAX = 1000;

/** Bytes of the files directly in `dir` (the store's SQLite files): dirs' datadir_size. */
function directoryBytes(dir: string): number {
  try {
    return readdirSync(dir).reduce((sum, name) => {
      const stat = statSync(join(dir, name));
      return stat.isFile() ? sum + stat.size : sum;
    }, 0);
  } catch {
    return 0;
  }
}

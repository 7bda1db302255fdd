/**
 * The client port: one Node http.Server that answers the operator endpoints (/health, /ready,
 * /metrics, /status, /ruok, /mntr, /status.json) and serves the tRPC router over HTTP, with a
 * WebSocket server on the same port for subscriptions (watch streams, bound sessions).
 * CORS is open for reads from any origin; only the console origins may send the session cookie
 * (identify.ts says who is calling).
 *
 * Connections are admitted by ClientConnections: WebSockets never take the HTTP reserve, one
 * address holds a bounded share, and a refused upgrade is answered (503/429 + Retry-After), not
 * reset. Every WebSocket is pinged each `webSocketPingMs`; one that has not answered the previous
 * ping (a dead peer, a half-open TCP connection) is closed.
 *
 * With TLS material the same server is an https.Server: HTTPS and WSS only, with every endpoint
 * above on it, and plain HTTP to the port fails its TLS handshake (docs/security.md, "TLS").
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { Duplex } from "node:stream";
import type { TLSSocket } from "node:tls";
import {
  type Accounts,
  type ApiContext,
  apiResponseMeta,
  appRouter,
  type ConnectionBudget,
  type Coordinator,
  RETRY_AFTER_SECONDS,
} from "@keel/api";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import type { Logger } from "pino";
import { type WebSocket, WebSocketServer } from "ws";
import { clearedSessionCookie, sessionCookie } from "../auth/http-credentials.js";
import { handleOpsRequest, type OpsDeps } from "../ops/http-ops.js";
import type { TlsMaterial } from "../tls-material.js";
import type { AuditTrail } from "./audit-trail.js";
import { type BackupDeps, BackupEndpoint } from "./backup-endpoint.js";
import { CSRF_HEADER, type IdentifyDeps, identifier } from "./identify.js";
import { MessagePacer } from "./message-pacer.js";

/**
 * Calls one HTTP batch may carry. tRPC starts every call of a batch in one macrotask, so an
 * unbounded batch could stall peer heartbeats (robustness issue, case 2); WebSocket clients are
 * paced instead (message-pacer.ts), so large volumes belong there.
 */
export const HTTP_BATCH_CALLS_MAX = 100;

import type { ClientConnections, RefusalReason } from "./client-connections.js";

export interface ClientServerOptions {
  readonly host: string;
  readonly port: number;
  readonly coordinator: Coordinator;
  readonly ops: OpsDeps;
  readonly logger: Logger;
  /** Largest HTTP request body or WebSocket message accepted, in bytes. */
  readonly requestBytesMax: number;
  /** All client connections, HTTP and WebSocket; past it Node itself drops new sockets. */
  readonly connectionsMax: number;
  readonly connections: ClientConnections;
  /** Interval of WebSocket pings; a peer that has not answered the previous ping is dropped. */
  readonly webSocketPingMs: number;
  /** Watch streams one connection may hold (the server's watchesPerSessionMax). */
  readonly watchStreamsMax: number;
  /** Serve HTTPS and WSS with this certificate; `verifyClients` requires a client certificate signed by its CA. */
  readonly tls?: { readonly material: TlsMaterial; readonly verifyClients: boolean } | undefined;
  /** Client authentication (docs/security.md): how credentials become callers, and the accounts behind them. */
  readonly auth: {
    readonly identify: IdentifyDeps;
    readonly accounts: Accounts;
    readonly required: boolean;
    readonly trail: AuditTrail;
  };
  /** `GET /backup` (backup-endpoint.ts): this member's store copied online, for admins. */
  readonly backup: Omit<BackupDeps, "identify" | "audit" | "logger">;
}

export interface ClientServer {
  readonly server: Server | HttpsServer;
  close(): Promise<void>;
}

/**
 * A console origin may send credentials (its session cookie) and read the answers; any other
 * origin may read without credentials, as before (a page elsewhere can see public status, never
 * act as a logged-in user).
 */
function setCors(req: IncomingMessage, res: ServerResponse, consoleOrigins: ReadonlySet<string>): void {
  const origin = req.headers.origin;
  if (origin !== undefined && consoleOrigins.has(origin)) {
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("access-control-allow-credentials", "true");
    res.setHeader("vary", "origin");
  } else {
    res.setHeader("access-control-allow-origin", "*");
  }
  res.setHeader("access-control-allow-headers", `content-type, trpc-accept, authorization, ${CSRF_HEADER}`);
  res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
}

const REFUSAL_STATUS: Record<RefusalReason, { code: number; text: string; why: string }> = {
  websockets_full: {
    code: 503,
    text: "Service Unavailable",
    why: "this server holds as many WebSockets as it allows; retry later or use another server",
  },
  address_full: {
    code: 429,
    text: "Too Many Requests",
    why: "this address holds as many WebSockets as one address may (webSocketsPerAddressMax)",
  },
};

/** Answers a refused upgrade in plain HTTP/1.1 on the raw socket, then closes it. */
function refuseUpgrade(socket: Duplex, reason: RefusalReason): void {
  const { code, text, why } = REFUSAL_STATUS[reason];
  const body = `${why}\n`;
  socket.end(
    `HTTP/1.1 ${code} ${text}\r\nconnection: close\r\ncontent-type: text/plain; charset=utf-8\r\n` +
      `retry-after: ${RETRY_AFTER_SECONDS}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function addressOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? "unknown";
}

/** "ip:port" ("[ip6]:port" for IPv6) of the peer of `req`'s socket: what a session records as its client. */
export function clientAddressOf(req: IncomingMessage): string {
  const { remoteAddress, remotePort } = req.socket;
  if (remoteAddress === undefined) return "unknown";
  const host = remoteAddress.includes(":") ? `[${remoteAddress}]` : remoteAddress;
  return remotePort === undefined ? host : `${host}:${remotePort}`;
}

export async function startClientServer(options: ClientServerOptions): Promise<ClientServer> {
  const { connections } = options;
  // A context per HTTP request, and per WebSocket connection (tRPC's ws adapter makes one per
  // socket), so the watch-stream budget is the connection's.
  // The caller's address comes from the request (HTTP) or the upgrade request (WebSocket).
  // Administrative actions and authentication go to the audit trail (audit-trail.ts).
  const { auth } = options;
  const secure = options.tls !== undefined;
  const baseContext = (req: IncomingMessage, transport: "http" | "webSocket"): ApiContext => {
    const clientAddress = clientAddressOf(req);
    return {
      coordinator: options.coordinator,
      connection: { watchStreams: 0 },
      watchStreamsMax: options.watchStreamsMax,
      clientAddress,
      audit: auth.trail.sink,
      auditFeed: auth.trail,
      identify: identifier(auth.identify, req, transport, clientAddress),
      authRequired: auth.required,
      accounts: auth.accounts,
    };
  };
  const createContext = ({ req, res }: { req: IncomingMessage; res: ServerResponse }): ApiContext => ({
    ...baseContext(req, "http"),
    sessionCookie: {
      set: (token, maxAgeSeconds) => res.appendHeader("set-cookie", sessionCookie(token, maxAgeSeconds, secure)),
      clear: () => res.appendHeader("set-cookie", clearedSessionCookie(secure)),
    },
  });
  // Over WebSocket the connection also remembers when its client was last heard (session-attach.ts).
  const createWebSocketContext = ({ req, res }: { req: IncomingMessage; res: WebSocket }): ApiContext => {
    const context = baseContext(req, "webSocket");
    const connection = context.connection as ConnectionBudget;
    connection.lastHeardMs = performance.now();
    const heard = () => {
      connection.lastHeardMs = performance.now();
    };
    res.on("message", heard);
    res.on("pong", heard);
    connection.probe = () => {
      // A socket closing under us is not an error worth more than a skipped probe.
      if (res.readyState === res.OPEN) res.ping(undefined, undefined, () => {});
    };
    return context;
  };
  const backup = new BackupEndpoint({
    ...options.backup,
    identify: (req) => identifier(auth.identify, req, "http", clientAddressOf(req))(),
    audit: auth.trail.sink,
    logger: options.logger,
  });
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    createContext,
    maxBodySize: options.requestBytesMax,
    maxBatchSize: HTTP_BATCH_CALLS_MAX,
    responseMeta: apiResponseMeta,
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") options.logger.error({ err: error, path }, "API call failed");
    },
  });

  const server = createListeningServer(options, (req: IncomingMessage, res: ServerResponse) => {
    connections.packetReceived();
    res.once("finish", () => connections.packetSent());
    setCors(req, res, auth.identify.consoleOrigins);
    if (req.method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    if (req.url === "/status.json" && req.method === "GET") {
      options.coordinator.status().then(
        (status) => {
          res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
          res.end(JSON.stringify(status));
        },
        () => res.writeHead(500).end(),
      );
      return;
    }
    if (handleOpsRequest(req, res, options.ops)) return;
    if (backup.handle(req, res, clientAddressOf(req))) return;
    trpcHandler(req, res);
  });
  // The last resort: WebSockets stop httpConnectionsReserved short of this, so only a flood of
  // plain HTTP connections can reach it.
  server.maxConnections = options.connectionsMax;
  server.on("connection", (socket) => {
    connections.connectionOpened();
    socket.once("close", () => connections.connectionClosed());
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: options.requestBytesMax });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const address = addressOf(req);
    const admission = connections.admitWebSocket(address);
    if (admission.type === "refuse") {
      refuseUpgrade(socket, admission.reason);
      return;
    }
    let counted = true;
    const release = () => {
      if (!counted) return;
      counted = false;
      connections.webSocketClosed(address);
    };
    // A handshake that fails (bad headers, the socket closes first) must give its slot back.
    socket.once("close", release);
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.once("close", release);
      wss.emit("connection", ws, req);
    });
  });
  const pacer = new MessagePacer();
  // Registered before tRPC's handler, so the send counter is in place before tRPC sends anything.
  wss.on("connection", (ws: WebSocket) => {
    pacer.attach(ws);
    ws.on("message", () => connections.packetReceived());
    countSends(ws, () => connections.packetSent());
    watchLiveness(ws, options.webSocketPingMs, () => connections.webSocketDropped());
  });
  // Only the server's own ws-level pings (above); tRPC's text PING would be a second timer.
  const wsHandler = applyWSSHandler({ wss, router: appRouter, createContext: createWebSocketContext });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });

  return {
    server,
    close: async () => {
      wsHandler.broadcastReconnectNotification();
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Plain HTTP, or HTTPS with the given certificate (and client certificates required when asked). */
function createListeningServer(options: ClientServerOptions, handler: RequestListener): Server | HttpsServer {
  if (options.tls === undefined) return createServer(handler);
  const { material, verifyClients } = options.tls;
  const server = createHttpsServer(
    {
      cert: material.cert,
      key: material.key,
      ca: material.ca,
      requestCert: verifyClients,
      rejectUnauthorized: verifyClients,
    },
    handler,
  );
  // Plain HTTP, an untrusted client certificate or a scanner: the socket is closed; not worth a warning each.
  server.on("tlsClientError", (error: NodeJS.ErrnoException, socket: TLSSocket) => {
    options.logger.debug(
      { code: error.code, authorizationError: socket.authorizationError, remote: socket.remoteAddress },
      "client TLS handshake failed",
    );
  });
  return server;
}

/**
 * ws-level ping every `intervalMs` (RFC 6455 peers answer pings on their own, browsers included);
 * a socket that sent neither a pong nor a message since the previous ping is terminated.
 */
function watchLiveness(ws: WebSocket, intervalMs: number, onDropped: () => void): void {
  let alive = true;
  const markAlive = () => {
    alive = true;
  };
  ws.on("pong", markAlive);
  ws.on("message", markAlive);
  const timer = setInterval(() => {
    if (!alive) {
      onDropped();
      ws.terminate();
      return;
    }
    alive = false;
    try {
      ws.ping();
    } catch {
      // The socket is closing; its close event clears the timer.
    }
  }, intervalMs);
  timer.unref();
  ws.once("close", () => clearInterval(timer));
}

/** Counts every message the server sends on `ws` (mntr's packets sent); ws has no send event. */
function countSends(ws: WebSocket, onSend: () => void): void {
  const send = ws.send.bind(ws) as (...args: unknown[]) => void;
  (ws as unknown as { send: (...args: unknown[]) => void }).send = (...args: unknown[]) => {
    onSend();
    send(...args);
  };
}

/**
 * The client port: one Node http.Server that answers the operator endpoints (/health, /ready,
 * /metrics, /status, /ruok, /mntr, /status.json) and serves the tRPC router over HTTP, with a
 * WebSocket server on the same port for subscriptions (watch streams, bound sessions).
 * CORS is open for reads from the console's origin; the API carries no cookies.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { type ApiContext, appRouter, type Coordinator } from "@keel/api";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { applyWSSHandler } from "@trpc/server/adapters/ws";
import type { Logger } from "pino";
import { WebSocketServer } from "ws";
import { handleOpsRequest, type OpsDeps } from "../ops/http-ops.js";
import { MessagePacer } from "./message-pacer.js";

/**
 * Calls one HTTP batch may carry. tRPC starts every call of a batch in one macrotask, so an
 * unbounded batch could stall peer heartbeats (robustness issue, case 2); WebSocket clients are
 * paced instead (message-pacer.ts), so large volumes belong there.
 */
export const HTTP_BATCH_CALLS_MAX = 100;
/** How long a WebSocket may leave our PING unanswered before it is dropped. */
export const WEBSOCKET_PONG_WAIT_MS = 30_000;

export interface ClientServerOptions {
  readonly host: string;
  readonly port: number;
  readonly coordinator: Coordinator;
  readonly ops: OpsDeps;
  readonly logger: Logger;
  /** Largest HTTP request body or WebSocket message accepted, in bytes. */
  readonly requestBytesMax: number;
  readonly connectionsMax: number;
  /** Interval of WebSocket pings; a peer that misses a pong for as long is dropped. */
  readonly webSocketPingMs: number;
}

export interface ClientServer {
  readonly server: Server;
  close(): Promise<void>;
}

function setCors(res: ServerResponse): void {
  res.setHeader("access-control-allow-origin", "*");
  res.setHeader("access-control-allow-headers", "content-type, trpc-accept");
  res.setHeader("access-control-allow-methods", "GET, POST, OPTIONS");
}

export async function startClientServer(options: ClientServerOptions): Promise<ClientServer> {
  const createContext = (): ApiContext => ({ coordinator: options.coordinator });
  const trpcHandler = createHTTPHandler({
    router: appRouter,
    createContext,
    maxBodySize: options.requestBytesMax,
    maxBatchSize: HTTP_BATCH_CALLS_MAX,
    onError: ({ error, path }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") options.logger.error({ err: error, path }, "API call failed");
    },
  });

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    setCors(res);
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
    trpcHandler(req, res);
  });
  server.maxConnections = options.connectionsMax;

  const wss = new WebSocketServer({ server, maxPayload: options.requestBytesMax });
  const pacer = new MessagePacer();
  wss.on("connection", (ws) => pacer.attach(ws));
  const wsHandler = applyWSSHandler({
    wss,
    router: appRouter,
    createContext,
    // The PONG to our PING arrives only after the client has read everything sent before the PING:
    // a client busy with thousands of answers on a loaded machine may take many seconds. Only a
    // connection that stays silent that long is dead (sessions have their own, tighter timeout).
    keepAlive: { enabled: true, pingMs: options.webSocketPingMs, pongWaitMs: WEBSOCKET_PONG_WAIT_MS },
  });

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

/**
 * The Node entry (the package's "node" export condition): the same API as index.ts, with `connect`
 * defaulting to the `ws` WebSocket (Node 20 has no global one) and to this process's host name and
 * pid for holder metadata.
 */
import { hostname } from "node:os";
import WebSocket from "ws";
import { type ConnectOptions, KeelClient } from "./client.js";
import type { WebSocketConstructor } from "./transport.js";

export * from "./index.js";

export function connect(options: ConnectOptions): Promise<KeelClient> {
  return KeelClient.connect({
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    processInfo: { host: hostname(), pid: process.pid },
    ...options,
  });
}

/**
 * tRPC clients for tests and tools: HTTP for calls, WebSocket for subscriptions. Node 20 has no
 * global WebSocket, so the `ws` implementation is passed in (stack.md gotcha 10).
 */
import type { AppRouter } from "@keel/api";
import {
  createTRPCClient,
  createWSClient,
  httpLink,
  splitLink,
  type TRPCClient,
  type TRPCWebSocketClient,
  wsLink,
} from "@trpc/client";
import WebSocket from "ws";

export type KeelHttpClient = TRPCClient<AppRouter>;

export function httpClient(baseUrl: string): KeelHttpClient {
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: baseUrl })] });
}

export interface KeelWsClient {
  client: TRPCClient<AppRouter>;
  socket: TRPCWebSocketClient;
  close(): Promise<void>;
}

/** A client whose subscriptions go over one WebSocket (calls go over HTTP). */
export function wsClient(baseUrl: string, options: { retryDelayMs?: number } = {}): KeelWsClient {
  const retryDelayMs = options.retryDelayMs ?? 200;
  const socket = createWSClient({
    url: baseUrl.replace(/^http/, "ws"),
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    retryDelayMs: () => retryDelayMs,
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: wsLink({ client: socket }),
        false: httpLink({ url: baseUrl }),
      }),
    ],
  });
  return { client, socket, close: () => socket.close() };
}

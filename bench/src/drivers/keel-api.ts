/**
 * Keel's two client paths, both on the public API only (docs/api.md):
 * - WebSocket: tRPC's wsLink over one `ws` socket per connection; calls and subscriptions are
 *   multiplexed on it (the way ZooKeeper and etcd clients use one connection).
 * - HTTP: the documented raw form (POST /<procedure> with a JSON body, GET /<procedure>?input=),
 *   with Node's fetch, which keeps connections alive. HTTP/1.1 has one call in flight per
 *   connection, so N outstanding calls use up to N keep-alive connections.
 */
import type { AppRouter } from "@keel/api";
import { createTRPCClient, createWSClient, type TRPCClient, type TRPCWebSocketClient, wsLink } from "@trpc/client";
import WebSocket from "ws";

export interface KeelWs {
  client: TRPCClient<AppRouter>;
  socket: TRPCWebSocketClient;
}

export function keelWs(clientUrl: string): KeelWs {
  const socket = createWSClient({
    url: clientUrl.replace(/^http/, "ws"),
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    retryDelayMs: () => 100,
  });
  return { client: createTRPCClient<AppRouter>({ links: [wsLink({ client: socket })] }), socket };
}

export class KeelApiError extends Error {
  constructor(
    message: string,
    readonly keelCode: string | undefined,
  ) {
    super(message);
  }
}

/** The keelCode of a tRPC (WS) or raw HTTP error, if it has one. */
export function keelCodeOf(error: unknown): string | undefined {
  if (error instanceof KeelApiError) return error.keelCode;
  const data = (error as { data?: { keelCode?: unknown } } | undefined)?.data;
  return typeof data?.keelCode === "string" ? data.keelCode : undefined;
}

type Envelope<T> = { result?: { data: T }; error?: { message: string; data?: { keelCode?: string } } };

async function unwrap<T>(response: Response): Promise<T> {
  const body = (await response.json()) as Envelope<T>;
  if (body.error) throw new KeelApiError(body.error.message, body.error.data?.keelCode);
  if (!body.result) throw new KeelApiError(`HTTP ${response.status} without a result`, undefined);
  return body.result.data;
}

export async function httpMutation<T>(clientUrl: string, procedure: string, input: unknown): Promise<T> {
  const response = await fetch(`${clientUrl}/${procedure}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  return unwrap<T>(response);
}

export async function httpQuery<T>(clientUrl: string, procedure: string, input: unknown): Promise<T> {
  const response = await fetch(`${clientUrl}/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`);
  return unwrap<T>(response);
}

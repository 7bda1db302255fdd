/**
 * Keel's two client paths, both on the public API only (docs/api.md):
 * - WebSocket: the SDK's tRPC link (`SocketLink`, @keel/client) over one `ws` socket per
 *   connection; calls and subscriptions are multiplexed on it (the way ZooKeeper and etcd clients
 *   use one connection). A socket that dies is replaced 100 ms later, as a client library would.
 * - HTTP: the documented raw form (POST /<procedure> with a JSON body, GET /<procedure>?input=),
 *   with Node's fetch, which keeps connections alive. HTTP/1.1 has one call in flight per
 *   connection, so N outstanding calls use up to N keep-alive connections.
 */
import type { AppRouter } from "@keel/api";
import { type LinkWebSocket, SocketLink } from "@keel/client";
import type { TRPCClient } from "@trpc/client";
import WebSocket from "ws";

/** The server's default cap on one WebSocket message (its requestBytesMax). */
const REQUEST_BYTES_MAX = 2 * 1024 * 1024;
const RECONNECT_DELAY_MS = 100;

export interface KeelWs {
  client: TRPCClient<AppRouter>;
  close(): void;
}

export function keelWs(clientUrl: string): KeelWs {
  const url = clientUrl.replace(/^http/, "ws");
  let closed = false;
  const open = (): SocketLink => {
    let opened = false;
    return new SocketLink({
      socket: new WebSocket(url) as unknown as LinkWebSocket,
      requestBytesMax: REQUEST_BYTES_MAX,
      onOpen: () => {
        opened = true;
      },
      // A socket that was up is replaced at once; one that never connected, after a pause.
      onDead: () => {
        if (!closed) setTimeout(() => (current = open()), opened ? 0 : RECONNECT_DELAY_MS);
      },
    });
  };
  let current = open();
  // One client for the bench's lifetime; each call goes to whichever socket is current.
  const client = new Proxy({} as TRPCClient<AppRouter>, {
    get: (_target, key) => Reflect.get(current.client, key),
  });
  return {
    client,
    close() {
      closed = true;
      current.close("closed by the bench");
    },
  };
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

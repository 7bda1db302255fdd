/**
 * One tRPC client per ensemble member: subscriptions over the member's WebSocket (live data, no
 * polling), everything else over HTTP batches. Clients are cached per URL for the page's life, so
 * every component that talks to a member shares its one socket.
 */
import type { AppRouter } from "@keel/api";
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  type TRPCClient,
  type TRPCWebSocketClient,
  wsLink,
} from "@trpc/client";

export type KeelClient = TRPCClient<AppRouter>;

export interface MemberClient {
  readonly url: string;
  readonly client: KeelClient;
  readonly socket: TRPCWebSocketClient;
}

/** A dead member is retried quickly so that a restarted one turns green within a second or two. */
const RECONNECT_DELAY_MS_MAX = 1000;

const clients = new Map<string, MemberClient>();

export function webSocketUrlOf(httpUrl: string): string {
  return httpUrl.replace(/^http(s?):\/\//, "ws$1://").replace(/\/+$/, "");
}

export function memberClient(url: string): MemberClient {
  const cached = clients.get(url);
  if (cached !== undefined) return cached;
  const socket = createWSClient({
    url: webSocketUrlOf(url),
    retryDelayMs: (attempt) => Math.min(RECONNECT_DELAY_MS_MAX, 100 * 2 ** attempt),
  });
  const client = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: wsLink({ client: socket }),
        false: httpBatchLink({ url }),
      }),
    ],
  });
  const member = { url, client, socket };
  clients.set(url, member);
  return member;
}

/**
 * One tRPC client per ensemble member: subscriptions over the member's WebSocket (live data, no
 * polling), everything else over HTTP batches. Clients are cached per URL, so every component that
 * talks to a member shares its one socket.
 *
 * Credentials (docs/console.md, "Logging in"): once the console has logged in to a member's host,
 * its HTTP calls carry the host's `keel_session` cookie (fetch `credentials: "include"`) and the
 * CSRF token as `x-keel-csrf`; the WebSocket upgrade carries the cookie by itself. Before that, calls
 * go without credentials, exactly as a console without auth did, so members that were not told the
 * console's origin (`--console-origins`, needed for credentialed CORS) keep working. A socket's
 * identity is fixed when it opens, so a login or logout must `resetMemberClients()`.
 */
import type { AppRouter } from "@keel/api";
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  httpLink,
  splitLink,
  type TRPCClient,
  type TRPCWebSocketClient,
  wsLink,
} from "@trpc/client";
import { sessionForMember } from "./host-sessions";

export type KeelClient = TRPCClient<AppRouter>;

export interface MemberClient {
  readonly url: string;
  readonly client: KeelClient;
  readonly socket: TRPCWebSocketClient;
}

/** A dead member is retried quickly so that a restarted one turns green within a second or two. */
const RECONNECT_DELAY_MS_MAX = 1000;

/** The header a cookie-authenticated mutation must carry (docs/security.md, CSRF). */
export const CSRF_HEADER = "x-keel-csrf";

const clients = new Map<string, MemberClient>();

export function webSocketUrlOf(httpUrl: string): string {
  return httpUrl.replace(/^http(s?):\/\//, "ws$1://").replace(/\/+$/, "");
}

/** The CSRF header for member `url`'s host, when the console is logged in there. */
function credentialHeaders(url: string): Record<string, string> {
  const session = sessionForMember(url);
  return session === undefined ? {} : { [CSRF_HEADER]: session.csrfToken };
}

/** fetch with the cookie when logged in to the member's host (always, for `auth.login`/`auth.logout`). */
function credentialedFetch(url: string, always: boolean) {
  return (input: RequestInfo | URL, init?: unknown): Promise<Response> =>
    fetch(input, {
      ...(init as RequestInit | undefined),
      credentials: always || sessionForMember(url) !== undefined ? "include" : "same-origin",
    });
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
        false: httpBatchLink({
          url,
          headers: () => credentialHeaders(url),
          fetch: credentialedFetch(url, false),
        }),
      }),
    ],
  });
  const member = { url, client, socket };
  clients.set(url, member);
  return member;
}

/**
 * A one-call HTTP client for logging in and out: always credentialed, since the answer's
 * Set-Cookie is only stored (and the cookie only sent) by a credentialed cross-origin fetch.
 */
export function loginClient(url: string): KeelClient {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url, headers: () => credentialHeaders(url), fetch: credentialedFetch(url, true) })],
  });
}

/**
 * Closes every member's socket and forgets the clients: the next `memberClient(url)` opens a new
 * socket, whose upgrade carries the cookie the browser holds now (identity is fixed per socket).
 */
export function resetMemberClients(): void {
  for (const member of clients.values()) member.socket.close();
  clients.clear();
}

/**
 * Clients that carry credentials, for the client-authentication integration tests
 * (docs/security.md, "Client authentication"): a tRPC HTTP client with fixed headers, a tRPC
 * client whose every call goes over one WebSocket opened with headers on its upgrade (Node's `ws`
 * can send them; a browser's cannot), and a raw HTTP call that shows the status, the response
 * headers (Set-Cookie) and can leave from another loopback address (127.0.0.2: another client
 * address to the server, for ip ACLs and per-address limits).
 */
import { request } from "node:http";
import type { AppRouter } from "@keel/api";
import { basicAuth, Ensemble, type EnsembleOptions, httpClient, type KeelHttpClient } from "@keel/testkit";
import { createTRPCClient, createWSClient, type TRPCClient, wsLink } from "@trpc/client";
import WebSocket from "ws";

export type Headers = Readonly<Record<string, string>>;

export function bearer(token: string): Headers {
  return { authorization: `Bearer ${token}` };
}

/** The password the tests give user `name`. */
export function passwordOf(name: string): string {
  return `${name}-secret-password`;
}

/** A tRPC client over HTTP sending `headers` with every request (testkit's httpClient). */
export function httpClientWith(baseUrl: string, headers: Headers): KeelHttpClient {
  return httpClient(baseUrl, { headers });
}

/** Super's client (Basic super:<password>) on `baseUrl`. */
export function superClient(ensemble: Ensemble, baseUrl: string): KeelHttpClient {
  const password = ensemble.superPassword;
  if (password === undefined) throw new Error("the ensemble was started without a super password");
  return httpClientWith(baseUrl, basicAuth("super", password));
}

/** A user's client by password. */
export function userClient(baseUrl: string, name: string): KeelHttpClient {
  return httpClientWith(baseUrl, basicAuth(name, passwordOf(name)));
}

/**
 * A one-member ensemble started with `options` (a super password at least), its client URL, and
 * `users` added by super, each with its passwordOf.
 */
export async function startWithUsers(
  options: EnsembleOptions,
  users: Readonly<Record<string, "viewer" | "operator" | "admin">>,
): Promise<{ ensemble: Ensemble; url: string }> {
  const ensemble = await Ensemble.start({ voters: 1, superPassword: true, ...options });
  await ensemble.waitForLeader();
  const url = ensemble.members[0]?.clientUrl as string;
  const admin = superClient(ensemble, url);
  for (const [name, role] of Object.entries(users)) {
    await admin.auth.users.add.mutate({ name, password: passwordOf(name), role });
  }
  return { ensemble, url };
}

export interface SocketClient {
  client: TRPCClient<AppRouter>;
  close(): Promise<void>;
}

/** Every call (queries and mutations too) over one WebSocket whose upgrade carries `headers`. */
export function socketClientWith(baseUrl: string, headers: Headers = {}): SocketClient {
  class HeaderSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: { ...headers } });
    }
  }
  const socket = createWSClient({
    url: baseUrl.replace(/^http/, "ws"),
    WebSocket: HeaderSocket as unknown as typeof globalThis.WebSocket,
    retryDelayMs: () => 200,
  });
  const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: socket })] });
  return { client, close: () => socket.close() };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
  /** The Keel error code in the body, when the call failed with one. */
  keelCode: string | undefined;
  message: string | undefined;
}

/**
 * One tRPC call by hand (no batching): a query is `GET /<procedure>?input=<json>`, a mutation
 * `POST /<procedure>` with the JSON input as body.
 */
export function rawCall(
  baseUrl: string,
  procedure: string,
  options: {
    type: "query" | "mutation";
    input?: unknown;
    headers?: Headers;
    /** Leave from this local address (any 127.x.y.z reaches the server's 127.0.0.1). */
    localAddress?: string;
  },
): Promise<RawAnswer> {
  const url = new URL(`/${procedure}`, baseUrl);
  const body = options.type === "mutation" ? JSON.stringify(options.input ?? null) : undefined;
  if (options.type === "query" && options.input !== undefined)
    url.searchParams.set("input", JSON.stringify(options.input));
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.type === "query" ? "GET" : "POST",
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...options.headers,
        },
        ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // Not JSON (a refusal by Node's HTTP parser, say): keep the text.
          }
          const error = (parsed as { error?: { message?: string; data?: { keelCode?: string } } } | null)?.error;
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: parsed,
            keelCode: error?.data?.keelCode ?? undefined,
            message: error?.message,
          });
        });
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** The `data` of a successful raw call's answer. */
export function resultOf<T = unknown>(answer: RawAnswer): T {
  const result = (answer.body as { result?: { data?: T } } | null)?.result;
  if (result === undefined) throw new Error(`call failed: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  return result.data as T;
}

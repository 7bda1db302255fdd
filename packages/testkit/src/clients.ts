/**
 * tRPC clients for tests and tools: HTTP for calls, WebSocket for subscriptions. Node 20 has no
 * global WebSocket, so the `ws` implementation is passed in (stack.md gotcha 10).
 */
import type { AppRouter, StatView } from "@keel/api";
import {
  createTRPCClient,
  createWSClient,
  httpLink,
  splitLink,
  type TRPCClient,
  TRPCClientError,
  type TRPCWebSocketClient,
  wsLink,
} from "@trpc/client";
import WebSocket from "ws";

export type KeelHttpClient = TRPCClient<AppRouter>;

/** `headers`: sent with every call, e.g. `basicAuth("super", password)`. */
export function httpClient(baseUrl: string, options: { headers?: Record<string, string> } = {}): KeelHttpClient {
  const { headers } = options;
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: baseUrl, ...(headers === undefined ? {} : { headers }) })],
  });
}

/** An `authorization` header with a user's password (HTTP Basic), for httpClient's `headers`. */
export function basicAuth(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
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

// --- retrying by the error contract (docs/errors.md) ----------------------------------------

/** What the server said a caller may do (`data.retry`), or what a network failure implies. */
export type RetryClass = "safe" | "unknown" | "final";

export function keelCodeOf(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data = error.data as { keelCode?: string | null } | undefined;
  return data?.keelCode ?? undefined;
}

/** A failed connect never sent the request; any other network failure may have delivered it. */
function refusedBeforeSending(error: TRPCClientError<never>): boolean {
  const cause = (error.cause as { cause?: { code?: unknown } } | undefined)?.cause;
  return cause?.code === "ECONNREFUSED";
}

export function retryClassOf(error: unknown): RetryClass {
  if (!(error instanceof TRPCClientError)) return "final";
  const data = error.data as { retry?: RetryClass | null } | undefined;
  if (data?.retry === "safe" || data?.retry === "unknown" || data?.retry === "final") return data.retry;
  if (data === undefined || data === null) return refusedBeforeSending(error) ? "safe" : "unknown";
  return "final";
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface RetryOptions {
  /** Give up (rethrow the last error) after this long. */
  readonly timeoutMs?: number;
  readonly delayMs?: number;
}

/**
 * Retries `call` only while it is refused without effect (NOTREADY, THROTTLEDOP, connection
 * refused). An outcome-unknown error is rethrown: repeating a write that may have applied could
 * apply it twice. Use writeOnce (or createOnce) for writes, retryRead for reads.
 */
export async function retrySafe<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  return retryWhile(call, (error) => retryClassOf(error) === "safe", options);
}

/** Reads change nothing, so every transient failure (safe or outcome-unknown) is retried. */
export async function retryRead<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  return retryWhile(call, (error) => retryClassOf(error) !== "final", options);
}

async function retryWhile<T>(
  call: () => Promise<T>,
  retryable: (error: unknown) => boolean,
  options: RetryOptions,
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!retryable(error) || Date.now() > deadline) throw error;
      await pause(options.delayMs ?? 100);
    }
  }
}

/**
 * Applies a write at most once: retries refusals that are safe to retry; after an outcome-unknown
 * error it first asks `readBack` (a read, itself retried) whether the write took effect, returns
 * what it found if so, and only otherwise writes again.
 */
export async function writeOnce<T>(
  write: () => Promise<T>,
  readBack: () => Promise<T | undefined>,
  options: RetryOptions = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    try {
      return await write();
    } catch (error) {
      const retry = retryClassOf(error);
      if (retry === "final" || Date.now() > deadline) throw error;
      if (retry === "unknown") {
        const found = await retryRead(readBack, options);
        if (found !== undefined) return found;
      }
      await pause(options.delayMs ?? 100);
    }
  }
}

/**
 * Creates a (non-sequential) node at most once; after an outcome-unknown error the node's presence
 * (a linearizable read) tells whether the create applied. A sequential create cannot be read back
 * by its path: use writeOnce with a read that recognizes the node (by its data, say).
 */
export async function createOnce(
  client: KeelHttpClient,
  input: Parameters<KeelHttpClient["node"]["create"]["mutate"]>[0],
  options: RetryOptions = {},
): Promise<{ path: string; stat: StatView }> {
  if (input.kind?.endsWith("sequential"))
    throw new Error("createOnce: a sequential create cannot be read back by path");
  return writeOnce(
    () => client.node.create.mutate(input),
    async () => {
      try {
        const node = await client.node.get.query({ path: input.path, linearizable: true });
        return { path: node.path, stat: node.stat };
      } catch (error) {
        if (keelCodeOf(error) === "NONODE") return undefined;
        throw error;
      }
    },
    options,
  );
}

/**
 * A watch stream that survives the loss of a member: one WebSocket to one server at a time; when
 * the connection closes or the server stops serving (NOTREADY), it resubscribes on the next
 * server with `afterZxid` = the last zxid it delivered, so the server replays exactly the events
 * after it (docs/api.md, "Watch streams"): none missed, none repeated. It gives up when no server
 * takes the stream for `outageMaxMs`, or at once on a final error (the resume zxid left the
 * server's history: BADARGUMENTS).
 */
import type { AppRouter, DeleteCauseView, WatchMode } from "@keel/api";
import { createTRPCClient, createWSClient, wsLink } from "@trpc/client";
import WebSocket from "ws";
import { CliError } from "./cli-error.js";
import type { WebSocketClass } from "./connection.js";
import { classify } from "./remote.js";

/** Why a node was deleted (docs/api.md, "Deletion causes"); absent on older servers. */
export type DeleteCause = DeleteCauseView;

/** An event as received. `type` is open: clients must ignore types they do not know (Progress). */
export interface StreamEvent {
  readonly type: string;
  readonly path: string;
  readonly zxid: string;
  readonly cause?: DeleteCause;
}

export interface WatchStreamOptions {
  readonly servers: readonly string[];
  /** The `ws` class to connect with (connection.ts binds credentials and CA into it); default plain `ws`. */
  readonly WebSocket?: WebSocketClass;
  readonly path: string;
  readonly mode: WatchMode;
  readonly afterZxid?: string;
  readonly signal: AbortSignal;
  /** Give up after this long without any server accepting the stream. */
  readonly outageMaxMs: number;
  /** Return true to stop the stream (e.g. after --count events). */
  onEvent(event: StreamEvent): boolean;
  onMove?(from: string, reason: string): void;
}

export type WatchEnd = "completed" | "aborted" | "stopped";

type Attempt =
  | { kind: "completed" | "aborted" | "stopped" }
  | { kind: "failed"; opened: boolean; keelCode: string | undefined; message: string; final: boolean };

/** Codes after which no other server can do better. */
const FINAL_CODES = new Set(["BADARGUMENTS", "QUOTAEXCEEDED", "NOAUTH", "AUTHFAILED"]);

export async function runWatchStream(options: WatchStreamOptions): Promise<WatchEnd> {
  let last = options.afterZxid;
  let index = 0;
  let outageSince: number | undefined;
  for (;;) {
    const server = options.servers[index % options.servers.length] as string;
    const attempt = await oneConnection(server, last, options, (zxid) => {
      last = zxid;
    });
    if (attempt.kind !== "failed") return attempt.kind;
    if (attempt.final) throw new CliError(`${attempt.message} (${server})`, 1, attempt.keelCode);
    if (attempt.opened) outageSince = undefined;
    outageSince ??= Date.now();
    if (Date.now() - outageSince > options.outageMaxMs)
      throw new CliError(
        `no server took the watch for ${options.outageMaxMs} ms (last: ${server}: ${attempt.message})`,
        1,
        attempt.keelCode ?? "CONNECTIONLOSS",
      );
    options.onMove?.(server, attempt.message);
    index += 1;
    // A full round of refusals: pause before the next, the ensemble may be electing.
    if (index % options.servers.length === 0) await pause(300, options.signal);
    if (options.signal.aborted) return "aborted";
  }
}

function oneConnection(
  server: string,
  afterZxid: string | undefined,
  options: WatchStreamOptions,
  delivered: (zxid: string) => void,
): Promise<Attempt> {
  return new Promise<Attempt>((resolve) => {
    let settled = false;
    let opened = false;
    // Declared before use: a callback may fire before the objects below exist.
    let openTimer: NodeJS.Timeout | undefined;
    let subscription: { unsubscribe(): void } | undefined;
    let socket: { close(): Promise<void> } | undefined;
    const finish = (attempt: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(openTimer);
      options.signal.removeEventListener("abort", onAbort);
      subscription?.unsubscribe();
      void socket?.close();
      resolve(attempt);
    };
    const failed = (message: string, keelCode: string | undefined, final = false) =>
      finish({ kind: "failed", opened, keelCode, message, final });
    const onAbort = () => finish({ kind: "aborted" });

    const wsClient = createWSClient({
      url: server.replace(/^http/, "ws"),
      WebSocket: (options.WebSocket ?? WebSocket) as unknown as typeof globalThis.WebSocket,
      onOpen: () => {
        opened = true;
        clearTimeout(openTimer);
      },
      // tRPC would reconnect to the same server and resubscribe; this stream moves on instead.
      onClose: () => failed("connection closed", "CONNECTIONLOSS"),
    });
    socket = wsClient;
    openTimer = setTimeout(
      () => failed("no WebSocket connection", "CONNECTIONLOSS"),
      Math.min(options.outageMaxMs, 5_000),
    );
    const client = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient })] });
    subscription = client.watch.events.subscribe(
      { path: options.path, mode: options.mode, ...(afterZxid === undefined ? {} : { afterZxid }) },
      {
        onData: ({ data }) => {
          const event = data as StreamEvent;
          delivered(event.zxid);
          if (options.onEvent(event)) finish({ kind: "stopped" });
        },
        onError: (error) => {
          const failure = classify(error);
          failed(failure.message, failure.keelCode, FINAL_CODES.has(failure.keelCode ?? ""));
        },
        onComplete: () => finish({ kind: "completed" }),
      },
    );
    if (settled) subscription.unsubscribe();
    options.signal.addEventListener("abort", onAbort, { once: true });
    if (options.signal.aborted) onAbort();
  });
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * One WebSocket to one member, carrying every call and subscription of the client (tRPC v11's
 * wsLink). It never reconnects by itself: when the socket closes the connection is dead for good
 * and the client opens a new one, possibly to another member, and re-establishes the session and
 * every watch with up-to-date resume points (tRPC's own reconnect would resend stale inputs such
 * as an old `lastZxidSeen`).
 *
 * The server caps one WebSocket message at its `requestBytesMax`, and tRPC's wsClient packs every
 * call queued in the same tick into one message. A message over the cap would make the server
 * close the socket (and fail every call on it), so the socket class here splits an oversized batch
 * into several messages, each under the cap; a single call over the cap is refused before sending
 * (see `checkRequestSize`).
 */
import type { AppRouter } from "@keel/api";
import { createTRPCClient, createWSClient, type TRPCClient, type TRPCWebSocketClient, wsLink } from "@trpc/client";
import { utf8Length } from "./bytes.js";
import { BadArgumentsError } from "./errors.js";

/** The subset of the WebSocket constructor the SDK needs: the browser's, or `ws` in Node 20. */
export type WebSocketConstructor = abstract new (
  url: string,
  protocols?: string | string[],
) => {
  send(data: string): void;
};

export type KeelTrpc = TRPCClient<AppRouter>;

/** Bytes reserved for a call's envelope (`{"id":…,"method":…,"params":{"path":…,"input":…}}`). */
export const ENVELOPE_BYTES = 512;

/** Refuses, before sending, a call whose input cannot fit in one WebSocket message. */
export function checkRequestSize(input: unknown, requestBytesMax: number, path?: string): void {
  const json = JSON.stringify(input) ?? "";
  // Cheap bound first: UTF-8 takes at most 3 bytes per UTF-16 unit.
  if (json.length * 3 + ENVELOPE_BYTES <= requestBytesMax) return;
  const bytes = utf8Length(json) + ENVELOPE_BYTES;
  if (bytes > requestBytesMax) {
    throw new BadArgumentsError(
      `the request is ${bytes} bytes, over the ${requestBytesMax}-byte message limit (requestBytesMax); send less data`,
      path,
    );
  }
}

/**
 * Greedily packs `parts` (already-encoded JSON messages) into groups whose JSON array fits in
 * `maxBytes`. A part over the limit goes alone (checkRequestSize keeps that from happening).
 */
export function packMessages(parts: readonly string[], sizes: readonly number[], maxBytes: number): string[] {
  const out: string[] = [];
  let group: string[] = [];
  let groupBytes = 2; // "[" and "]"
  for (let index = 0; index < parts.length; index++) {
    const part = parts[index] as string;
    const size = sizes[index] as number;
    const added = size + (group.length > 0 ? 1 : 0);
    if (group.length > 0 && groupBytes + added > maxBytes) {
      out.push(group.length === 1 ? (group[0] as string) : `[${group.join(",")}]`);
      group = [];
      groupBytes = 2;
    }
    group.push(part);
    groupBytes += size + (group.length > 1 ? 1 : 0);
  }
  if (group.length > 0) out.push(group.length === 1 ? (group[0] as string) : `[${group.join(",")}]`);
  return out;
}

/** A WebSocket class whose `send` splits a batch larger than `maxBytes` into several messages. */
export function sizeCappedWebSocket(Base: WebSocketConstructor, maxBytes: number): typeof globalThis.WebSocket {
  const BaseClass = Base as unknown as new (url: string, protocols?: string | string[]) => { send(data: string): void };
  class SizeCappedWebSocket extends BaseClass {
    override send(data: string): void {
      if (typeof data !== "string" || data.length * 3 <= maxBytes || data[0] !== "[") {
        super.send(data);
        return;
      }
      if (utf8Length(data) <= maxBytes) {
        super.send(data);
        return;
      }
      const messages = JSON.parse(data) as unknown[];
      const parts = messages.map((message) => JSON.stringify(message));
      const sizes = parts.map((part) => utf8Length(part));
      for (const message of packMessages(parts, sizes, maxBytes)) super.send(message);
    }
  }
  return SizeCappedWebSocket as unknown as typeof globalThis.WebSocket;
}

export interface MemberConnectionOptions {
  readonly url: string;
  readonly WebSocket: WebSocketConstructor;
  readonly requestBytesMax: number;
  /** Called once, when the socket closes or fails (after tRPC failed the calls in flight). */
  readonly onDead: (reason: string) => void;
}

/** A WebSocket URL for a member given as http(s):// or ws(s)://. */
export function webSocketUrl(member: string): string {
  return member.replace(/^http(s?):\/\//, "ws$1://").replace(/\/+$/, "");
}

export class MemberConnection {
  readonly trpc: KeelTrpc;
  readonly opened: Promise<void>;
  private readonly socket: TRPCWebSocketClient;
  private isDead = false;
  private isOpen = false;

  constructor(private readonly options: MemberConnectionOptions) {
    let resolveOpened: () => void = () => {};
    let rejectOpened: (error: Error) => void = () => {};
    this.opened = new Promise<void>((resolve, reject) => {
      resolveOpened = resolve;
      rejectOpened = reject;
    });
    // Never an unhandled rejection: callers that care await `opened`.
    this.opened.catch(() => undefined);
    const die = (reason: string) => {
      if (this.isDead) return;
      this.isDead = true;
      rejectOpened(new Error(`could not connect to ${options.url}: ${reason}`));
      // Stops tRPC's own reconnect and completes the subscriptions (their owners resume elsewhere).
      this.socket.close().catch(() => undefined);
      options.onDead(reason);
    };
    this.socket = createWSClient({
      url: webSocketUrl(options.url),
      WebSocket: sizeCappedWebSocket(options.WebSocket, options.requestBytesMax),
      retryDelayMs: () => 60_000,
      onOpen: () => {
        this.isOpen = true;
        resolveOpened();
      },
      onClose: (cause) => die(`the connection closed${cause?.code === undefined ? "" : ` (code ${cause.code})`}`),
      onError: () => die("the connection failed"),
    });
    this.trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client: this.socket })] });
  }

  get url(): string {
    return this.options.url;
  }

  get dead(): boolean {
    return this.isDead;
  }

  get open(): boolean {
    return this.isOpen && !this.isDead;
  }

  /** Closes the socket; in-flight calls fail, subscriptions complete. Idempotent. */
  close(reason = "closed by the client"): void {
    if (this.isDead) return;
    this.isDead = true;
    this.socket.close().catch(() => undefined);
    this.options.onDead(reason);
  }
}

/**
 * One WebSocket to one member, carrying every call and subscription of the client (ws-link.ts).
 * It never reconnects by itself: when the socket closes the connection is dead for good and the
 * client opens a new one, possibly to another member, and re-establishes the session and every
 * watch with up-to-date resume points (a transport-level reconnect would resend stale inputs such
 * as an old `lastZxidSeen`).
 *
 * The server caps one WebSocket message at its `requestBytesMax`: the link splits a batch of calls
 * into messages under the cap, and a single call over the cap is refused before sending
 * (`checkRequestSize`).
 */
import type { AppRouter } from "@keel/api";
import type { TRPCClient } from "@trpc/client";
import { utf8Length } from "./bytes.js";
import { AuthFailedError, BadArgumentsError } from "./errors.js";
import { type LinkWebSocket, SocketLink } from "./ws-link.js";

/**
 * What the SDK may pass besides the URL: the upgrade request's headers (credentials). `ws` takes
 * them as `new WebSocket(url, { headers })`; a browser's WebSocket cannot send headers at all, so
 * the SDK passes this argument only when there are headers to send (docs/client.md, "Authentication").
 */
export interface WebSocketOptions {
  readonly headers?: Readonly<Record<string, string>>;
}

/** The WebSocket constructor the SDK needs: the browser's, or `ws` in Node 20. */
export type WebSocketConstructor = new (url: string, options?: WebSocketOptions) => LinkWebSocket;

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

export interface MemberConnectionOptions {
  readonly url: string;
  readonly WebSocket: WebSocketConstructor;
  readonly requestBytesMax: number;
  /** Headers of the upgrade request (the credentials); none for an anonymous client. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Called once, when the socket closes or fails (after the calls in flight failed). */
  readonly onDead: (reason: string) => void;
}

/** A WebSocket URL for a member given as http(s):// or ws(s)://. */
export function webSocketUrl(member: string): string {
  return member.replace(/^http(s?):\/\//, "ws$1://").replace(/\/+$/, "");
}

/**
 * Why a socket did not open. A member that refuses the upgrade itself with 401 (rather than
 * answering the first call with AUTHFAILED) refused the credentials: every member would, so that
 * is a typed AuthFailedError the client does not retry; anything else is a plain failure to move on from.
 */
export function openFailure(url: string, reason: string): Error {
  if (/\b401\b/.test(reason)) return new AuthFailedError(`${url} refused the credentials: ${reason}`);
  return new Error(`could not connect to ${url}: ${reason}`);
}

export class MemberConnection {
  readonly trpc: KeelTrpc;
  readonly opened: Promise<void>;
  private readonly link: SocketLink;
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
    const url = webSocketUrl(options.url);
    const socket =
      options.headers === undefined
        ? new options.WebSocket(url)
        : new options.WebSocket(url, { headers: options.headers });
    this.link = new SocketLink({
      socket,
      requestBytesMax: options.requestBytesMax,
      onOpen: () => {
        this.isOpen = true;
        resolveOpened();
      },
      onDead: (reason) => {
        rejectOpened(openFailure(options.url, reason));
        options.onDead(reason);
      },
    });
    this.trpc = this.link.client;
  }

  get url(): string {
    return this.options.url;
  }

  get dead(): boolean {
    return this.link.dead;
  }

  get open(): boolean {
    return this.isOpen && !this.link.dead;
  }

  /** Closes the socket; in-flight calls fail, subscriptions complete. Idempotent. */
  close(reason = "closed by the client"): void {
    this.link.close(reason);
  }
}

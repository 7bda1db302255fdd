/**
 * The Node entry (the package's "node" export condition): the same API as index.ts, with `connect`
 * defaulting to the `ws` WebSocket (Node 20 has no global one) and to this process's host name and
 * pid for holder metadata. In Node, `tls` reaches members whose client port serves HTTPS/WSS with a
 * private CA, or that require a client certificate (docs/client.md, "TLS"), and `auth`'s header
 * rides on `ws`'s upgrade request (docs/client.md, "Authentication").
 */
import { hostname } from "node:os";
import WebSocket from "ws";
import { type ConnectOptions, KeelClient } from "./client.js";
import type { WebSocketConstructor, WebSocketOptions } from "./transport.js";

export * from "./index.js";

/** PEM text or bytes, as read from a file. */
export type PemInput = string | Uint8Array;

export interface TlsOptions {
  /** CA bundle the members' certificates must be signed by (default: Node's public CAs). */
  readonly ca?: PemInput;
  /** Client certificate, for members started with --client-tls-verify. */
  readonly cert?: PemInput;
  /** Private key of `cert`. */
  readonly key?: PemInput;
}

export interface NodeConnectOptions extends ConnectOptions {
  /** TLS settings for `https://` / `wss://` members. */
  readonly tls?: TlsOptions;
}

export function connect(options: NodeConnectOptions): Promise<KeelClient> {
  const { tls, ...rest } = options;
  return KeelClient.connect({
    WebSocket: tls === undefined ? (WebSocket as unknown as WebSocketConstructor) : webSocketWithTls(tls),
    processInfo: { host: hostname(), pid: process.pid },
    ...rest,
  });
}

/**
 * `ws` with the TLS settings bound in, since the SDK passes only the URL and (with `auth`) the
 * upgrade's headers.
 */
function webSocketWithTls(tls: TlsOptions): WebSocketConstructor {
  const settings = {
    ...(tls.ca === undefined ? {} : { ca: pemBuffer(tls.ca) }),
    ...(tls.cert === undefined ? {} : { cert: pemBuffer(tls.cert) }),
    ...(tls.key === undefined ? {} : { key: pemBuffer(tls.key) }),
  };
  class TlsWebSocket extends WebSocket {
    constructor(url: string, options: WebSocketOptions = {}) {
      super(url, options.headers === undefined ? settings : { ...settings, headers: { ...options.headers } });
    }
  }
  return TlsWebSocket as unknown as WebSocketConstructor;
}

function pemBuffer(input: PemInput): Buffer {
  return typeof input === "string" ? Buffer.from(input) : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
}

/**
 * A minimal ZooKeeper wire client over core's codec, for protocol-level tests of Keel's ZooKeeper
 * port: it sends exactly the frames a test asks for (including ones no library would send) and
 * records every frame the server sends back, in order, so a test can assert ordering, refusals and
 * closes. Not a client library: no reconnects, no retries.
 */
import { connect, type Socket } from "node:net";
import { type ConnectionOptions, connect as connectTls } from "node:tls";
import {
  type ConnectRequest,
  type ConnectResponse,
  type DecodedReply,
  decodeConnectResponse,
  decodeReply,
  encodeConnectRequest,
  encodeZkRequest,
  type ZkRequest,
} from "@keel/core";

/** ConnectRequest fields to override; `readOnly: undefined` sends an old client's 44-byte request. */
export type HandshakeOptions = { [K in keyof ConnectRequest]?: ConnectRequest[K] | undefined };

export type Received =
  | { readonly kind: "connect"; readonly response: ConnectResponse }
  | { readonly kind: "frame"; readonly reply: DecodedReply };

export class RawZkClient {
  readonly received: Received[] = [];
  private buffer = Buffer.alloc(0);
  private connected = false;
  /** Requests sent, by xid, so replies decode with the right record. */
  private readonly sentByXid = new Map<number, ZkRequest>();
  private nextXid = 1;
  closed = false;
  private readonly waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("close", () => {
      this.closed = true;
      this.wake();
    });
    socket.on("error", () => undefined);
  }

  /** `tls`: connect to a secure ZooKeeper port (zkSecurePort) with these options. */
  static open(port: number, tls?: ConnectionOptions): Promise<RawZkClient> {
    return new Promise((resolve, reject) => {
      const socket =
        tls === undefined
          ? connect({ host: "127.0.0.1", port }, () => resolve(new RawZkClient(socket)))
          : connectTls({ host: "127.0.0.1", port, ...tls }, () => resolve(new RawZkClient(socket)));
      socket.once("error", reject);
    });
  }

  /** Sends a ConnectRequest and waits for the ConnectResponse (or the close that refuses it). */
  async handshake(options: HandshakeOptions = {}): Promise<ConnectResponse | undefined> {
    const readOnly = "readOnly" in options ? options.readOnly : false;
    this.socket.write(
      encodeConnectRequest({
        protocolVersion: options.protocolVersion ?? 0,
        lastZxidSeen: options.lastZxidSeen ?? 0n,
        timeOut: options.timeOut ?? 10_000,
        sessionId: options.sessionId ?? 0n,
        passwd: options.passwd ?? new Uint8Array(16),
        ...(readOnly === undefined ? {} : { readOnly }),
      }),
    );
    await this.until(() => this.received.length > 0 || this.closed);
    const first = this.received[0];
    return first?.kind === "connect" ? first.response : undefined;
  }

  /** Sends `request` with the next xid (or `xid`); returns the xid used. */
  send(request: ZkRequest, xid?: number): number {
    const used = xid ?? this.nextXid++;
    this.sentByXid.set(used, request);
    this.socket.write(encodeZkRequest(used, request));
    return used;
  }

  writeRaw(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  /** The reply to `xid` once it arrived. */
  async reply(xid: number): Promise<Extract<DecodedReply, { kind: "reply" }>> {
    let found: Extract<DecodedReply, { kind: "reply" }> | undefined;
    await this.until(() => {
      found = this.replies().find((reply) => reply.header.xid === xid);
      return found !== undefined || this.closed;
    });
    if (found === undefined) throw new Error(`connection closed before the reply to xid ${xid}`);
    return found;
  }

  replies(): Extract<DecodedReply, { kind: "reply" }>[] {
    return this.received.flatMap((r) => (r.kind === "frame" && r.reply.kind === "reply" ? [r.reply] : []));
  }

  notifications(): Extract<DecodedReply, { kind: "notification" }>[] {
    return this.received.flatMap((r) => (r.kind === "frame" && r.reply.kind === "notification" ? [r.reply] : []));
  }

  async waitClosed(): Promise<void> {
    await this.until(() => this.closed);
  }

  close(): void {
    this.socket.destroy();
  }

  /** Waits (event-driven, no polling sleeps) until `condition` holds. */
  until(condition: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (condition()) resolve();
        else this.waiters.push(check);
      };
      check();
    });
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 4) {
      const length = this.buffer.readInt32BE(0);
      if (this.buffer.length < 4 + length) break;
      const body = new Uint8Array(this.buffer.subarray(4, 4 + length));
      this.buffer = this.buffer.subarray(4 + length);
      if (!this.connected) {
        this.connected = true;
        const decoded = decodeConnectResponse(body);
        if (!decoded.ok) throw new Error(`bad ConnectResponse: ${decoded.error}`);
        this.received.push({ kind: "connect", response: decoded.value });
        continue;
      }
      const xid = new DataView(body.buffer, body.byteOffset).getInt32(0);
      const decoded = decodeReply(body, this.sentByXid.get(xid));
      if (!decoded.ok) throw new Error(`bad reply to xid ${xid}: ${decoded.error}`);
      this.received.push({ kind: "frame", reply: decoded.value });
    }
    this.wake();
  }
}

/** Sends a four-letter word on a new connection and returns the whole text reply. */
export function fourLetterWord(port: number, word: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port }, () => socket.write(word));
    const chunks: Buffer[] = [];
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    socket.on("error", reject);
  });
}

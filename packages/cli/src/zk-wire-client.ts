/**
 * A small promise-based ZooKeeper client over node:net and @keel/core's wire codec
 * (docs/zookeeper-wire.md), for `keel zk-import`: one session on one connection, requests
 * pipelined and their replies matched strictly in order (§4.3), pings while idle so a long import
 * keeps its session, auth, close. No reconnects and no watches: an import that loses its connection
 * fails and is rerun with --skip-existing.
 */
import { connect, type Socket } from "node:net";
import {
  decodeConnectResponse,
  decodeReply,
  encodeConnectRequest,
  encodeZkRequest,
  errorCodeFromNumber,
  ZK_XID,
  type ZkAcl,
  type ZkRequest,
  type ZkResponse,
  type ZkStat,
} from "@keel/core";

/** Largest reply frame accepted: above ZooKeeper's default jute.maxbuffer, in case a server raised it. */
const REPLY_BYTES_MAX = 16 * 1024 * 1024;
/** Requests in flight at once on the connection; callers bound their own concurrency below this. */
const PENDING_REQUESTS_MAX = 4096;
/** Largest ordinary xid before wrapping to 1 (clients count up from 1, §4.3). */
const XID_MAX = 0x7fffffff;

/** A ZooKeeper reply with err != 0; `code` is ZooKeeper's name for it (NONODE, NOAUTH, …). */
export class ZkReplyError extends Error {
  readonly code: string;

  constructor(
    readonly err: number,
    readonly path: string | undefined,
  ) {
    const code = errorCodeFromNumber(err) ?? `error ${err}`;
    super(`ZooKeeper answered ${code}${path === undefined ? "" : ` for ${path}`}`);
    this.name = "ZkReplyError";
    this.code = code;
  }
}

/** The connection failed or closed; pending requests fail with this. */
export class ZkConnectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZkConnectionError";
  }
}

export interface ZkAddress {
  readonly host: string;
  readonly port: number;
}

/** `host:port[,host:port…]`, ZooKeeper's connect string without a chroot. */
export function parseConnectString(text: string): ZkAddress[] {
  const addresses = text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const match = /^(\[[^\]]+\]|[^:/]+):(\d{1,5})$/.exec(part);
      const port = Number(match?.[2]);
      if (match === null || port < 1 || port > 65535)
        throw new Error(`${JSON.stringify(part)} is not host:port (e.g. 127.0.0.1:2181)`);
      return { host: (match[1] as string).replace(/^\[|\]$/g, ""), port };
    });
  if (addresses.length === 0) throw new Error("no ZooKeeper address given (host:port[,host:port])");
  return addresses;
}

export interface ZkConnectOptions {
  readonly sessionTimeoutMs: number;
  /** Per-address limit for the TCP connect plus the ConnectResponse. */
  readonly connectTimeoutMs: number;
}

interface Pending {
  readonly request: ZkRequest;
  resolve(response: ZkResponse | undefined): void;
  reject(error: Error): void;
}

export class ZkWireClient {
  readonly #socket: Socket;
  #buffer: Buffer = Buffer.alloc(0);
  readonly #pending: Pending[] = [];
  #pendingAuth: Pending | undefined;
  #nextXid = 1;
  #failure: Error | undefined;
  readonly #pinger: NodeJS.Timeout;
  #lastSendMs = Date.now();

  private constructor(
    socket: Socket,
    readonly sessionId: bigint,
    readonly sessionTimeoutMs: number,
    readonly address: ZkAddress,
  ) {
    this.#socket = socket;
    socket.on("data", (chunk: Buffer) => this.#onData(chunk));
    socket.on("close", () => this.#fail(new ZkConnectionError(`connection to ${show(address)} closed`)));
    socket.on("error", (error) => this.#fail(new ZkConnectionError(`${show(address)}: ${error.message}`)));
    // ZooKeeper expires a session that sends nothing for its timeout; ping at a third of it when idle.
    const pingEveryMs = Math.max(100, Math.floor(sessionTimeoutMs / 3));
    this.#pinger = setInterval(() => {
      if (Date.now() - this.#lastSendMs >= pingEveryMs) this.#write(encodeZkRequest(ZK_XID.ping, { op: "ping" }));
    }, pingEveryMs);
    this.#pinger.unref();
  }

  /** Connects to the first address that accepts a session, in the order given. */
  static async connect(addresses: readonly ZkAddress[], options: ZkConnectOptions): Promise<ZkWireClient> {
    const failures: string[] = [];
    for (const address of addresses) {
      try {
        return await ZkWireClient.#open(address, options);
      } catch (error) {
        failures.push(`${show(address)}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    throw new ZkConnectionError(`no ZooKeeper server accepted a session (${failures.join("; ")})`);
  }

  static #open(address: ZkAddress, options: ZkConnectOptions): Promise<ZkWireClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: address.host, port: address.port });
      let buffer = Buffer.alloc(0);
      const fail = (message: string) => {
        cleanup();
        socket.destroy();
        reject(new Error(message));
      };
      const timer = setTimeout(
        () => fail(`no session within ${options.connectTimeoutMs} ms`),
        options.connectTimeoutMs,
      );
      const onData = (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        if (buffer.length < 4) return;
        const length = buffer.readInt32BE(0);
        if (length < 0 || length > REPLY_BYTES_MAX) return fail(`bad ConnectResponse length ${length}`);
        if (buffer.length < 4 + length) return;
        const decoded = decodeConnectResponse(new Uint8Array(buffer.subarray(4, 4 + length)));
        if (!decoded.ok) return fail(`bad ConnectResponse: ${decoded.error}`);
        if (decoded.value.timeOut <= 0) return fail("the server refused the session");
        cleanup();
        const client = new ZkWireClient(socket, decoded.value.sessionId, decoded.value.timeOut, address);
        // Frames behind the ConnectResponse in the same read belong to the session.
        if (buffer.length > 4 + length) client.#onData(buffer.subarray(4 + length));
        resolve(client);
      };
      const onError = (error: Error) => fail(error.message);
      // A server that is behind us or read-only closes without answering (§3.2).
      const onClose = () => fail("closed before the ConnectResponse");
      const cleanup = () => {
        clearTimeout(timer);
        socket.off("data", onData);
        socket.off("error", onError);
        socket.off("close", onClose);
      };
      socket.on("data", onData);
      socket.on("error", onError);
      socket.on("close", onClose);
      socket.once("connect", () =>
        socket.write(
          encodeConnectRequest({
            protocolVersion: 0,
            lastZxidSeen: 0n,
            timeOut: options.sessionTimeoutMs,
            sessionId: 0n,
            passwd: new Uint8Array(16),
            readOnly: false,
          }),
        ),
      );
    });
  }

  /** Sends one request; resolves with its response body, rejects with ZkReplyError on err != 0. */
  call(request: ZkRequest): Promise<ZkResponse | undefined> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#pending.length >= PENDING_REQUESTS_MAX)
      return Promise.reject(new Error(`more than ${PENDING_REQUESTS_MAX} ZooKeeper requests in flight`));
    return new Promise((resolve, reject) => {
      const xid = this.#nextXid;
      this.#nextXid = xid >= XID_MAX ? 1 : xid + 1;
      this.#pending.push({ request, resolve, reject });
      this.#write(encodeZkRequest(xid, request));
    });
  }

  async getChildren2(path: string): Promise<{ children: readonly string[]; stat: ZkStat }> {
    const response = await this.call({ op: "getChildren2", path, watch: false });
    if (response?.op !== "getChildren2") throw new Error(`unexpected reply to getChildren2 ${path}`);
    return { children: response.children, stat: response.stat };
  }

  async getData(path: string): Promise<{ data: Uint8Array | null; stat: ZkStat }> {
    const response = await this.call({ op: "getData", path, watch: false });
    if (response?.op !== "getData") throw new Error(`unexpected reply to getData ${path}`);
    return { data: response.data, stat: response.stat };
  }

  async getACL(path: string): Promise<{ acl: readonly ZkAcl[]; stat: ZkStat }> {
    const response = await this.call({ op: "getACL", path });
    if (response?.op !== "getACL") throw new Error(`unexpected reply to getACL ${path}`);
    return { acl: response.acl, stat: response.stat };
  }

  /** addAuthInfo: `digest` with `user:password`, etc. A failure closes the connection (§7). */
  addAuth(scheme: string, credentials: Uint8Array): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#pendingAuth !== undefined) return Promise.reject(new Error("one addAuth at a time"));
    const request: ZkRequest = { op: "auth", type: 0, scheme, auth: credentials };
    return new Promise((resolve, reject) => {
      this.#pendingAuth = { request, resolve: () => resolve(), reject };
      this.#write(encodeZkRequest(ZK_XID.auth, request));
    });
  }

  /** Closes the session (its ephemerals go with it), then the connection. */
  async close(): Promise<void> {
    clearInterval(this.#pinger);
    if (this.#failure === undefined) {
      await this.call({ op: "closeSession" }).catch(() => undefined);
    }
    this.#fail(new ZkConnectionError("closed"));
    this.#socket.destroy();
  }

  #write(frame: Uint8Array): void {
    this.#lastSendMs = Date.now();
    this.#socket.write(frame);
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length >= 4 && this.#failure === undefined) {
      const length = this.#buffer.readInt32BE(0);
      if (length < 0 || length > REPLY_BYTES_MAX) {
        this.#fail(new ZkConnectionError(`bad frame length ${length} from ${show(this.address)}`));
        this.#socket.destroy();
        return;
      }
      if (this.#buffer.length < 4 + length) return;
      const body = new Uint8Array(this.#buffer.subarray(4, 4 + length));
      this.#buffer = this.#buffer.subarray(4 + length);
      this.#onFrame(body);
    }
  }

  #onFrame(body: Uint8Array): void {
    const xid = body.length >= 4 ? new DataView(body.buffer, body.byteOffset).getInt32(0) : 0;
    if (xid === ZK_XID.ping || xid === ZK_XID.notification) return;
    const pending = xid === ZK_XID.auth ? this.#pendingAuth : this.#pending.shift();
    if (xid === ZK_XID.auth) this.#pendingAuth = undefined;
    if (pending === undefined) {
      this.#fail(new ZkConnectionError(`unexpected reply (xid ${xid}) from ${show(this.address)}`));
      return;
    }
    const decoded = decodeReply(body, pending.request);
    if (!decoded.ok || decoded.value.kind !== "reply") {
      const error = new ZkConnectionError(`undecodable reply from ${show(this.address)}`);
      pending.reject(error);
      this.#fail(error);
      return;
    }
    const { header, response } = decoded.value;
    if (header.err !== 0) pending.reject(new ZkReplyError(header.err, pathOf(pending.request)));
    else pending.resolve(response);
  }

  #fail(error: Error): void {
    if (this.#failure !== undefined) return;
    this.#failure = error;
    clearInterval(this.#pinger);
    for (const pending of this.#pending.splice(0)) pending.reject(error);
    this.#pendingAuth?.reject(error);
    this.#pendingAuth = undefined;
  }
}

function pathOf(request: ZkRequest): string | undefined {
  return "path" in request ? request.path : undefined;
}

function show(address: ZkAddress): string {
  return `${address.host}:${address.port}`;
}

/** ZooKeeper's create flags (CreateMode), for tests and tools that fill a ZooKeeper. */
export const ZK_CREATE_FLAGS = {
  persistent: 0,
  ephemeral: 1,
  persistentSequential: 2,
  ephemeralSequential: 3,
  container: 4,
  ttl: 5,
  ttlSequential: 6,
} as const;

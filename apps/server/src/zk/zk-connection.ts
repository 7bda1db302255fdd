/**
 * One ZooKeeper client connection (docs/zookeeper-wire.md; docs/zookeeper-compat.md): frames in,
 * the session handshake, requests answered strictly in arrival order, watch notifications pushed
 * as their txns apply.
 *
 * Ordering. ZooKeeper clients match replies to requests by position, so replies leave in request
 * order. Writes are proposed as soon as they arrive (a client's writes pipeline to the leader);
 * a read runs only once every earlier reply on the connection has been sent, so it sees the
 * connection's earlier writes and nothing from its later ones, and a write that follows a read is
 * proposed only after that read ran. Notifications are written the moment their txn applies, which
 * is before the reply of the write that caused them (the host applies, then settles the caller).
 *
 * Bounds. A frame larger than `zkMaxBufferBytes` closes the connection (ZooKeeper's
 * jute.maxbuffer). At most ZK_OUTSTANDING_PER_CONNECTION_MAX requests wait per connection: beyond
 * it the socket is paused, so a pipelining client is slowed, not dropped. Frames are handled
 * through the port's FramePacer (a bounded number per event-loop turn across all connections). A
 * client that stops reading is closed once ZK_SEND_BACKLOG_BYTES_MAX bytes wait for it.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Socket } from "node:net";
import type { AuditSink } from "@keel/api";
import {
  type AuthId,
  decodeConnectRequest,
  decodeZkRequest,
  ERROR_CODES,
  encodeConnectResponse,
  encodeNotification,
  encodeReply,
  errorCodeFromNumber,
  type KeelError,
  retryRuleOf,
  SESSION_NONE,
  type SessionId,
  sessionId,
  type WatchEvent,
  type WatcherId,
  ZK_EVENT,
  ZK_STATE_SYNC_CONNECTED,
  ZK_XID,
  type ZkRequest,
} from "@keel/core";
import type { Logger } from "pino";
import type { ServerConfig } from "../config.js";
import { FrameDecoder } from "../peer/framing.js";
import type { ReplicaHost } from "../replica-host.js";
import type { FramePacer, PacedWorker } from "./frame-pacer.js";
import { isWrite, type ZkAnswer, type ZkRequests } from "./zk-requests.js";
import type { ZkSessions } from "./zk-sessions.js";

/** Requests one connection may have waiting for their replies before its socket is paused. */
export const ZK_OUTSTANDING_PER_CONNECTION_MAX = 1000;
/** Reply bytes queued for a client that does not read before it is closed (a few max-size replies). */
export const ZK_SEND_BACKLOG_BYTES_MAX = 16 * 1024 * 1024;
/**
 * Write errors that leave the outcome unknown: core's retry rule "unknown" (docs/errors.md), the
 * one list the HTTP API answers by too. ZooKeeper clients know these only as their own
 * ConnectionLoss, so the connection closes instead of answering.
 */
function outcomeUnknown(err: number): boolean {
  const code = errorCodeFromNumber(err);
  return code !== undefined && retryRuleOf(code) === "unknown";
}

/** A new connection must send its ConnectRequest (or a four-letter word) within this time. */
export const ZK_HANDSHAKE_TIMEOUT_MS = 10_000;

/** Everything a connection shares with the port. */
export interface ZkPortContext {
  readonly host: ReplicaHost;
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly requests: ZkRequests;
  readonly sessions: ZkSessions;
  readonly pacer: FramePacer;
  /** The reply to a four-letter word, or undefined when these 4 bytes are not one. */
  fourLetterWord(word: string): string | undefined;
  /** Counts a request served (the console's metrics and `cons`/`mntr`). */
  recordCall(op: string, latencyMs: number, err: number): void;
  readonly clock: () => number;
  /**
   * Checks Keel credentials given with `addauth user name:password` or `addauth token <token>`
   * (docs/zookeeper-compat.md, "Authentication"): the identities they prove, or undefined.
   */
  authenticate(credentials: ZkKeelCredentials, clientIp: string): Promise<ZkKeelLogin | undefined>;
  /** --auth-required: requests are refused (NOAUTH) until the connection logged in as a Keel user. */
  readonly authRequired: boolean;
  /** The audit trail: setACL through this port is recorded as through the API. */
  readonly audit: AuditSink;
}

export type ZkKeelCredentials =
  | { readonly kind: "password"; readonly user: string; readonly password: string }
  | { readonly kind: "token"; readonly token: string };

/** A Keel user a ZooKeeper connection logged in as: its name, identities, and whether its role may write. */
export interface ZkKeelLogin {
  readonly user: string | null;
  readonly auth: readonly AuthId[];
  readonly readOnly: boolean;
}

type Slot =
  /** A write (or sync, or closeSession) proposed or waiting behind a read to be proposed. */
  | {
      readonly kind: "write";
      readonly xid: number;
      readonly request: ZkRequest;
      readonly auth: readonly AuthId[];
      readonly receivedAt: number;
      started: boolean;
      answer: ZkAnswer | undefined;
    }
  | { readonly kind: "read"; readonly xid: number; readonly request: ZkRequest; readonly receivedAt: number }
  /** A reply already known when the request arrived (an error); `close` ends the connection after it. */
  | { readonly kind: "fixed"; readonly frame: Uint8Array; readonly close: boolean };

type Phase = "preamble" | "connect" | "handshake" | "open" | "closed";

/** Per-connection counters for `cons` and `stat`. */
export interface ZkConnectionStats {
  readonly remote: string;
  readonly sessionId: SessionId | undefined;
  readonly timeoutMs: number | undefined;
  readonly queued: number;
  readonly received: number;
  readonly sent: number;
  readonly establishedMs: number;
  readonly lastOp: string;
  readonly lastCxid: number;
  readonly lastZxid: bigint;
  readonly lastLatencyMs: number;
  readonly minLatencyMs: number;
  readonly maxLatencyMs: number;
  readonly avgLatencyMs: number;
  readonly watches: number;
}

export class ZkConnection implements PacedWorker {
  private phase: Phase = "preamble";
  private preamble = Buffer.alloc(0);
  private readonly decoder: FrameDecoder;
  /** Frames received and not yet handled, oldest first. */
  private readonly inbox: Uint8Array[] = [];
  /** Replies owed, in request order. */
  private readonly slots: Slot[] = [];
  /** Reads in `slots` not yet run: a write arriving behind one waits to be proposed. */
  private readsWaiting = 0;
  private sessionId: SessionId | undefined;
  private timeoutMs: number | undefined;
  private readonly watcher: WatcherId;
  private auth: AuthId[];
  /** Logged in as a Keel user (addauth user/token); required for every request with authRequired. */
  private keelLogin: ZkKeelLogin | undefined;
  /** An addauth of Keel credentials is being checked: later frames wait, so they carry its identities. */
  private authPending = false;
  private paused = false;
  private readonly handshakeTimer: NodeJS.Timeout;
  private flushScheduled = false;
  // Counters for cons/stat.
  private received = 0;
  private sent = 0;
  private readonly establishedMs: number;
  private lastOp = "NA";
  private lastCxid = 0;
  private lastZxid = 0n;
  private lastLatencyMs = 0;
  private minLatencyMs = 0;
  private maxLatencyMs = 0;
  private latencySumMs = 0;
  private latencyCount = 0;

  constructor(
    private readonly socket: Socket,
    private readonly ctx: ZkPortContext,
    readonly address: string,
    readonly remote: string,
    private readonly onClosed: (connection: ZkConnection) => void,
  ) {
    this.decoder = new FrameDecoder(ctx.config.zkMaxBufferBytes);
    this.watcher = ctx.host.newWatcherId();
    this.auth = [{ scheme: "ip", id: address }];
    this.establishedMs = ctx.clock();
    this.handshakeTimer = setTimeout(() => this.close("no ConnectRequest in time"), ZK_HANDSHAKE_TIMEOUT_MS);
    this.handshakeTimer.unref();
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => this.guard(() => this.onData(chunk)));
    socket.on("drain", () => this.guard(() => this.maybeResume()));
    socket.on("error", (error) => this.ctx.logger.debug({ err: error, remote }, "zk connection error"));
    socket.on("close", () => this.guard(() => this.cleanUp()));
    ctx.sessions.opened(this);
  }

  get watchCount(): number {
    return this.ctx.host.watches.watchCount(this.watcher);
  }

  get stats(): ZkConnectionStats {
    return {
      remote: this.remote,
      sessionId: this.sessionId,
      timeoutMs: this.timeoutMs,
      queued: this.slots.length + this.inbox.length,
      received: this.received,
      sent: this.sent,
      establishedMs: this.establishedMs,
      lastOp: this.lastOp,
      lastCxid: this.lastCxid,
      lastZxid: this.lastZxid,
      lastLatencyMs: this.lastLatencyMs,
      minLatencyMs: this.minLatencyMs,
      maxLatencyMs: this.maxLatencyMs,
      avgLatencyMs: this.latencyCount === 0 ? 0 : this.latencySumMs / this.latencyCount,
      watches: this.watchCount,
    };
  }

  get watcherId(): WatcherId {
    return this.watcher;
  }

  /** crst: the counters start over. */
  resetStats(): void {
    this.received = 0;
    this.sent = 0;
    this.latencySumMs = 0;
    this.latencyCount = 0;
    this.minLatencyMs = 0;
    this.maxLatencyMs = 0;
    this.lastLatencyMs = 0;
  }

  /** No exception may escape a socket callback: a failure closes this connection only. */
  private guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.ctx.logger.error({ err: error, remote: this.remote }, "zk connection failed; closing it");
      this.close("internal error");
    }
  }

  // --- input --------------------------------------------------------------------------------

  private onData(chunk: Buffer): void {
    if (this.phase === "closed") return;
    let bytes: Buffer = chunk;
    if (this.phase === "preamble") {
      // The first 4 bytes of a connection are a four-letter word or the ConnectRequest's length.
      this.preamble = Buffer.concat([this.preamble, chunk]);
      if (this.preamble.length < 4) return;
      const word = this.preamble.subarray(0, 4).toString("latin1");
      const reply = this.ctx.fourLetterWord(word);
      if (reply !== undefined) {
        this.phase = "closed";
        clearTimeout(this.handshakeTimer);
        this.socket.end(reply);
        return;
      }
      bytes = this.preamble;
      this.preamble = Buffer.alloc(0);
      this.phase = "connect";
    }
    const decoded = this.decoder.push(bytes);
    this.inbox.push(...decoded.frames);
    if (decoded.type === "tooLarge") {
      this.ctx.logger.warn(
        { remote: this.remote, frameBytes: decoded.frameBytes, frameBytesMax: decoded.frameBytesMax },
        "zk frame larger than zkMaxBufferBytes; closing the connection",
      );
      this.inbox.length = 0;
      this.close("frame too large");
      return;
    }
    this.throttleInput();
    this.ctx.pacer.wake(this);
  }

  get hasWork(): boolean {
    if (this.authPending) return false;
    return this.phase === "connect" || this.phase === "open" ? this.inbox.length > 0 : false;
  }

  /** Handles up to `budget` frames (the pacer's share of this turn). */
  serve(budget: number): number {
    let used = 0;
    while (used < budget && this.hasWork) {
      const frame = this.inbox.shift() as Uint8Array;
      used += 1;
      if (this.phase === "connect") this.startHandshake(frame);
      else this.onRequestFrame(frame);
    }
    if (used > 0) this.flush();
    return used;
  }

  private throttleInput(): void {
    const waiting = this.inbox.length + this.slots.length;
    if (!this.paused && waiting >= ZK_OUTSTANDING_PER_CONNECTION_MAX) {
      this.paused = true;
      this.socket.pause();
    }
  }

  private maybeResume(): void {
    if (!this.paused || this.phase === "closed") return;
    const waiting = this.inbox.length + this.slots.length;
    if (waiting < ZK_OUTSTANDING_PER_CONNECTION_MAX / 2 && this.socket.writableLength < ZK_SEND_BACKLOG_BYTES_MAX / 2) {
      this.paused = false;
      this.socket.resume();
    }
  }

  // --- the session handshake ----------------------------------------------------------------

  private startHandshake(frame: Uint8Array): void {
    this.phase = "handshake";
    clearTimeout(this.handshakeTimer);
    const decoded = decodeConnectRequest(frame);
    if (!decoded.ok) {
      this.close(`bad ConnectRequest: ${decoded.error}`);
      return;
    }
    const request = decoded.value;
    const { host, config } = this.ctx;
    // A server that is not serving closes, like a ZooKeeper server that is not running: the client tries another.
    if (!host.serving) {
      this.close("not serving");
      return;
    }
    if (request.lastZxidSeen > host.state.lastAppliedZxid) {
      this.close(
        `client has seen zxid ${request.lastZxidSeen}, this server applied ${host.state.lastAppliedZxid}: the client must try another server`,
      );
      return;
    }
    const timeoutMs = Math.min(Math.max(request.timeOut, config.minSessionTimeoutMs), config.maxSessionTimeoutMs);
    const answer = (id: bigint, negotiatedMs: number, passwd: Uint8Array) =>
      encodeConnectResponse({
        protocolVersion: 0,
        timeOut: negotiatedMs,
        sessionId: id,
        passwd,
        ...(request.readOnly === undefined ? {} : { readOnly: false }),
      });
    if (request.sessionId === 0n) {
      const passwd = new Uint8Array(randomBytes(16));
      host
        .submit({
          sessionId: SESSION_NONE,
          cxid: 0,
          auth: [],
          request: { type: "createSession", timeoutMs, password: passwd, clientAddress: this.remote.slice(1) },
        })
        .then(
          (applied) =>
            this.guard(() => {
              if (applied.result.type !== "createSession") {
                this.close(`createSession: ${applied.result.type}`);
                return;
              }
              this.established(
                applied.result.sessionId,
                applied.result.timeoutMs,
                answer(applied.result.sessionId, applied.result.timeoutMs, passwd),
              );
            }),
          (error: KeelError) => this.guard(() => this.close(`createSession failed: ${error.message}`)),
        );
      return;
    }
    // Keel's session ids are positive; a negative one (a signed long on the wire) names no session.
    const resumed = request.sessionId > 0n ? sessionId(request.sessionId) : undefined;
    const record = resumed === undefined ? undefined : host.state.session(resumed);
    if (resumed === undefined || record === undefined || !host.state.sessionPasswordMatches(resumed, request.passwd)) {
      // ZooKeeper's "invalid session" answer: timeout 0; clients read it as their session expired.
      this.send(answer(0n, 0, new Uint8Array(16)));
      this.close("resumed an expired, closed or unknown session (or a wrong password)");
      return;
    }
    // Keel keeps the timeout the session was created with: it is replicated with the session.
    this.established(resumed, record.timeoutMs, answer(resumed, record.timeoutMs, request.passwd));
  }

  private established(sessionId: SessionId, timeoutMs: number, response: Uint8Array): void {
    if (this.phase === "closed") return;
    this.sessionId = sessionId;
    this.timeoutMs = timeoutMs;
    this.ctx.sessions.bind(sessionId, this, this.remote.slice(1));
    this.ctx.host.setWatchSink(this.watcher, (events) => this.guard(() => this.notify(events)));
    // Read at each event: identities added later by an AuthPacket count from then on (cleanUp drops it).
    this.ctx.requests.filterPersistentWatches(this.watcher, () => this.auth);
    this.send(response);
    this.phase = "open";
    this.ctx.pacer.wake(this);
  }

  // --- requests -----------------------------------------------------------------------------

  private onRequestFrame(frame: Uint8Array): void {
    this.received += 1;
    const sessionId = this.sessionId as SessionId;
    this.ctx.sessions.markActive(sessionId);
    const decoded = decodeZkRequest(frame);
    if (decoded.kind === "malformed") {
      if (decoded.header === undefined) {
        this.close(`unreadable request: ${decoded.error}`);
        return;
      }
      this.enqueueFixed(decoded.header.xid, ERROR_CODES.MARSHALLINGERROR, false);
      return;
    }
    if (decoded.kind === "unknownOp") {
      // ZooKeeper answers UNIMPLEMENTED with zxid -1 and closes; the session lives on.
      this.enqueueFixed(decoded.header.xid, ERROR_CODES.UNIMPLEMENTED, true, -1n);
      return;
    }
    const { header, request } = decoded;
    this.lastCxid = header.xid;
    this.lastOp = request.op;
    switch (request.op) {
      case "auth":
        this.authenticate(request);
        return;
      // check is valid only inside a multi; deleteContainer is the server's own housekeeping op.
      case "check":
      case "deleteContainer":
        this.enqueueFixed(header.xid, ERROR_CODES.UNIMPLEMENTED, true, -1n);
        return;
      default:
        break;
    }
    const refusal = this.refusal(request);
    if (refusal !== undefined) {
      this.enqueueFixed(header.xid, refusal, false);
      return;
    }
    const receivedAt = performance.now();
    if (isWrite(request)) {
      const slot: Slot = {
        kind: "write",
        xid: header.xid,
        request,
        auth: this.auth,
        receivedAt,
        started: false,
        answer: undefined,
      };
      this.slots.push(slot);
      if (this.readsWaiting === 0) this.startWrite(slot);
    } else {
      this.slots.push({ kind: "read", xid: header.xid, request, receivedAt });
      this.readsWaiting += 1;
    }
    this.throttleInput();
  }

  private startWrite(slot: Extract<Slot, { kind: "write" }>): void {
    slot.started = true;
    const caller = { sessionId: this.sessionId as SessionId, watcher: this.watcher, auth: slot.auth, cxid: slot.xid };
    void this.ctx.requests.write(slot.request, caller).then((answer) => {
      slot.answer = answer;
      if (slot.request.op === "setACL") this.auditSetAcl(slot.request, answer.err);
      this.guard(() => this.flush());
    });
  }

  /**
   * With --auth-required nothing but addauth is served before a Keel login (ZooKeeper's
   * enforce.auth); a viewer's connection may not write. NOAUTH either way, as for an ACL refusal.
   */
  private refusal(request: ZkRequest): number | undefined {
    if (request.op === "closeSession" || request.op === "ping" || request.op === "whoAmI") return undefined;
    if (this.ctx.authRequired && this.keelLogin === undefined) return ERROR_CODES.NOAUTH;
    if (this.keelLogin?.readOnly === true && isWrite(request) && request.op !== "sync") return ERROR_CODES.NOAUTH;
    return undefined;
  }

  /** AuthPacket: answered at once (clients route it by its xid, -4); later requests carry the new id. */
  private authenticate(request: Extract<ZkRequest, { op: "auth" }>): void {
    const credentials = keelCredentialsOf(request.scheme, request.auth);
    if (credentials !== undefined) {
      this.authenticateKeel(credentials, request.scheme);
      return;
    }
    const id = authIdOf(request.scheme, request.auth, this.address);
    if (id === undefined) {
      this.send(encodeReply({ xid: ZK_XID.auth, zxid: 0n, err: ERROR_CODES.AUTHFAILED }));
      this.close(`authentication failed (scheme ${request.scheme})`);
      return;
    }
    if (!this.auth.some((known) => known.scheme === id.scheme && known.id === id.id)) this.auth = [...this.auth, id];
    this.send(encodeReply({ xid: ZK_XID.auth, zxid: 0n, err: 0 }));
  }

  /** An ACL change is an administrative action, recorded whichever API made it (docs/security.md, "Audit"). */
  private auditSetAcl(request: Extract<ZkRequest, { op: "setACL" }>, err: number): void {
    this.ctx.audit({
      action: "setAcl",
      outcome: err === 0 ? "OK" : (errorCodeFromNumber(err) ?? String(err)),
      user: this.keelLogin?.user ?? null,
      via: "zookeeper",
      path: request.path,
      acl: request.acl.map((entry) => ({ perms: entry.perms, scheme: entry.id.scheme, id: entry.id.id })),
      clientAddress: this.remote.slice(1),
    });
  }

  /** A Keel login checks a password hash or a token: frames after it wait until it is decided. */
  private authenticateKeel(credentials: ZkKeelCredentials, scheme: string): void {
    this.authPending = true;
    void this.ctx.authenticate(credentials, this.address).then(
      (login) =>
        this.guard(() => {
          this.authPending = false;
          if (this.phase === "closed") return;
          if (login === undefined) {
            this.send(encodeReply({ xid: ZK_XID.auth, zxid: 0n, err: ERROR_CODES.AUTHFAILED }));
            this.close(`authentication failed (scheme ${scheme})`);
            return;
          }
          this.keelLogin = login;
          for (const id of login.auth) {
            if (!this.auth.some((known) => known.scheme === id.scheme && known.id === id.id))
              this.auth = [...this.auth, id];
          }
          this.send(encodeReply({ xid: ZK_XID.auth, zxid: 0n, err: 0 }));
          this.ctx.pacer.wake(this);
        }),
      (error: unknown) =>
        this.guard(() => {
          this.authPending = false;
          this.ctx.logger.warn({ err: error, remote: this.remote }, "zk authentication could not be checked");
          this.close("authentication could not be checked");
        }),
    );
  }

  private enqueueFixed(xid: number, err: number, close: boolean, zxid?: bigint): void {
    const frame = encodeReply({ xid, zxid: zxid ?? this.ctx.host.state.lastAppliedZxid, err });
    this.slots.push({ kind: "fixed", frame, close });
    this.flush();
  }

  /**
   * Sends every reply that is ready at the head of the queue, running reads as they reach the
   * head. Bounded per call: the rest continues on a later turn.
   */
  private flush(): void {
    let budget = 256;
    while (this.phase === "open" && budget > 0) {
      const head = this.slots[0];
      if (head === undefined) break;
      if (head.kind === "write" && head.answer === undefined) break;
      this.slots.shift();
      budget -= 1;
      switch (head.kind) {
        case "fixed":
          this.send(head.frame);
          if (head.close) {
            this.close("refused an op code it must not serve");
            return;
          }
          continue;
        case "write": {
          const answer = head.answer as ZkAnswer;
          if (outcomeUnknown(answer.err)) {
            // A ZooKeeper server never answers "maybe": it closes, and the client's ConnectionLoss
            // means exactly that (it resumes its session elsewhere and checks before retrying).
            this.close(`a write's outcome is unknown (error ${answer.err}); the client must check and retry`);
            return;
          }
          this.reply(head.xid, head.request, answer, head.receivedAt);
          if (head.request.op === "closeSession") {
            this.close("the client closed its session");
            return;
          }
          continue;
        }
        case "read": {
          this.readsWaiting -= 1;
          const caller = {
            sessionId: this.sessionId as SessionId,
            watcher: this.watcher,
            auth: this.auth,
            cxid: head.xid,
          };
          this.reply(head.xid, head.request, this.ctx.requests.read(head.request, caller), head.receivedAt);
          this.startWritesUpToNextRead();
          continue;
        }
      }
    }
    if (budget === 0 && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.guard(() => this.flush());
      });
    }
    this.maybeResume();
  }

  /** After a read ran, the writes queued behind it (up to the next read) may be proposed. */
  private startWritesUpToNextRead(): void {
    for (const slot of this.slots) {
      if (slot.kind === "read") return;
      if (slot.kind === "write" && !slot.started) this.startWrite(slot);
    }
  }

  private reply(xid: number, request: ZkRequest, answer: ZkAnswer, receivedAt: number): void {
    for (const event of answer.events ?? []) this.send(encodeNotification(event));
    this.send(encodeReply({ xid, zxid: answer.zxid, err: answer.err }, answer.response));
    this.lastZxid = answer.zxid;
    const latencyMs = performance.now() - receivedAt;
    this.lastLatencyMs = latencyMs;
    this.minLatencyMs = this.latencyCount === 0 ? latencyMs : Math.min(this.minLatencyMs, latencyMs);
    this.maxLatencyMs = Math.max(this.maxLatencyMs, latencyMs);
    this.latencySumMs += latencyMs;
    this.latencyCount += 1;
    if (request.op !== "ping") this.ctx.recordCall(request.op, latencyMs, answer.err);
  }

  // --- output -------------------------------------------------------------------------------

  /** Watch events of one applied txn, sent before that txn's reply (see the module comment). */
  private notify(events: readonly WatchEvent[]): void {
    if (this.phase !== "open") return;
    for (const event of events) {
      this.send(encodeNotification({ type: ZK_EVENT[event.type], state: ZK_STATE_SYNC_CONNECTED, path: event.path }));
    }
  }

  private send(frame: Uint8Array): void {
    if (this.phase === "closed" || this.socket.destroyed) return;
    this.socket.write(frame);
    this.sent += 1;
    if (this.socket.writableLength > ZK_SEND_BACKLOG_BYTES_MAX) {
      this.ctx.logger.warn({ remote: this.remote }, "zk client does not read its replies; closing the connection");
      this.close("slow reader");
    }
  }

  // --- closing ------------------------------------------------------------------------------

  /**
   * A committed closeSession ended this connection's session. If the client asked for it, the
   * reply to its closeSession closes the connection once it is sent; otherwise (expiry, an
   * operator) the connection closes now, and the client learns of the expiry when it reconnects.
   */
  sessionEnded(): void {
    if (this.slots.some((slot) => slot.kind === "write" && slot.request.op === "closeSession")) return;
    this.close("its session expired or was closed");
  }

  close(why: string): void {
    if (this.phase === "closed" && this.socket.destroyed) return;
    this.ctx.logger.debug(
      { remote: this.remote, sessionId: this.sessionId?.toString(16), why },
      "zk connection closing",
    );
    this.phase = "closed";
    // end() sends what is queued (a final reply) before the FIN; destroy() cuts a reader that stopped reading.
    if (why === "slow reader") this.socket.destroy();
    else this.socket.end();
    this.cleanUp();
  }

  private cleaned = false;

  private cleanUp(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    this.phase = "closed";
    clearTimeout(this.handshakeTimer);
    this.inbox.length = 0;
    this.ctx.pacer.forget(this);
    this.ctx.host.setWatchSink(this.watcher, undefined);
    this.ctx.host.watches.removeWatcher(this.watcher);
    this.ctx.sessions.closed(this, this.sessionId);
    this.onClosed(this);
  }
}

/**
 * The identity an AuthPacket proves (docs/zookeeper-compat.md, "Authentication"): digest
 * `user:password` becomes `digest:user:base64(sha1(user:password))`, as ZooKeeper stores it in
 * ACLs; `ip` re-adds the connection's address. Any other scheme fails (SASL is not supported).
 */
function authIdOf(scheme: string, auth: Uint8Array | null, address: string): AuthId | undefined {
  if (scheme === "ip") return { scheme: "ip", id: address };
  if (scheme !== "digest" || auth === null) return undefined;
  const text = Buffer.from(auth).toString("utf8");
  const colon = text.indexOf(":");
  if (colon <= 0) return undefined;
  return { scheme: "digest", id: digestId(text) };
}

/** `addauth user name:password` and `addauth token <token>`: Keel's own credentials. */
function keelCredentialsOf(scheme: string, auth: Uint8Array | null): ZkKeelCredentials | undefined {
  if (auth === null) return undefined;
  const text = Buffer.from(auth).toString("utf8");
  if (scheme === "token") return { kind: "token", token: text };
  if (scheme !== "user") return undefined;
  const colon = text.indexOf(":");
  // A malformed one is still Keel's to refuse (AUTHFAILED), not a scheme nobody knows.
  if (colon <= 0) return { kind: "password", user: text, password: "" };
  return { kind: "password", user: text.slice(0, colon), password: text.slice(colon + 1) };
}

export function digestId(userPassword: string): string {
  const user = userPassword.slice(0, userPassword.indexOf(":"));
  const hash = createHash("sha1").update(userPassword, "utf8").digest("base64");
  return `${user}:${hash}`;
}

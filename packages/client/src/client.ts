/**
 * The Keel client: one session over one multiplexed WebSocket to one member at a time.
 *
 * A supervisor loop owns the connection: it connects to a member, attaches the session
 * (`session.attach` with the highest zxid this client has seen, so a member that is behind refuses
 * it and the client moves on), then heartbeats with `session.keepAlive` over the same socket. Each
 * successful attach or keep-alive is a confirmation from a serving member, timed from when it was
 * sent; `SessionStateMachine` turns the client `suspect` after `timeout × 2/3` without one. When the
 * socket dies, the member says `disconnected`, or a heartbeat goes unanswered, the supervisor moves
 * to the next member and re-attaches within the session timeout, keeping the session, its
 * ephemerals and every watch (resumed from its last zxid).
 *
 * Calls wait for a connection, then run on it. Refusals that are safe to retry (NOTREADY,
 * THROTTLEDOP) are retried with backoff until the call's deadline; a read whose connection failed is
 * retried on the next member; a write whose outcome is unknown is reported as such
 * (ConnectionLossError / OperationTimeoutError, `retry: "unknown"`) and never repeated blindly.
 */
import type { AppRouter, ChildView, NodeKind, NodeView, OpResultView, StatView } from "@keel/api";
import type { inferRouterInputs } from "@trpc/server";
import { AuthApi, type WhoAmI } from "./auth-api.js";
import { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF } from "./backoff.js";
import { toBase64 } from "./bytes.js";
import { authHeaders, type ConnectAuth } from "./credentials.js";
import { DeadlineTimer } from "./deadline-timer.js";
import {
  abortReason,
  BadArgumentsError,
  ClientClosedError,
  fromCallError,
  KeelClientError,
  keelErrorFor,
  NotReadyError,
  OperationTimeoutError,
  SessionExpiredError,
  SessionLostError,
} from "./errors.js";
import { MembersApi } from "./members-api.js";
import { maxZxid } from "./paths.js";
import { Barrier, DoubleBarrier } from "./recipes/barrier.js";
import { Counter } from "./recipes/counter.js";
import { LeaderElection } from "./recipes/election.js";
import type { AcquireOptions, Lease } from "./recipes/hold.js";
import { Lock, withLock } from "./recipes/lock.js";
import { Queue } from "./recipes/queue.js";
import { ReadWriteLock } from "./recipes/rwlock.js";
import { Semaphore } from "./recipes/semaphore.js";
import { ServiceRegistry } from "./recipes/service-registry.js";
import { TreeCache } from "./recipes/tree-cache.js";
import { type ConnectionState, isFinal, SessionStateMachine } from "./state.js";
import { checkRequestSize, type KeelTrpc, MemberConnection, type WebSocketConstructor } from "./transport.js";
import { type WatchEvent, type WatchOptions, WatchStream } from "./watch.js";

type Inputs = inferRouterInputs<AppRouter>;
/** One op of `multi`, as the API takes it (docs/api.md). */
export type Op = Inputs["node"]["multi"]["ops"][number];
export type Acl = NonNullable<Inputs["node"]["create"]["acl"]>;

/** Who holds a recipe node: written as JSON into lock, election and service nodes (docs/client.md). */
export interface HolderMetadata {
  readonly clientId: string;
  readonly host: string;
  readonly pid: number;
  readonly label?: string;
  readonly acquiredAt?: number;
}

/** Where the client runs; the Node entry fills it from `os.hostname()` and `process.pid`. */
export interface ProcessInfo {
  readonly host: string;
  readonly pid: number;
}

export interface ConnectOptions {
  /** Members' client URLs (http://host:port or ws://host:port); the client uses one at a time. */
  readonly servers: readonly string[];
  /**
   * Who the client is: a user's password or an API token, sent as the `authorization` header of
   * every WebSocket it opens (docs/client.md, "Authentication"). Without it the client is
   * anonymous. Needs a WebSocket that can send headers (the Node entry's `ws`); in a browser the
   * console's login cookie authenticates the socket instead.
   */
  readonly auth?: ConnectAuth;
  /** The session timeout asked for (the ensemble may clamp it). Default 10,000 ms. */
  readonly sessionTimeoutMs?: number;
  /** Aborting it closes the client (and fails a connect still under way). */
  readonly signal?: AbortSignal;
  /** A name for this client, written into the holder metadata of locks, elections and services. */
  readonly label?: string;
  /** How long `connect` keeps trying before it fails. Default 30,000 ms. */
  readonly connectTimeoutMs?: number;
  /** Default deadline of one call, retries included. Default: the session timeout. */
  readonly requestTimeoutMs?: number;
  /** The server's per-message cap (its requestBytesMax). Default 2 MiB. */
  readonly requestBytesMax?: number;
  /** The WebSocket class (Node 20 has none built in; the Node entry passes `ws`). */
  readonly WebSocket?: WebSocketConstructor;
  /** Host and pid for holder metadata (the Node entry fills them in). */
  readonly processInfo?: ProcessInfo;
  /** Randomness for backoff jitter and client ids (tests pin it). */
  readonly random?: () => number;
  readonly backoff?: BackoffPolicy;
}

export interface CallOptions {
  readonly signal?: AbortSignal;
  /** Deadline of this call, retries included. Default: the client's requestTimeoutMs. */
  readonly timeoutMs?: number;
}

export interface ReadOptions extends CallOptions {
  /** Sync through the leader first, so the read reflects every write acknowledged before it began. */
  readonly linearizable?: boolean;
}

export interface ChildrenPageOptions extends ReadOptions {
  /** Only names after this one (a page's `nextAfter`); default: from the first. */
  readonly after?: string;
  /** At most this many children (1..10,000; default and most: the server's 10,000). */
  readonly limit?: number;
  /** Each child's stat too (default true). */
  readonly withStats?: boolean;
}

/** One page of a node's children, sorted by name. */
export interface ChildrenPage {
  readonly children: ChildView[];
  readonly stat: StatView;
  /** The last name of this page when more children follow (pass it as `after`); null on the last page. */
  readonly nextAfter: string | null;
}

export interface CreateOptions extends CallOptions {
  readonly kind?: NodeKind;
  readonly ttlMs?: number;
  readonly acl?: Acl;
}

export interface VersionOptions extends CallOptions {
  /** -1 (the default) means any version. */
  readonly version?: number;
}

export interface DeleteOptions extends VersionOptions {
  /** An operator's force-release, with the reason watchers are told. */
  readonly forceRelease?: string;
}

export type Data = string | Uint8Array;

/** A failed multi: the error of the failing op, with every op's result. */
export interface MultiFailure {
  readonly opIndex: number;
  readonly results: readonly OpResultView[];
}

export type StateListener = (state: ConnectionState) => void;

const DEFAULT_SESSION_TIMEOUT_MS = 10_000;
const DEFAULT_REQUEST_BYTES_MAX = 2 * 1024 * 1024;
/** Heartbeats per session timeout. With the answer wait below, a silent member is left by ~0.45 × timeout. */
const HEARTBEATS_PER_TIMEOUT = 5;
/** A heartbeat or attach unanswered for timeout / 4 means the member is not serving us. */
const ANSWER_WAIT_FRACTION = 1 / 4;

const now = (): number => performance.now();
const DEBUG =
  (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.KEEL_CLIENT_DEBUG === "1";

function dataField(data: Data | undefined): { data?: string; dataBase64?: string } {
  if (data === undefined) return {};
  return typeof data === "string" ? { data } : { dataBase64: toBase64(data) };
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortReason(signal));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function randomId(random: () => number): string {
  let out = "";
  for (let index = 0; index < 16; index++) out += Math.floor(random() * 16).toString(16);
  return out;
}

function defaultProcessInfo(): ProcessInfo {
  const location = (globalThis as { location?: { host?: string } }).location;
  return { host: location?.host ?? "unknown", pid: 0 };
}

/** An AbortSignal that aborts when any of `signals` does or after `ms`; `dispose` removes the listeners. */
function linkedSignal(
  signals: readonly (AbortSignal | undefined)[],
  ms: number | undefined,
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const cleanups: (() => void)[] = [];
  for (const signal of signals) {
    if (!signal) continue;
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    cleanups.push(() => signal.removeEventListener("abort", onAbort));
  }
  if (ms !== undefined && !controller.signal.aborted) {
    const timer = setTimeout(() => controller.abort(new DeadlineError()), Math.max(0, ms));
    cleanups.push(() => clearTimeout(timer));
  }
  return {
    signal: controller.signal,
    dispose: () => {
      for (const cleanup of cleanups) cleanup();
    },
  };
}

/** The reason a call's own deadline gives its signal (told apart from the caller's abort). */
class DeadlineError extends Error {
  override name = "DeadlineError";
}

export class KeelClient implements AsyncDisposable {
  /** A random id for this client, written into recipe nodes' holder metadata. */
  readonly clientId: string;
  readonly label: string | undefined;
  readonly processInfo: ProcessInfo;
  readonly requestBytesMax: number;

  private readonly machine: SessionStateMachine;
  private readonly listeners = new Set<StateListener>();
  private readonly watches = new Set<WatchStream>();
  private readonly random: () => number;
  private readonly backoff: BackoffPolicy;
  private readonly requestTimeoutMs: number | undefined;
  private readonly lifetime = new AbortController();
  private session: { sessionId: string; secret: string } | undefined;
  private grantedTimeoutMs: number;
  private connection: MemberConnection | undefined;
  private memberIndex: number;
  private zxidSeen = "0";
  /** Turns the client suspect at the machine's deadline; (re)started by every confirmation. */
  private readonly suspectTimer = new DeadlineTimer(
    () => this.machine.deadline,
    () => this.onSuspectDeadline(),
  );
  private connectionWaiters = new Set<() => void>();
  private supervisor: Promise<void> | undefined;
  /** Set while close() runs: the session's own close must not read as an expiry. */
  private closing = false;
  /** The upgrade request's `authorization` header, when the client has credentials. */
  private readonly headers: Readonly<Record<string, string>> | undefined;
  /** A member refused the credentials before any session existed; the rest get one try each. */
  private refusal: { readonly error: KeelClientError; membersLeft: number } | undefined;
  /** Why the client gave up for good before it had a session: what `connect` throws. */
  private connectFailure: KeelClientError | undefined;
  /** Users and tokens (the `auth` router), for admins and for a user's own password and tokens. */
  readonly auth: AuthApi;
  /** The ensemble's configuration (the `members` router): list it; admins add and remove members. */
  readonly members: MembersApi;

  private constructor(private readonly options: ConnectOptions) {
    if (options.servers.length === 0) throw new RangeError("connect: servers must list at least one member");
    this.random = options.random ?? Math.random;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.clientId = randomId(this.random);
    this.label = options.label;
    this.processInfo = options.processInfo ?? defaultProcessInfo();
    this.requestBytesMax = options.requestBytesMax ?? DEFAULT_REQUEST_BYTES_MAX;
    this.requestTimeoutMs = options.requestTimeoutMs;
    this.grantedTimeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    this.machine = new SessionStateMachine(this.grantedTimeoutMs);
    // Spread clients over the members.
    this.memberIndex = Math.floor(this.random() * options.servers.length);
    this.webSocketClass(); // fail now, not inside the supervisor, when there is no WebSocket
    this.headers = authHeaders(options.auth);
    if (this.headers !== undefined && options.WebSocket === undefined) {
      throw new BadArgumentsError(
        "connect({ auth }) needs a WebSocket that can send headers, e.g. the Node entry's `ws`; " +
          "a browser cannot: there the console's login cookie authenticates the socket (docs/client.md, Authentication)",
      );
    }
    this.auth = new AuthApi((kind, invoke, callOptions) => this.call(kind, invoke, callOptions));
    this.members = new MembersApi((kind, invoke, callOptions) => this.call(kind, invoke, callOptions));
    if (!(this.grantedTimeoutMs > 0))
      throw new RangeError(`sessionTimeoutMs must be > 0, got ${this.grantedTimeoutMs}`);
  }

  /** Connects, opens a session and attaches it; resolves once a serving member confirmed it. */
  static async connect(options: ConnectOptions): Promise<KeelClient> {
    const client = new KeelClient(options);
    const outer = options.signal;
    if (outer?.aborted) throw abortReason(outer);
    outer?.addEventListener("abort", () => void client.close(`aborted: ${String(outer.reason)}`), { once: true });
    client.supervisor = client.supervise();
    const deadline = now() + (options.connectTimeoutMs ?? 30_000);
    try {
      await client.waitForConnection(deadline, outer);
    } catch (error) {
      await client.close("connect failed");
      throw error;
    }
    return client;
  }

  // --- state ----------------------------------------------------------------------------------

  get state(): ConnectionState {
    return this.machine.state;
  }

  get sessionId(): string {
    return this.session?.sessionId ?? "0";
  }

  /** The session timeout the ensemble granted. */
  get sessionTimeoutMs(): number {
    return this.grantedTimeoutMs;
  }

  /** The highest zxid this client has seen; a member behind it is refused. */
  get lastZxidSeen(): string {
    return this.zxidSeen;
  }

  /** The member currently in use, if connected. */
  get member(): string | undefined {
    return this.connection?.open ? this.connection.url : undefined;
  }

  /** The metadata recipes write into their nodes. */
  holderMetadata(extra: { acquiredAt?: number } = {}): HolderMetadata {
    return {
      clientId: this.clientId,
      host: this.processInfo.host,
      pid: this.processInfo.pid,
      ...(this.label === undefined ? {} : { label: this.label }),
      ...extra,
    };
  }

  /** Calls `listener` on every state change; returns a function that stops it. */
  onStateChange(listener: StateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The state changes as an async iterator, starting with the current state; ends after a final state. */
  async *states(signal?: AbortSignal): AsyncGenerator<ConnectionState> {
    const queue: ConnectionState[] = [this.state];
    let wake: (() => void) | undefined;
    const stop = this.onStateChange((state) => {
      queue.push(state);
      wake?.();
    });
    const onAbort = () => wake?.();
    signal?.addEventListener("abort", onAbort);
    try {
      for (;;) {
        const next = queue.shift();
        if (next) {
          yield next;
          if (isFinal(next)) return;
          continue;
        }
        if (signal?.aborted) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      stop();
      signal?.removeEventListener("abort", onAbort);
    }
  }

  private apply(input: Parameters<SessionStateMachine["apply"]>[0]): void {
    // While closing, the socket going away is part of the close, not news.
    if (this.closing && input.type !== "closed") return;
    const changed = this.machine.apply(input);
    if ((input.type === "attached" || input.type === "confirmed") && !isFinal(this.state)) this.suspectTimer.start();
    if (!changed) return;
    if (changed.name === "connected") {
      for (const wake of this.connectionWaiters) wake();
      this.connectionWaiters.clear();
    }
    if (isFinal(changed)) {
      this.suspectTimer.stop();
      if (changed.name === "expired")
        this.endWatches(new SessionExpiredError(`the session expired: ${changed.reason}`));
      for (const wake of this.connectionWaiters) wake();
      this.connectionWaiters.clear();
    }
    if (DEBUG) console.error(`[keel-client] ${now().toFixed(0)} state ${JSON.stringify(changed)}`);
    for (const listener of [...this.listeners]) {
      try {
        listener(changed);
      } catch {
        // A listener's failure must not stop the others or the client.
      }
    }
  }

  private onSuspectDeadline(): void {
    this.apply({ type: "tick", now: now() });
    // A member that stopped confirming is no member to stay on.
    if (this.state.name === "suspect") this.connection?.close("no confirmation in time");
  }

  /** Records a zxid this client has seen (from replies and events). */
  observeZxid(zxid: string | undefined): void {
    if (zxid !== undefined && /^\d+$/.test(zxid)) this.zxidSeen = maxZxid(this.zxidSeen, zxid);
  }

  private observeStat(stat: StatView | null | undefined): void {
    if (!stat) return;
    this.observeZxid(stat.mzxid);
    this.observeZxid(stat.pzxid);
  }

  // --- the supervisor -------------------------------------------------------------------------

  private nextMember(): string {
    const servers = this.options.servers;
    const member = servers[this.memberIndex % servers.length] as string;
    this.memberIndex = (this.memberIndex + 1) % servers.length;
    return member;
  }

  private async supervise(): Promise<void> {
    let failures = 0;
    while (!isFinal(this.state)) {
      const member = this.nextMember();
      let died: () => void = () => {};
      const dead = new Promise<void>((resolve) => {
        died = resolve;
      });
      let deathReason = "";
      const connection = new MemberConnection({
        url: member,
        WebSocket: this.webSocketClass(),
        requestBytesMax: this.requestBytesMax,
        ...(this.headers === undefined ? {} : { headers: this.headers }),
        onDead: (reason) => {
          deathReason = reason;
          died();
        },
      });
      this.connection = connection;
      try {
        await this.establish(connection);
        failures = 0;
        this.refusal = undefined;
        await this.heartbeat(connection, dead);
      } catch (error) {
        if (DEBUG)
          console.error(`[keel-client] ${now().toFixed(0)} ${member}:`, error instanceof Error ? error.message : error);
        connection.close(error instanceof Error ? error.message : String(error));
        if (this.session === undefined) this.noteConnectFailure(error);
        else if (error instanceof SessionExpiredError || isCredentialRefusal(error)) {
          this.apply({ type: "expired", reason: (error as Error).message });
        }
      }
      connection.close();
      if (this.connection === connection) this.connection = undefined;
      this.apply({ type: "connectionLost", reason: deathReason || `left ${member}` });
      if (isFinal(this.state)) break;
      failures += 1;
      // One round over every member without pause, then back off: a member may come back.
      if (failures >= this.options.servers.length) {
        await sleep(
          backoffDelayMs(Math.min(failures - this.options.servers.length, 5), this.random, this.backoff),
        ).catch(() => undefined);
      }
    }
    this.connection?.close();
  }

  /**
   * A member refused the credentials (AUTHFAILED, or NOAUTH for an anonymous client of an ensemble
   * that requires authentication): no point retrying until the connect timeout. The other members
   * get one try each all the same, since a member that has not yet applied a just-created user or
   * token refuses it while the others (the leader at least) know it; then `connect` fails with the
   * refusal. Any other failure after a refusal uses up one of those tries.
   */
  private noteConnectFailure(error: unknown): void {
    const refused = isCredentialRefusal(error) ? error : undefined;
    if (this.refusal === undefined) {
      if (refused === undefined) return;
      this.refusal = { error: refused, membersLeft: this.options.servers.length - 1 };
    } else {
      this.refusal.membersLeft -= 1;
    }
    if (this.refusal.membersLeft > 0) return;
    this.connectFailure = this.refusal.error;
    this.apply({ type: "closed", reason: `the credentials were refused: ${this.refusal.error.message}` });
  }

  private webSocketClass(): WebSocketConstructor {
    const WebSocketClass = this.options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!WebSocketClass) {
      throw new Error("no WebSocket implementation: pass connect({ WebSocket }) (the Node entry passes `ws`)");
    }
    return WebSocketClass;
  }

  private answerWaitMs(): number {
    return Math.max(200, Math.floor(this.grantedTimeoutMs * ANSWER_WAIT_FRACTION));
  }

  /** Opens the socket, opens the session if there is none yet, and attaches it. Throws to move on. */
  private async establish(connection: MemberConnection): Promise<void> {
    const life = this.lifetime.signal;
    const { signal, dispose } = linkedSignal([life], this.answerWaitMs());
    try {
      await Promise.race([
        connection.opened,
        new Promise((_, reject) => signal.addEventListener("abort", () => reject(abortReason(signal)), { once: true })),
      ]);
    } finally {
      dispose();
    }
    if (!this.session) {
      const opened = await this.raw(connection, (trpc, callSignal) =>
        trpc.session.open.mutate({ timeoutMs: this.grantedTimeoutMs }, { signal: callSignal }),
      );
      this.session = { sessionId: opened.sessionId, secret: opened.secret };
      this.setGrantedTimeout(opened.timeoutMs);
    }
    await this.attach(connection);
  }

  private setGrantedTimeout(timeoutMs: number): void {
    this.grantedTimeoutMs = timeoutMs;
    this.machine.setTimeoutMs(timeoutMs);
  }

  /** Runs one call on `connection` with the answer wait as its deadline; errors come back typed. */
  private async raw<T>(
    connection: MemberConnection,
    invoke: (trpc: KeelTrpc, signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    const { signal, dispose } = linkedSignal([this.lifetime.signal], this.answerWaitMs());
    try {
      return await invoke(connection.trpc, signal);
    } catch (error) {
      if (signal.aborted) throw new OperationTimeoutError(`${connection.url} did not answer in time`);
      throw fromCallError(error);
    } finally {
      dispose();
    }
  }

  private attach(connection: MemberConnection): Promise<void> {
    const session = this.session;
    if (!session) throw new Error("attach before the session was opened");
    const sentAt = now();
    return new Promise<void>((resolve, reject) => {
      let attached = false;
      const timer = setTimeout(() => {
        if (!attached) {
          subscription.unsubscribe();
          reject(new NotReadyError(`${connection.url} did not attach the session in time`));
        }
      }, this.answerWaitMs());
      const subscription = connection.trpc.session.attach.subscribe(
        { ...session, lastZxidSeen: this.zxidSeen },
        {
          onData: (event) => {
            switch (event.type) {
              case "attached":
                attached = true;
                clearTimeout(timer);
                this.observeZxid(event.lastZxid);
                this.setGrantedTimeout(event.timeoutMs);
                this.apply({ type: "attached", member: connection.url, serverId: event.serverId, sentAt });
                for (const watch of this.watches) watch.attachTo(connection);
                resolve();
                return;
              case "expired":
                if (this.closing) return;
                this.apply({ type: "expired", reason: "the ensemble expired the session" });
                connection.close("session expired");
                return;
              case "disconnected":
                connection.close(`member ${event.serverId} stopped serving: ${event.reason}`);
                return;
            }
          },
          onError: (error) => {
            clearTimeout(timer);
            const typed = fromCallError(error);
            if (typed instanceof SessionExpiredError || typed.code === "AUTHFAILED") {
              this.apply({ type: "expired", reason: typed.message });
            }
            if (attached) connection.close(typed.message);
            else reject(typed);
          },
          onComplete: () => {
            clearTimeout(timer);
            if (attached) connection.close("the session stream ended");
            else reject(new NotReadyError(`${connection.url} ended the session stream`));
          },
        },
      );
    });
  }

  /** Confirms the session every timeout / HEARTBEATS_PER_TIMEOUT until the connection dies. */
  private async heartbeat(connection: MemberConnection, dead: Promise<void>): Promise<void> {
    const session = this.session;
    if (!session) return;
    while (!connection.dead && !isFinal(this.state)) {
      const interval = Math.max(20, Math.floor(this.grantedTimeoutMs / HEARTBEATS_PER_TIMEOUT));
      const wait = sleep(interval, this.lifetime.signal).catch(() => undefined);
      await Promise.race([wait, dead]);
      if (connection.dead || isFinal(this.state)) return;
      const sentAt = now();
      try {
        const answer = await this.raw(connection, (trpc, signal) => trpc.session.keepAlive.mutate(session, { signal }));
        if (answer.timeoutMs !== this.grantedTimeoutMs) this.setGrantedTimeout(answer.timeoutMs);
        this.apply({ type: "confirmed", sentAt });
      } catch (error) {
        if (error instanceof SessionExpiredError || isCredentialRefusal(error)) {
          this.apply({ type: "expired", reason: (error as Error).message });
        }
        connection.close(`heartbeat failed: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
    }
  }

  /** Waits until connected; throws SessionLostError on a final state, abort reason on abort, NOTREADY at the deadline. */
  async waitForConnection(deadline: number, signal?: AbortSignal): Promise<MemberConnection> {
    for (;;) {
      if (signal?.aborted) throw abortReason(signal);
      if (this.connectFailure !== undefined) throw this.connectFailure;
      const state = this.state;
      if (state.name === "closed") throw new ClientClosedError(`the client is closed: ${state.reason}`);
      if (state.name === "expired") throw new SessionExpiredError(`the session expired: ${state.reason}`);
      const connection = this.connection;
      if (state.name === "connected" && connection?.open) return connection;
      const remaining = deadline - now();
      if (remaining <= 0) {
        throw new NotReadyError(
          `no serving member within the deadline (state ${state.name}${"reason" in state ? `: ${state.reason}` : ""})`,
        );
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", wake);
          this.connectionWaiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(remaining, 100));
        this.connectionWaiters.add(wake);
        signal?.addEventListener("abort", wake, { once: true });
      });
    }
  }

  // --- calls ----------------------------------------------------------------------------------

  /** The session reference for writes and ephemerals. */
  sessionRef(): { sessionId: string; secret: string } {
    if (!this.session) throw new SessionLostError("no session yet");
    return this.session;
  }

  /**
   * Runs `invoke` on the current connection with the retry rules of docs/errors.md: safe refusals
   * are retried with backoff until the deadline; for reads, outcome-unknown failures (a dead
   * connection) are retried too, on whichever member the client moves to.
   */
  async call<T>(
    kind: "read" | "write",
    invoke: (trpc: KeelTrpc, signal: AbortSignal) => Promise<T>,
    options: CallOptions = {},
  ): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs ?? this.grantedTimeoutMs;
    const deadline = now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      const connection = await this.waitForConnection(deadline, options.signal);
      const { signal, dispose } = linkedSignal([options.signal, this.lifetime.signal], deadline - now());
      let error: KeelClientError;
      try {
        return await invoke(connection.trpc, signal);
      } catch (thrown) {
        if (options.signal?.aborted) throw abortReason(options.signal);
        if (this.lifetime.signal.aborted) throw new ClientClosedError("the client was closed during the call");
        if (signal.aborted) {
          throw kind === "write"
            ? new OperationTimeoutError(`no answer within ${timeoutMs} ms: the write may or may not have applied`)
            : new OperationTimeoutError(`no answer within ${timeoutMs} ms`);
        }
        error = fromCallError(thrown);
      } finally {
        dispose();
      }
      const retryable = error.retry === "safe" || (kind === "read" && error.retry === "unknown");
      if (!retryable) throw error;
      const delay = backoffDelayMs(Math.min(attempt, 10), this.random, this.backoff);
      if (now() + delay >= deadline) throw error;
      await sleep(delay, options.signal);
    }
  }

  async create(path: string, data?: Data, options: CreateOptions = {}): Promise<{ path: string; stat: StatView }> {
    // Every create carries the session (as in ZooKeeper): ephemerals need an owner, and the audit
    // feed (log.events) attributes each change to the session that made it.
    const input = {
      path,
      ...dataField(data),
      ...(options.kind === undefined ? {} : { kind: options.kind }),
      ...(options.ttlMs === undefined ? {} : { ttlMs: options.ttlMs }),
      ...(options.acl === undefined ? {} : { acl: options.acl }),
      session: this.sessionRef(),
    };
    checkRequestSize(input, this.requestBytesMax, path);
    const created = await this.call("write", (trpc, signal) => trpc.node.create.mutate(input, { signal }), options);
    this.observeZxid(created.stat.czxid);
    return created;
  }

  async get(path: string, options: ReadOptions = {}): Promise<NodeView> {
    const input = { path, linearizable: options.linearizable ?? false };
    const node = await this.call("read", (trpc, signal) => trpc.node.get.query(input, { signal }), options);
    this.observeStat(node.stat);
    return node;
  }

  /** The node's stat, or null when there is no node at `path`. */
  async exists(path: string, options: ReadOptions = {}): Promise<StatView | null> {
    const input = { path, linearizable: options.linearizable ?? false };
    const { stat } = await this.call("read", (trpc, signal) => trpc.node.exists.query(input, { signal }), options);
    this.observeStat(stat);
    return stat;
  }

  async set(path: string, data: Data, options: VersionOptions = {}): Promise<StatView> {
    const input = { path, ...dataField(data), version: options.version ?? -1, session: this.sessionRef() };
    checkRequestSize(input, this.requestBytesMax, path);
    const { stat } = await this.call("write", (trpc, signal) => trpc.node.set.mutate(input, { signal }), options);
    this.observeStat(stat);
    return stat;
  }

  /**
   * Deletes the node; returns the zxid of the delete. `forceRelease` marks an operator's release
   * (servers with deletion causes report it to the node's watchers with the reason).
   */
  async delete(path: string, options: DeleteOptions = {}): Promise<string> {
    const base = { path, version: options.version ?? -1, session: this.sessionRef() };
    // Older servers drop the unknown field; typed loosely until the API carries it everywhere.
    const input = (
      options.forceRelease === undefined ? base : { ...base, forceRelease: { reason: options.forceRelease } }
    ) as typeof base;
    const { zxid } = await this.call("write", (trpc, signal) => trpc.node.delete.mutate(input, { signal }), options);
    this.observeZxid(zxid);
    return zxid;
  }

  /** Every child's name, sorted (page after page: see `childrenWithStats`). */
  async children(path: string, options: ReadOptions = {}): Promise<string[]> {
    const { children } = await this.childrenWithStats(path, { ...options, withStats: false });
    return children.map((child) => child.name);
  }

  /**
   * Every child, sorted by name, with its stat (unless `withStats: false`). The server answers at
   * most 10,000 children per call; this follows `nextAfter` until the last page. Across pages the
   * listing is not one snapshot: a child created or deleted meanwhile may be missing or listed,
   * but none is listed twice (each page starts after the previous one's last name). `stat` is the
   * node's stat from the last page.
   */
  async childrenWithStats(
    path: string,
    options: ReadOptions & { withStats?: boolean } = {},
  ): Promise<{ children: ChildView[]; stat: StatView }> {
    const pageOptions: ChildrenPageOptions = {
      ...(options.linearizable === undefined ? {} : { linearizable: options.linearizable }),
      ...(options.withStats === undefined ? {} : { withStats: options.withStats }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    };
    let page = await this.childrenPage(path, pageOptions);
    const children = [...page.children];
    while (page.nextAfter !== null) {
      const after = page.nextAfter;
      page = await this.childrenPage(path, { ...pageOptions, after });
      if (page.children.length > 0 && (page.children[0] as ChildView).name <= after)
        throw new Error(`node.children of ${path} answered a page not after ${JSON.stringify(after)}`);
      children.push(...page.children);
    }
    return { children, stat: page.stat };
  }

  /** One page of children (sorted by name): up to `limit`, after `after`. */
  async childrenPage(path: string, options: ChildrenPageOptions = {}): Promise<ChildrenPage> {
    const input = {
      path,
      linearizable: options.linearizable ?? false,
      withStats: options.withStats ?? true,
      ...(options.after === undefined ? {} : { after: options.after }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    };
    const result = await this.call("read", (trpc, signal) => trpc.node.children.query(input, { signal }), options);
    this.observeStat(result.stat);
    // A server from before paging sends no nextAfter: its answer is every child.
    return { children: result.children, stat: result.stat, nextAfter: result.nextAfter ?? null };
  }

  /** Who the ensemble takes this client to be (auth.whoami): user, role, how it authenticated. */
  whoami(options: CallOptions = {}): Promise<WhoAmI> {
    return this.auth.whoami(options);
  }

  /**
   * Applies `ops` atomically. On failure nothing is applied and this throws the failing op's typed
   * error (NoNodeError, BadVersionError, ...) carrying `opIndex` and every op's `results`.
   */
  async multi(ops: readonly Op[], options: CallOptions = {}): Promise<OpResultView[]> {
    const input = { ops: [...ops], session: this.sessionRef() };
    checkRequestSize(input, this.requestBytesMax);
    const { results } = await this.call("write", (trpc, signal) => trpc.node.multi.mutate(input, { signal }), options);
    const failed = results.findIndex(
      (result) => result.type === "error" && result.code !== "OK" && result.code !== "RUNTIMEINCONSISTENCY",
    );
    if (failed >= 0) {
      const result = results[failed] as Extract<OpResultView, { type: "error" }>;
      const op = ops[failed];
      const error = keelErrorFor(result.code, result.message, op?.path);
      Object.assign(error, { opIndex: failed, results } satisfies MultiFailure);
      throw error;
    }
    for (const result of results) {
      if (result.type === "create" || result.type === "set") this.observeStat(result.stat);
    }
    return results;
  }

  /** Waits until the member in use has applied everything the leader had committed; returns that zxid. */
  async sync(path = "/", options: CallOptions = {}): Promise<string> {
    const { zxid } = await this.call("read", (trpc, signal) => trpc.node.sync.mutate({ path }, { signal }), options);
    this.observeZxid(zxid);
    return zxid;
  }

  /**
   * Watches `path` as an async iterator, resumed across reconnects from the last delivered zxid
   * with no missed or repeated event. Breaking out of the loop (or `signal`) stops it.
   */
  watch(path: string, options: WatchOptions): WatchStream {
    if (isFinal(this.state)) throw new SessionLostError(`the client is ${this.state.name}`);
    const stream = new WatchStream(path, options, {
      startZxid: options.afterZxid ?? this.zxidSeen,
      observeZxid: (zxid) => this.observeZxid(zxid),
      onEnd: (watch) => this.watches.delete(watch),
      random: this.random,
      current: () => (this.state.name === "connected" && this.connection?.open ? this.connection : undefined),
      finalState: () => (isFinal(this.state) ? this.state.name : undefined),
    });
    this.watches.add(stream);
    if (this.state.name === "connected" && this.connection?.open) stream.attachTo(this.connection);
    return stream;
  }

  /** Fails every open watch with `error` and ends them (used on expiry and close). */
  private endWatches(error: Error | undefined): void {
    for (const watch of [...this.watches]) watch.terminate(error);
    this.watches.clear();
  }

  // --- recipes (docs/client.md) -----------------------------------------------------------------

  /** A fair lock at /keel/locks/<name>. */
  lock(name: string): Lock {
    return new Lock(this, name);
  }

  /** Runs `fn` holding lock `name`; `fn` gets a signal that aborts if the lock is lost. */
  withLock<T>(
    name: string,
    fn: (signal: AbortSignal, lease: Lease) => Promise<T> | T,
    options: AcquireOptions = {},
  ): Promise<T> {
    return withLock(this, name, fn, options);
  }

  readWriteLock(name: string): ReadWriteLock {
    return new ReadWriteLock(this, name);
  }

  semaphore(name: string, permits: number): Semaphore {
    return new Semaphore(this, name, permits);
  }

  election(name: string): LeaderElection {
    return new LeaderElection(this, name);
  }

  barrier(name: string): Barrier {
    return new Barrier(this, name);
  }

  doubleBarrier(name: string, count: number): DoubleBarrier {
    return new DoubleBarrier(this, name, count);
  }

  queue(name: string): Queue {
    return new Queue(this, name);
  }

  counter(name: string): Counter {
    return new Counter(this, name);
  }

  /** Mirrors the subtree at `root` (await `cache.ready` for the initial load). */
  treeCache(root: string): TreeCache {
    return new TreeCache(this, root);
  }

  serviceRegistry(name: string): ServiceRegistry {
    return new ServiceRegistry(this, name);
  }

  /** Closes the session (its ephemerals go at once) and the connection. Idempotent. */
  async close(reason = "closed by the application"): Promise<void> {
    if (this.state.name === "closed") {
      await this.supervisor;
      return;
    }
    // Between members: wait a moment for one, so the session (and its locks) goes now rather
    // than at expiry, when it would still block others.
    if (this.session && (this.state.name === "disconnected" || this.state.name === "suspect")) {
      await this.waitForConnection(now() + Math.min(2000, this.grantedTimeoutMs / 3)).catch(() => undefined);
    }
    this.closing = true;
    const session = this.session;
    const connection = this.connection;
    if (session && connection?.open && this.state.name !== "expired") {
      await this.raw(connection, (trpc, signal) => trpc.session.close.mutate(session, { signal })).catch(
        () => undefined,
      );
    }
    this.apply({ type: "closed", reason });
    this.lifetime.abort(new ClientClosedError(`the client is closed: ${reason}`));
    this.endWatches(new ClientClosedError(`the client is closed: ${reason}`));
    this.connection?.close(reason);
    for (const wake of this.connectionWaiters) wake();
    await this.supervisor;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** AUTHFAILED (bad credentials), or NOAUTH when the ensemble requires credentials and got none. */
function isCredentialRefusal(error: unknown): error is KeelClientError {
  return error instanceof KeelClientError && (error.code === "AUTHFAILED" || error.code === "NOAUTH");
}

export function connect(options: ConnectOptions): Promise<KeelClient> {
  return KeelClient.connect(options);
}

export type { WatchEvent, WatchOptions };

/**
 * A watch as an async iterator that survives reconnects. Each event is tracked by zxid; when the
 * connection moves to another member the stream is resubscribed with `afterZxid`, and the server
 * replays every matching event after it from its history.
 *
 * One txn (a multi, say) can raise several events with the same zxid, so resuming "after the last
 * zxid delivered" could lose the rest of a txn cut in the middle. The resume point is therefore the
 * last txn known to be COMPLETE (an event with a higher zxid, or a Progress notification, proves
 * it), and the events of the txn in flight are counted so their replay is skipped exactly: no
 * event is missed and none is repeated.
 *
 * Progress notifications (`{ type: "Progress", zxid }`, servers with the progress addition) move
 * the resume point forward without an event, so a long-idle stream resumes from a recent zxid and
 * not from one that has left the server's history; they are yielded only with `progress: true`.
 */
import type { DeleteCauseView, WatchMode } from "@keel/api";
import { backoffDelayMs } from "./backoff.js";
import { Channel } from "./channel.js";
import { abortReason, fromCallError, type KeelClientError, WatchResumeError } from "./errors.js";
import { compareZxid } from "./paths.js";
import type { MemberConnection } from "./transport.js";

export type { WatchMode };

/** Why a node was deleted: the server's view, docs/api.md "Deletion causes" (docs/client.md). */
export type DeleteCause = Readonly<DeleteCauseView>;

export type WatchEventType = "NodeCreated" | "NodeDeleted" | "NodeDataChanged" | "NodeChildrenChanged" | "Progress";

export interface WatchEvent {
  readonly type: WatchEventType;
  readonly path: string;
  readonly zxid: string;
  /** On NodeDeleted, when the server reports it. */
  readonly cause?: DeleteCause;
}

export interface WatchOptions {
  readonly mode: WatchMode;
  /** Start after this zxid (default: the highest zxid the client has seen, so nothing after what it read is missed). */
  readonly afterZxid?: string;
  readonly signal?: AbortSignal;
  /** Also yield Progress notifications. Default false. */
  readonly progress?: boolean;
  /** Events buffered for a slow consumer before the stream fails. Default 10,000. */
  readonly capacity?: number;
}

export interface WatchDeps {
  readonly startZxid: string;
  readonly observeZxid: (zxid: string) => void;
  readonly onEnd: (watch: WatchStream) => void;
  readonly random: () => number;
  /** The live connection, if the client is connected. */
  readonly current: () => MemberConnection | undefined;
  /** The client's final state, if it reached one. */
  readonly finalState: () => string | undefined;
}

const ONE_SHOT: ReadonlySet<WatchMode> = new Set<WatchMode>(["data", "exists", "children"]);
const KNOWN_TYPES: ReadonlySet<string> = new Set([
  "NodeCreated",
  "NodeDeleted",
  "NodeDataChanged",
  "NodeChildrenChanged",
  "Progress",
]);

/** The exact-resume bookkeeping, pure so it can be tested on its own. */
export class ResumePoint {
  /** The last zxid whose events were all delivered. */
  private complete: string;
  /** The txn being delivered, and how many of its events were delivered. */
  private inFlight: { zxid: string; delivered: number } | undefined;
  /** How many events of the in-flight txn this subscription has seen (replays included). */
  private seenThisSubscription = 0;

  constructor(start: string) {
    this.complete = start;
  }

  /** The zxid to resume after. */
  get afterZxid(): string {
    return this.complete;
  }

  /** A new subscription starts: replayed events of the in-flight txn will be counted again. */
  restart(): void {
    this.seenThisSubscription = 0;
  }

  /** Whether to deliver an event with this zxid (false for a replayed duplicate). */
  accept(zxid: string): boolean {
    if (compareZxid(zxid, this.complete) <= 0) return false;
    const inFlight = this.inFlight;
    if (inFlight && zxid === inFlight.zxid) {
      this.seenThisSubscription += 1;
      if (this.seenThisSubscription <= inFlight.delivered) return false;
      inFlight.delivered += 1;
      return true;
    }
    if (inFlight && compareZxid(zxid, inFlight.zxid) < 0) return false;
    if (inFlight) this.complete = inFlight.zxid;
    this.inFlight = { zxid, delivered: 1 };
    this.seenThisSubscription = 1;
    return true;
  }

  /** A Progress notification: everything up to `zxid` was delivered. */
  progress(zxid: string): boolean {
    if (compareZxid(zxid, this.complete) <= 0) return false;
    if (this.inFlight && compareZxid(zxid, this.inFlight.zxid) < 0) return false;
    this.complete = zxid;
    this.inFlight = undefined;
    this.seenThisSubscription = 0;
    return true;
  }
}

interface Subscription {
  readonly connection: MemberConnection;
  handle: { unsubscribe(): void } | undefined;
}

export class WatchStream implements AsyncIterableIterator<WatchEvent>, AsyncDisposable {
  private readonly channel: Channel<WatchEvent>;
  private resume: ResumePoint;
  private subscription: Subscription | undefined;
  private finished = false;
  private delivered = 0;
  private retries = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private explicitStart: boolean;
  private readyResolve: () => void = () => {};
  /** Resolves once the server has registered the watch for the first time. */
  readonly ready: Promise<void>;

  constructor(
    readonly path: string,
    private readonly options: WatchOptions,
    private readonly deps: WatchDeps,
  ) {
    this.channel = new Channel<WatchEvent>(options.capacity ?? 10_000, () => this.stop());
    this.resume = new ResumePoint(deps.startZxid);
    this.explicitStart = options.afterZxid !== undefined;
    this.ready = new Promise<void>((resolve) => {
      this.readyResolve = resolve;
    });
    const signal = options.signal;
    if (signal) {
      if (signal.aborted) queueMicrotask(() => this.terminate(abortReason(signal)));
      else signal.addEventListener("abort", () => this.terminate(abortReason(signal)), { once: true });
    }
  }

  /** The zxid the stream would resume after. */
  get afterZxid(): string {
    return this.resume.afterZxid;
  }

  /** Subscribes on `connection` unless already subscribed there (the client calls it on every attach). */
  attachTo(connection: MemberConnection): void {
    if (this.finished || connection.dead) return;
    if (this.subscription && this.subscription.connection === connection) return;
    this.subscription?.handle?.unsubscribe();
    const subscription: Subscription = { connection, handle: undefined };
    this.subscription = subscription;
    this.resume.restart();
    const input = {
      path: this.path,
      mode: this.options.mode,
      ...(this.explicitStart || this.resume.afterZxid !== "0" ? { afterZxid: this.resume.afterZxid } : {}),
    };
    // Callbacks of a replaced subscription are ignored: only the current one speaks for the stream.
    const current = () => this.subscription === subscription;
    subscription.handle = connection.trpc.watch.events.subscribe(input, {
      onStarted: () => {
        if (current()) this.readyResolve();
      },
      onData: (envelope) => {
        if (current()) this.receive(envelope.data as WatchEvent);
      },
      onError: (error) => {
        if (current()) this.failed(connection, fromCallError(error));
      },
      onComplete: () => {
        if (current()) this.completed(connection);
      },
    });
  }

  private receive(event: WatchEvent): void {
    if (this.finished) return;
    if (!KNOWN_TYPES.has(event.type)) return; // newer servers may send more; ignore what we do not know
    this.retries = 0;
    if (event.type === "Progress") {
      if (this.resume.progress(event.zxid)) this.deps.observeZxid(event.zxid);
      if (this.options.progress) this.channel.push(event);
      return;
    }
    if (!this.resume.accept(event.zxid)) return;
    this.deps.observeZxid(event.zxid);
    this.delivered += 1;
    this.channel.push(event);
    if (ONE_SHOT.has(this.options.mode)) this.terminate(undefined);
  }

  private failed(connection: MemberConnection, error: KeelClientError): void {
    if (this.finished) return;
    this.subscription = undefined;
    if (connection.dead) {
      this.resubscribeSoon(0);
      return;
    }
    if (error.code === "BADARGUMENTS" && /history/.test(error.message)) {
      if (!this.explicitStart && this.delivered === 0 && this.resume.afterZxid !== "0") {
        // A fresh watch from an old zxid: start from now instead (nothing was delivered yet).
        this.restartFromNow();
        return;
      }
      this.terminate(new WatchResumeError(error.message, this.path, { cause: error }));
      return;
    }
    if (error.retry === "safe" || error.retry === "unknown") {
      this.retries += 1;
      this.resubscribeSoon(backoffDelayMs(Math.min(this.retries, 6), this.deps.random));
      return;
    }
    this.terminate(error);
  }

  private restartFromNow(): void {
    this.resume = new ResumePoint("0");
    this.explicitStart = false;
    this.resubscribeSoon(0);
  }

  private completed(connection: MemberConnection): void {
    if (this.finished) return;
    this.subscription = undefined;
    if (connection.dead) {
      this.resubscribeSoon(0);
      return;
    }
    // The server ended the stream: a one-shot watch that fired, or a stream it closed.
    this.terminate(undefined);
  }

  /** Resubscribes on the live connection after `delayMs`; the client's next attach does it otherwise. */
  private resubscribeSoon(delayMs: number): void {
    if (this.retryTimer !== undefined) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.finished) return;
      const final = this.deps.finalState();
      if (final !== undefined) return;
      const connection = this.deps.current();
      if (connection) this.attachTo(connection);
    }, delayMs);
  }

  /** Ends the stream: `error` fails the consumer's loop, undefined ends it normally. */
  terminate(error: Error | undefined): void {
    if (this.finished) return;
    this.finished = true;
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.subscription?.handle?.unsubscribe();
    this.subscription = undefined;
    this.readyResolve();
    if (error) this.channel.fail(error);
    else this.channel.end();
    this.deps.onEnd(this);
  }

  private stop(): void {
    this.terminate(undefined);
  }

  next(): Promise<IteratorResult<WatchEvent>> {
    return this.channel.next();
  }

  return(): Promise<IteratorResult<WatchEvent>> {
    return this.channel.return();
  }

  /** Stops the watch. */
  close(): void {
    void this.channel.return();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

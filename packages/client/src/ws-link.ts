/**
 * The SDK's tRPC link: every call and subscription of one client over one WebSocket, speaking
 * tRPC v11's WebSocket messages (requests `{id, method, params: {path, input}}`, answers
 * `{id, result: {type: "started" | "data" | "stopped", data?}}` or `{id, error}`).
 *
 * Why not tRPC's own wsLink: it holds every call back with `setTimeout(0)` to batch calls made in
 * the same tick, and Node runs such a timer no sooner than 1 ms later. A client doing one call at a
 * time (a lock holder releasing, the next waiter checking its predecessor) paid that millisecond
 * on every step: the sequential-write bench measured 2.8 ms per write against a 1-node ensemble
 * through wsLink and 1.5 ms with the delay taken out. Here calls made in one turn of the event
 * loop leave together at the end of that turn (`setImmediate`), which batches as well with no
 * timer. This link also never reconnects (the client moves the session to another member
 * itself) and keeps every message under the server's size cap (`packMessages`). The SDK calls it
 * through `client`, a typed proxy with no tRPC client machinery in between; `link` offers the same
 * calls to tRPC's `createTRPCClient`.
 */
import type { AppRouter } from "@keel/api";
import { type TRPCClient, TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import { utf8Length } from "./bytes.js";

/** The WebSocket the link needs: the browser's, or `ws` in Node 20. */
export interface LinkWebSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(
    type: "open" | "close" | "error" | "message",
    listener: (event: { data?: unknown; message?: unknown }) => void,
  ): void;
}

const OPEN = 1;

/** How one call in flight takes what the server says about it. */
interface Call {
  readonly method: "query" | "mutation" | "subscription";
  /** Takes one answer; true when the call is over (its last answer, or an error). */
  readonly answer: (answer: Answer) => boolean;
  /** The socket died with the call in flight. */
  readonly died: (reason: string) => void;
}

/** What the server sends back for one call. */
interface Answer {
  readonly id?: unknown;
  readonly method?: unknown;
  readonly result?: { readonly type?: string; readonly data?: unknown };
  readonly error?: unknown;
}

/** What a stream's owner hears, as tRPC's client hands it (`onStarted`, `onData`, ...). */
export interface StreamHandlers {
  readonly onStarted?: () => void;
  readonly onData?: (data: never) => void;
  readonly onError?: (error: TRPCClientError<AppRouter>) => void;
  readonly onStopped?: () => void;
  readonly onComplete?: () => void;
}

const serverError = (error: unknown) => TRPCClientError.from({ error }) as TRPCClientError<AppRouter>;
const closedError = (reason: string) =>
  TRPCClientError.from(new Error(`WebSocket closed: ${reason}`)) as TRPCClientError<AppRouter>;

/**
 * Greedily packs `parts` (already-encoded JSON messages) into groups whose JSON array fits in
 * `maxBytes`. A part over the limit goes alone (the client refuses such a call before it is made).
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

export interface SocketLinkOptions {
  readonly socket: LinkWebSocket;
  /** The server's cap on one WebSocket message, in bytes. */
  readonly requestBytesMax: number;
  readonly onOpen: () => void;
  /** Called once, after the calls in flight failed and the subscriptions completed. */
  readonly onDead: (reason: string) => void;
}

export class SocketLink {
  private readonly calls = new Map<number, Call>();
  private nextId = 1;
  /** Encoded requests made this turn, sent together when the turn ends (or when the socket opens). */
  private outbox: string[] = [];
  private flushScheduled = false;
  private isDead = false;

  constructor(private readonly options: SocketLinkOptions) {
    const { socket } = options;
    socket.addEventListener("open", () => {
      if (this.isDead) return;
      options.onOpen();
      this.flush();
    });
    socket.addEventListener("message", (event) => this.receive(event.data));
    socket.addEventListener("close", () => this.die("the connection closed"));
    // `ws` says why in the error event (e.g. "Unexpected server response: 401"); browsers do not.
    socket.addEventListener("error", (event) =>
      this.die(
        typeof event.message === "string" && event.message.length > 0
          ? `the connection failed: ${event.message}`
          : "the connection failed",
      ),
    );
  }

  /** One query or mutation: resolves with its data, rejects with a TRPCClientError (or the abort reason). */
  request(method: "query" | "mutation", path: string, input: unknown, signal?: AbortSignal): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.isDead) {
        reject(closedError("the connection is gone"));
        return;
      }
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const id = this.nextId++;
      const onAbort = () => {
        this.calls.delete(id);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.calls.set(id, {
        method,
        answer: (answer) => {
          signal?.removeEventListener("abort", onAbort);
          if (answer.error !== undefined) reject(serverError(answer.error));
          else resolve(answer.result?.data);
          return true;
        },
        died: (reason) => {
          signal?.removeEventListener("abort", onAbort);
          reject(closedError(reason));
        },
      });
      this.enqueue(JSON.stringify({ id, method, params: { path, input } }));
    });
  }

  /** One stream: `unsubscribe` stops it on the server. A dead socket completes it (the owner resumes elsewhere). */
  subscribe(path: string, input: unknown, handlers: StreamHandlers): { unsubscribe(): void } {
    if (this.isDead) {
      handlers.onComplete?.();
      return { unsubscribe: () => {} };
    }
    const id = this.nextId++;
    this.calls.set(id, {
      method: "subscription",
      answer: (answer) => {
        if (answer.error !== undefined) {
          handlers.onError?.(serverError(answer.error));
          return true;
        }
        switch (answer.result?.type) {
          case "started":
            handlers.onStarted?.();
            return false;
          case "stopped":
            handlers.onStopped?.();
            handlers.onComplete?.();
            return true;
          default:
            handlers.onData?.(answer.result?.data as never);
            return false;
        }
      },
      died: () => handlers.onComplete?.(),
    });
    this.enqueue(JSON.stringify({ id, method: "subscription", params: { path, input } }));
    return {
      unsubscribe: () => {
        if (!this.calls.delete(id) || this.isDead) return;
        this.enqueue(JSON.stringify({ id, method: "subscription.stop" }));
      },
    };
  }

  /**
   * The API as a typed client (`client.node.get.query(input, { signal })`, `.mutate`,
   * `.subscribe(input, handlers)`) calling `request` and `subscribe` directly. tRPC's own client
   * would put an observable chain, a shared subscription and an AbortController (aborted, with a
   * DOMException, when each call completes) around every call: about a third of the SDK's CPU per
   * call under a read load, for nothing the SDK uses.
   */
  readonly client: TRPCClient<AppRouter> = procedureProxy(this, []) as TRPCClient<AppRouter>;

  /** The same calls as a tRPC link, for `createTRPCClient` (tools that want tRPC's client). */
  readonly link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable((observer) => {
        const { type, path, input, signal } = op;
        if (type === "subscription") {
          const stream = this.subscribe(path, input, {
            onStarted: () => observer.next({ result: { type: "started" } }),
            onData: (data: never) => observer.next({ result: { type: "data", data } }),
            onError: (error) => observer.error(error),
            onComplete: () => observer.complete(),
          });
          return () => stream.unsubscribe();
        }
        this.request(type, path, input, signal ?? undefined).then(
          (data) => {
            observer.next({ result: { type: "data", data } });
            observer.complete();
          },
          (error: unknown) => {
            if (signal?.aborted) observer.complete();
            else observer.error(error as TRPCClientError<AppRouter>);
          },
        );
        return () => {};
      });

  /** True from the moment the socket started closing: before its calls fail and streams end. */
  get dead(): boolean {
    return this.isDead;
  }

  /** Closes the socket: calls in flight fail, subscriptions complete. Idempotent. */
  close(reason: string): void {
    this.die(reason);
  }

  private enqueue(message: string): void {
    this.outbox.push(message);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    const { socket, requestBytesMax } = this.options;
    if (this.isDead || this.outbox.length === 0 || socket.readyState !== OPEN) return;
    const parts = this.outbox;
    this.outbox = [];
    if (parts.length === 1) {
      socket.send(parts[0] as string);
      return;
    }
    const sizes = parts.map((part) => utf8Length(part));
    for (const message of packMessages(parts, sizes, requestBytesMax)) socket.send(message);
  }

  private receive(data: unknown): void {
    if (this.isDead) return;
    const text = typeof data === "string" ? data : String(data);
    if (text === "PING" || text === "PONG") return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.die("the server sent a message that is not JSON");
      return;
    }
    for (const answer of Array.isArray(parsed) ? parsed : [parsed]) this.answer(answer as Answer);
  }

  private answer(answer: Answer): void {
    // The server asks its clients to reconnect when it shuts down: move on at once.
    if (answer.method === "reconnect") {
      this.die("the member is shutting down");
      return;
    }
    const call = typeof answer.id === "number" ? this.calls.get(answer.id) : undefined;
    if (call === undefined) return; // a call already given up (aborted, unsubscribed)
    if (call.answer(answer)) this.calls.delete(answer.id as number);
  }

  private die(reason: string): void {
    if (this.isDead) return;
    this.isDead = true;
    this.outbox = [];
    const calls = [...this.calls.values()];
    this.calls.clear();
    for (const call of calls) call.died(reason);
    try {
      this.options.socket.close();
    } catch {
      // already closed or never opened: nothing left to release
    }
    this.options.onDead(reason);
  }
}

/**
 * `client.a.b.query(input, opts)` → `link.request("query", "a.b", input, opts.signal)`, and
 * `.mutate` and `.subscribe(input, handlers)` likewise. `then` is never a procedure, so the proxy is
 * not mistaken for a promise.
 */
function procedureProxy(link: SocketLink, segments: readonly string[]): unknown {
  return new Proxy(() => {}, {
    get: (_target, key) =>
      typeof key === "string" && key !== "then" ? procedureProxy(link, [...segments, key]) : undefined,
    apply: (_target, _this, args: unknown[]) => {
      const kind = segments.at(-1);
      const path = segments.slice(0, -1).join(".");
      const [input, options] = args as [unknown, { signal?: AbortSignal } & StreamHandlers];
      switch (kind) {
        case "query":
          return link.request("query", path, input, options?.signal);
        case "mutate":
          return link.request("mutation", path, input, options?.signal);
        case "subscribe":
          return link.subscribe(path, input, options ?? {});
        default:
          throw new TypeError(`${segments.join(".")} is not a procedure call (query, mutate or subscribe)`);
      }
    },
  });
}

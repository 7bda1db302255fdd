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
 * itself) and keeps every message under the server's size cap (`packMessages`).
 */
import type { AppRouter } from "@keel/api";
import { type OperationResultEnvelope, TRPCClientError, type TRPCLink } from "@trpc/client";
import { type Observer, observable } from "@trpc/server/observable";
import { utf8Length } from "./bytes.js";

/** The WebSocket the link needs: the browser's, or `ws` in Node 20. */
export interface LinkWebSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: "open" | "close" | "error" | "message", listener: (event: { data?: unknown }) => void): void;
}

const OPEN = 1;

type CallObserver = Observer<OperationResultEnvelope<unknown, TRPCClientError<AppRouter>>, TRPCClientError<AppRouter>>;

interface Call {
  readonly method: "query" | "mutation" | "subscription";
  readonly observer: CallObserver;
}

/** What the server sends back for one call. */
interface Answer {
  readonly id?: unknown;
  readonly method?: unknown;
  readonly result?: { readonly type?: string; readonly data?: unknown };
  readonly error?: unknown;
}

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
    socket.addEventListener("error", () => this.die("the connection failed"));
  }

  /** The tRPC link; give it to `createTRPCClient`. */
  readonly link: TRPCLink<AppRouter> =
    () =>
    ({ op }) =>
      observable((observer) => {
        const { id, type, path, input, signal } = op;
        if (this.isDead) {
          if (type === "subscription") observer.complete();
          else observer.error(TRPCClientError.from(new Error("WebSocket closed")));
          return () => {};
        }
        this.calls.set(id, { method: type, observer });
        this.enqueue(JSON.stringify({ id, method: type, params: { path, input } }));
        const onAbort = () => observer.complete();
        if (signal?.aborted) onAbort();
        else signal?.addEventListener("abort", onAbort, { once: true });
        return () => {
          signal?.removeEventListener("abort", onAbort);
          const call = this.calls.get(id);
          if (call === undefined) return;
          this.calls.delete(id);
          if (call.method === "subscription" && !this.isDead)
            this.enqueue(JSON.stringify({ id, method: "subscription.stop" }));
        };
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
    if (answer.error !== undefined) {
      this.calls.delete(answer.id as number);
      call.observer.error(TRPCClientError.from({ error: answer.error }));
      return;
    }
    const result = answer.result ?? {};
    call.observer.next({ result: result as OperationResultEnvelope<unknown, never>["result"] });
    if (call.method === "subscription" && result.type !== "stopped") return;
    this.calls.delete(answer.id as number);
    call.observer.complete();
  }

  private die(reason: string): void {
    if (this.isDead) return;
    this.isDead = true;
    this.outbox = [];
    const calls = [...this.calls.values()];
    this.calls.clear();
    for (const call of calls) {
      if (call.method === "subscription") call.observer.complete();
      else call.observer.error(TRPCClientError.from(new Error(`WebSocket closed: ${reason}`)));
    }
    try {
      this.options.socket.close();
    } catch {
      // already closed or never opened: nothing left to release
    }
    this.options.onDead(reason);
  }
}

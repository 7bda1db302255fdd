/**
 * Bounds the API work one event-loop turn may start from WebSocket messages.
 *
 * tRPC's WebSocket handler runs every call of a message synchronously (each call's middleware,
 * validation and coordinator code run as microtasks of the same macrotask), and its client packs
 * every call queued in one tick into one JSON array. So a client with 1,000 calls in flight can
 * hand the server one message that keeps the event loop busy for as long as those 1,000 calls take
 * to start, and peer heartbeats wait behind it: the followers then call an election (robustness
 * issue, case 2). The pacer sits between the socket and tRPC: it splits big arrays into slices
 * and lets at most `callsPerTurnMax` calls through per turn across all sockets, keeping each
 * socket's order; the rest wait for the next turn, after the loop has handled I/O and timers.
 * Small traffic passes straight through without a delay.
 */
import type { RawData, WebSocket } from "ws";

/** Calls all WebSockets may start in one event-loop turn. */
export const WS_CALLS_PER_TURN_MAX = 64;

interface Part {
  readonly data: RawData;
  readonly calls: number;
}

interface SocketQueue {
  readonly emitMessage: (data: RawData) => void;
  readonly parts: Part[];
}

const LEFT_BRACKET = 0x5b;

/**
 * tRPC's text keep-alive strings (a client with keepAlive on sends "PING"; tRPC answers "PONG")
 * pass at once, ahead of queued calls: they start no work, and a client that hears no PONG behind
 * a backlog of calls closes a connection that is only busy. (The server's own liveness check uses
 * WebSocket-level pings, which never reach the pacer.)
 */
function isKeepAlive(data: RawData): boolean {
  return Buffer.isBuffer(data) && data.length === 4 && (data.toString() === "PING" || data.toString() === "PONG");
}

export class MessagePacer {
  private budget: number;
  private refillScheduled = false;
  /** Sockets with parts waiting, served round-robin in insertion order. */
  private readonly waiting = new Set<SocketQueue>();

  constructor(private readonly callsPerTurnMax = WS_CALLS_PER_TURN_MAX) {
    this.budget = callsPerTurnMax;
  }

  /** Routes `ws`'s text messages through the pacer; call before any message can arrive. */
  attach(ws: WebSocket): void {
    const emit = ws.emit.bind(ws) as (event: string | symbol, ...args: unknown[]) => boolean;
    const queue: SocketQueue = { emitMessage: (data) => emit("message", data, false), parts: [] };
    ws.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
      if (event !== "message" || args[1] === true || isKeepAlive(args[0] as RawData)) return emit(event, ...args);
      queue.parts.push(...this.split(args[0] as RawData));
      this.serve(queue);
      return true;
    }) as typeof ws.emit;
    ws.once("close", () => {
      queue.parts.length = 0;
      this.waiting.delete(queue);
    });
  }

  /** One part per call budget: a JSON array longer than the per-turn budget becomes several arrays. */
  private split(data: RawData): Part[] {
    if (!Buffer.isBuffer(data) || data[0] !== LEFT_BRACKET) return [{ data, calls: 1 }];
    let calls: unknown;
    try {
      calls = JSON.parse(data.toString("utf8"));
    } catch {
      return [{ data, calls: 1 }]; // tRPC answers the parse error itself
    }
    if (!Array.isArray(calls)) return [{ data, calls: 1 }];
    if (calls.length <= this.callsPerTurnMax) return [{ data, calls: Math.max(1, calls.length) }];
    const parts: Part[] = [];
    for (let start = 0; start < calls.length; start += this.callsPerTurnMax) {
      const slice = calls.slice(start, start + this.callsPerTurnMax);
      parts.push({ data: Buffer.from(JSON.stringify(slice)), calls: slice.length });
    }
    return parts;
  }

  private serve(queue: SocketQueue): void {
    let part = queue.parts[0];
    // A socket with parts already waiting keeps its order: new parts go behind them.
    while (part !== undefined && part.calls <= this.budget) {
      queue.parts.shift();
      this.budget -= part.calls;
      queue.emitMessage(part.data);
      part = queue.parts[0];
    }
    if (part !== undefined) this.waiting.add(queue);
    else this.waiting.delete(queue);
    if (this.budget < this.callsPerTurnMax) this.scheduleRefill();
  }

  private scheduleRefill(): void {
    if (this.refillScheduled) return;
    this.refillScheduled = true;
    setImmediate(() => {
      this.refillScheduled = false;
      this.budget = this.callsPerTurnMax;
      for (const queue of [...this.waiting]) this.serve(queue);
    });
  }
}

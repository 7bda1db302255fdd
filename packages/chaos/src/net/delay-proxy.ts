/**
 * A TCP relay that delays every chunk in both directions, for `NetworkLab.delay`. This kernel has no
 * `sch_netem` (CONFIG_NET_SCH_NETEM is off), so `tc qdisc … netem delay` is not available: instead
 * the lab DNATs a delayed member's peer connections to one of these relays in the root namespace.
 *
 * Order within a direction is kept: a chunk leaves no earlier than the one before it, so jitter
 * stretches gaps but never reorders the byte stream (TCP could not reorder it either).
 */
import { createConnection, createServer, type Server, type Socket } from "node:net";

export interface DelayProxyOptions {
  /** Address the relay listens on (the lab's bridge address, reachable from every namespace). */
  readonly listenHost: string;
  readonly targetHost: string;
  readonly targetPort: number;
  /** The one-way delay for a chunk from `sourceHost` (looked up per connection, per chunk). */
  readonly delayMsFor: (sourceHost: string) => number;
}

export class DelayProxy {
  private constructor(
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
    private readonly counter: { bytes: number },
    readonly port: number,
  ) {}

  /** Bytes relayed so far, both ways: shows that traffic really took the delayed path. */
  get bytesRelayed(): number {
    return this.counter.bytes;
  }

  static async start(options: DelayProxyOptions): Promise<DelayProxy> {
    const sockets = new Set<Socket>();
    const counter = { bytes: 0 };
    const server = createServer((inbound) => relay(inbound, options, sockets, counter));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, options.listenHost, () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("delay proxy: no TCP address");
    return new DelayProxy(server, sockets, counter, address.port);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function relay(inbound: Socket, options: DelayProxyOptions, sockets: Set<Socket>, counter: { bytes: number }): void {
  const outbound = createConnection({ host: options.targetHost, port: options.targetPort });
  const source = inbound.remoteAddress ?? "";
  for (const socket of [inbound, outbound]) {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on("close", () => {
      sockets.delete(socket);
      inbound.destroy();
      outbound.destroy();
    });
    socket.on("error", () => socket.destroy());
  }
  pipeDelayed(inbound, outbound, () => options.delayMsFor(source), counter);
  pipeDelayed(outbound, inbound, () => options.delayMsFor(source), counter);
}

function pipeDelayed(from: Socket, to: Socket, delayMs: () => number, counter: { bytes: number }): void {
  let lastDueMs = 0;
  from.on("data", (chunk: Buffer) => {
    counter.bytes += chunk.length;
    const dueMs = Math.max(lastDueMs, performance.now() + Math.max(0, delayMs()));
    lastDueMs = dueMs;
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, dueMs - performance.now());
  });
  from.on("end", () => {
    setTimeout(() => to.end(), Math.max(0, lastDueMs - performance.now()));
  });
}

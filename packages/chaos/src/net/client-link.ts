/**
 * A freezable TCP relay between ONE client and the members: one listening port per member on
 * 127.0.0.1, each forwarding to that member. `freeze()` stops relaying bytes both ways without
 * closing anything: bytes (and a side's end) are held and delivered on `thaw()`, as a network that
 * held a paused client's packets would. It lets a chaos workload stall one SDK client (a GC pause, a
 * stopped VM) while the servers run on untouched, and a request sent into the frozen link reaches
 * the server only after the thaw: the late write fencing tokens exist to stop.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";

/** One direction of one relayed connection: what it holds while frozen. */
interface Pipe {
  readonly from: Socket;
  readonly to: Socket;
  readonly held: Buffer[];
  /** The sending side ended (or closed) while frozen: end the receiving side after the held bytes. */
  endHeld: boolean;
}

export class ClientLink {
  private frozen = false;
  private closed = false;
  private readonly servers: Server[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly pipes = new Set<Pipe>();
  private readonly listening: string[] = [];

  private constructor() {}

  /** Listens on one port per target (`http://host:port`); the link's URLs map to them in order. */
  static async open(targetUrls: readonly string[]): Promise<ClientLink> {
    const link = new ClientLink();
    try {
      for (const target of targetUrls) link.listening.push(await link.listen(new URL(target)));
    } catch (error) {
      await link.close();
      throw error;
    }
    return link;
  }

  /** The URL for each member, in the order of the targets given: what `connect({ servers })` takes. */
  get urls(): readonly string[] {
    return this.listening;
  }

  get isFrozen(): boolean {
    return this.frozen;
  }

  /** Stops relaying, both ways, on every connection (and on the ones opened while frozen). */
  freeze(): void {
    this.frozen = true;
  }

  /** Delivers what was held, in order, and relays again. */
  thaw(): void {
    this.frozen = false;
    for (const pipe of [...this.pipes]) this.flush(pipe);
  }

  /**
   * Closes every connection open now, both sides, dropping what was held, but keeps listening: the
   * client sees its connections drop (as when a member crashes or a NAT forgets it) and must
   * reconnect, here through the same link. Freezing first and thawing later holds that reconnect
   * back, so the client misses whatever happened meanwhile and must catch up when it resumes.
   */
  cut(): void {
    for (const socket of this.sockets) socket.destroy();
    // Every pipe ran between sockets destroyed above: nothing is left to flush.
    this.pipes.clear();
  }

  /** Closes every listener and connection; held bytes are dropped. */
  async close(): Promise<void> {
    this.closed = true;
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }

  private async listen(target: URL): Promise<string> {
    // Half-open: an end is relayed (or held) like any byte, not answered by the relay itself.
    const server = createServer({ allowHalfOpen: true }, (client) => this.relay(client, target));
    server.on("error", () => {});
    this.servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("client link: no TCP address");
    return `${target.protocol}//127.0.0.1:${address.port}`;
  }

  private relay(client: Socket, target: URL): void {
    const upstream = tcpConnect({ port: Number(target.port), host: target.hostname, allowHalfOpen: true });
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      // A socket error must never escape: a reset on one side closes the other, as a relay would.
      socket.on("error", () => {});
      socket.on("close", () => this.sockets.delete(socket));
    }
    if (this.closed) {
      client.destroy();
      upstream.destroy();
      return;
    }
    this.pipe(client, upstream);
    this.pipe(upstream, client);
  }

  private pipe(from: Socket, to: Socket): void {
    const pipe: Pipe = { from, to, held: [], endHeld: false };
    this.pipes.add(pipe);
    from.on("data", (chunk: Buffer) => {
      if (this.frozen) pipe.held.push(chunk);
      else if (!to.destroyed) to.write(chunk);
    });
    const ended = () => {
      pipe.endHeld = true;
      if (!this.frozen) this.flush(pipe);
    };
    from.on("end", ended);
    from.on("close", ended);
    // An upstream that never connected (the member is down) looks like a refused connection to the client.
    to.on("close", () => {
      if (!this.frozen) from.destroy();
    });
  }

  private flush(pipe: Pipe): void {
    const { to } = pipe;
    const held = pipe.held.splice(0);
    if (to.destroyed) {
      // The other side went while frozen: the sender learns it only now.
      this.pipes.delete(pipe);
      pipe.from.destroy();
      return;
    }
    for (const chunk of held) to.write(chunk);
    if (pipe.endHeld) {
      this.pipes.delete(pipe);
      to.end();
    }
  }
}

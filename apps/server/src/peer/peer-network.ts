/**
 * PeerNetwork: the TCP links between the servers of one ensemble. Payloads are opaque bytes here;
 * the replica host plugs in core's message codec.
 *
 * Rules (docs/operations.md, "Peer transport"):
 * - One link per pair. Only the higher id dials the lower one, and an inbound hello from a lower id is
 *   refused, so two servers never race to create two links (ZooKeeper reaches the same end by dialing
 *   both ways and dropping the lower id's link). When a new link to a peer is accepted while an old
 *   one still looks alive, the new one replaces it: the dialer only redials after losing the old one.
 * - The dialer redials after any failure with doubling delay, jittered (half fixed, half random),
 *   from peerReconnectDelayMinMs to peerReconnectDelayMaxMs, reset by a successful handshake.
 * - A link is a gap-free FIFO or it is gone. `send` never blocks and drops the frame when the peer
 *   is not connected (ZAB tolerates loss and resynchronizes). When a peer's unsent bytes would exceed
 *   peerSendQueueBytesMax the link is reset rather than dropping a frame from its middle, which would
 *   leave a silent gap; the peer goes down, the dialer reconnects and ZAB resyncs.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import type { Logger } from "pino";
import type { ServerConfig } from "../config.js";
import { FrameDecoder, frameHeader, frameHeaderBytes } from "./framing.js";
import {
  checkHello,
  encodeHello,
  type HandshakeDirection,
  handshakeFrameBytesMax,
  peerProtocolVersion,
} from "./handshake.js";

export type PeerNetworkConfig = Pick<
  ServerConfig,
  | "id"
  | "ensembleId"
  | "peerHost"
  | "peerPort"
  | "peers"
  | "peerFrameBytesMax"
  | "peerSendQueueBytesMax"
  | "peerReconnectDelayMinMs"
  | "peerReconnectDelayMaxMs"
>;

/** The slice of ServerMetrics this module updates; structural so peer/ does not import prom-client. */
export interface PeerNetworkMetrics {
  readonly peersConnected: { set(value: number): void };
  readonly peerFramesSentTotal: { inc(): void };
  readonly peerFramesReceivedTotal: { inc(): void };
  readonly peerFramesDroppedTotal: { inc(labels: { reason: string }): void };
  readonly peerConnectionsRejectedTotal: { inc(): void };
}

export interface PeerNetworkOptions {
  readonly config: PeerNetworkConfig;
  readonly logger: Logger;
  readonly metrics?: PeerNetworkMetrics;
  /** Jitter source in [0, 1); injectable so tests can pin delays. */
  readonly random?: () => number;
}

/** A dial or an accepted socket must finish its handshake within this, or it is closed. */
export const peerHandshakeTimeoutMs = 5000;
/** Unauthenticated inbound sockets held at once; more are closed on accept. */
export const peerPendingInboundMax = 64;
/** close() waits this long for peers to acknowledge our FIN before destroying the socket. */
export const peerCloseGraceMs = 1000;
/** TCP keepalive probes start after this idle time; ZAB's own pings detect a stuck peer sooner. */
export const peerKeepAliveDelayMs = 1000;

export type PeerDownReason = "closed" | "replaced" | "sendQueueFull" | "frameTooLarge" | "shutdown";

type FrameListener = (peerId: number, frame: Uint8Array) => void;
type PeerUpListener = (peerId: number) => void;
type PeerDownListener = (peerId: number, reason: PeerDownReason) => void;

interface Link {
  readonly socket: Socket;
  readonly direction: HandshakeDirection;
  readonly decoder: FrameDecoder;
  state: "handshaking" | "up" | "closed";
  peerId: number | undefined;
  handshakeTimer: NodeJS.Timeout | undefined;
  /** Why we are tearing it down, reported in onPeerDown; "closed" when the other side went away. */
  downReason: PeerDownReason;
}

export class PeerNetwork {
  private readonly config: PeerNetworkConfig;
  private readonly logger: Logger;
  private readonly metrics: PeerNetworkMetrics | undefined;
  private readonly random: () => number;
  private readonly server: Server;
  private readonly links = new Map<number, Link>();
  private readonly allLinks = new Set<Link>();
  private readonly redialTimers = new Map<number, NodeJS.Timeout>();
  private readonly dialAttempts = new Map<number, number>();
  private readonly frameListeners: FrameListener[] = [];
  private readonly upListeners: PeerUpListener[] = [];
  private readonly downListeners: PeerDownListener[] = [];
  private readonly hello: Uint8Array;
  private lifecycle: "new" | "running" | "closing" | "closed" = "new";

  constructor(options: PeerNetworkOptions) {
    this.config = options.config;
    this.logger = options.logger.child({ component: "peer" });
    this.metrics = options.metrics;
    this.random = options.random ?? Math.random;
    this.hello = encodeHello({
      protocolVersion: peerProtocolVersion,
      serverId: this.config.id,
      ensembleId: this.config.ensembleId,
    });
    this.server = createServer({ noDelay: true }, (socket) => this.accept(socket));
  }

  /** Listens on peerHost:peerPort, then dials every peer with a lower id. Rejects if the port is taken. */
  async start(): Promise<void> {
    if (this.lifecycle !== "new") throw new Error("PeerNetwork.start: already started");
    this.lifecycle = "running";
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once("error", onError);
      this.server.listen(this.config.peerPort, this.config.peerHost, () => {
        this.server.off("error", onError);
        resolve();
      });
    });
    this.server.on("error", (error) => this.logger.error({ err: error }, "peer listener failed"));
    this.logger.info({ host: this.config.peerHost, port: this.config.peerPort }, "peer transport listening");
    for (const peer of this.config.peers) {
      if (peer.id < this.config.id) this.dial(peer.id);
    }
  }

  onFrame(listener: FrameListener): () => void {
    return subscribe(this.frameListeners, listener);
  }

  onPeerUp(listener: PeerUpListener): () => void {
    return subscribe(this.upListeners, listener);
  }

  /**
   * An established (handshaken) link to a peer closed, whatever the cause; it fires once per link and
   * never for a dial that did not connect. The replica host steps it as LINK_DOWN (fast failover).
   */
  onPeerDown(listener: PeerDownListener): () => void {
    return subscribe(this.downListeners, listener);
  }

  /** Peer ids with a live, handshaken link, ascending. */
  connectedPeers(): number[] {
    return [...this.links.keys()].sort((a, b) => a - b);
  }

  /**
   * Queues `frame` for `peerId` without blocking. Returns false when it was dropped (peer not
   * connected, or its send queue overflowed and the link was reset). The caller must not mutate
   * `frame` afterwards; it is written without a copy.
   */
  send(peerId: number, frame: Uint8Array): boolean {
    if (frame.byteLength > this.config.peerFrameBytesMax) {
      // The receiver would drop the link: the frame is lost, not thrown (a throw here would escape
      // the drive loop and kill the server). Core bounds every message below this; log loudly.
      this.logger.error(
        { peerId, frameBytes: frame.byteLength, limitBytes: this.config.peerFrameBytesMax },
        "peer frame over the limit; dropped",
      );
      this.metrics?.peerFramesDroppedTotal.inc({ reason: "frameTooLarge" });
      return false;
    }
    const link = this.links.get(peerId);
    if (link === undefined) {
      this.metrics?.peerFramesDroppedTotal.inc({ reason: "notConnected" });
      return false;
    }
    const { socket } = link;
    if (socket.writableLength + frameHeaderBytes + frame.byteLength > this.config.peerSendQueueBytesMax) {
      this.logger.warn(
        { peerId, queuedBytes: socket.writableLength, limitBytes: this.config.peerSendQueueBytesMax },
        "peer send queue full; resetting the link",
      );
      this.metrics?.peerFramesDroppedTotal.inc({ reason: "sendQueueFull" });
      this.teardown(link, "sendQueueFull");
      return false;
    }
    socket.cork();
    socket.write(frameHeader(frame.byteLength));
    socket.write(frame);
    socket.uncork();
    this.metrics?.peerFramesSentTotal.inc();
    return true;
  }

  /** Stops listening and redialing, flushes and closes every link. Resolves when every socket is closed. */
  async close(): Promise<void> {
    if (this.lifecycle === "closed" || this.lifecycle === "closing") return;
    const wasListening = this.lifecycle === "running";
    this.lifecycle = "closing";
    for (const timer of this.redialTimers.values()) clearTimeout(timer);
    this.redialTimers.clear();
    const serverClosed = wasListening
      ? new Promise<void>((resolve) => this.server.close(() => resolve()))
      : Promise.resolve();
    const socketsClosed = [...this.allLinks].map((link) => this.closeGracefully(link));
    await Promise.all([serverClosed, ...socketsClosed]);
    this.lifecycle = "closed";
    this.logger.info("peer transport closed");
  }

  private closeGracefully(link: Link): Promise<void> {
    return new Promise<void>((resolve) => {
      if (link.socket.closed) {
        resolve();
        return;
      }
      link.socket.once("close", () => resolve());
      link.downReason = "shutdown";
      if (link.state !== "up") {
        link.socket.destroy();
        return;
      }
      // end() flushes queued frames and sends FIN; the grace timer covers a peer that never answers.
      const grace = setTimeout(() => link.socket.destroy(), peerCloseGraceMs);
      link.socket.once("close", () => clearTimeout(grace));
      link.socket.end();
    });
  }

  private accept(socket: Socket): void {
    const pending = [...this.allLinks].filter((link) => link.state === "handshaking").length;
    if (this.lifecycle !== "running" || pending >= peerPendingInboundMax) {
      socket.destroy();
      return;
    }
    this.attach(socket, { type: "inbound" });
  }

  private dial(peerId: number): void {
    const peer = this.config.peers.find((candidate) => candidate.id === peerId);
    if (peer === undefined || this.lifecycle !== "running") return;
    this.logger.debug({ peerId, host: peer.host, port: peer.peerPort }, "dialing peer");
    const socket = tcpConnect({ host: peer.host, port: peer.peerPort, noDelay: true });
    this.attach(socket, { type: "outbound", dialedId: peerId });
  }

  private scheduleRedial(peerId: number): void {
    if (this.lifecycle !== "running" || this.redialTimers.has(peerId)) return;
    const attempt = this.dialAttempts.get(peerId) ?? 0;
    this.dialAttempts.set(peerId, attempt + 1);
    const delayMs = reconnectDelayMs(attempt, this.config, this.random());
    const timer = setTimeout(() => {
      this.redialTimers.delete(peerId);
      this.dial(peerId);
    }, delayMs);
    this.redialTimers.set(peerId, timer);
  }

  private attach(socket: Socket, direction: HandshakeDirection): void {
    const link: Link = {
      socket,
      direction,
      decoder: new FrameDecoder(handshakeFrameBytesMax),
      state: "handshaking",
      peerId: direction.type === "outbound" ? direction.dialedId : undefined,
      handshakeTimer: undefined,
      downReason: "closed",
    };
    this.allLinks.add(link);
    link.handshakeTimer = setTimeout(() => {
      this.logger.warn({ peerId: link.peerId, remote: socket.remoteAddress }, "peer handshake timed out");
      socket.destroy();
    }, peerHandshakeTimeoutMs);
    socket.setKeepAlive(true, peerKeepAliveDelayMs);
    socket.on("data", (chunk: Buffer) => this.receive(link, chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => this.logSocketError(link, error));
    socket.on("close", () => this.closed(link));
    socket.cork();
    socket.write(frameHeader(this.hello.byteLength));
    socket.write(this.hello);
    socket.uncork();
  }

  private receive(link: Link, chunk: Buffer): void {
    if (link.state === "closed") return;
    const result = link.decoder.push(chunk);
    for (const frame of result.frames) {
      if (link.state === "handshaking") this.handshake(link, frame);
      else if (link.state === "up" && link.peerId !== undefined) this.deliver(link.peerId, frame);
      if (link.socket.destroyed) return;
    }
    if (result.type === "tooLarge") {
      this.logger.warn(
        { peerId: link.peerId, frameBytes: result.frameBytes, limitBytes: result.frameBytesMax },
        "peer frame over the limit; closing the link",
      );
      this.teardown(link, "frameTooLarge");
    }
  }

  private deliver(peerId: number, frame: Uint8Array): void {
    this.metrics?.peerFramesReceivedTotal.inc();
    for (const listener of [...this.frameListeners]) listener(peerId, frame);
  }

  private handshake(link: Link, frame: Uint8Array): void {
    const check = checkHello(
      frame,
      { selfId: this.config.id, ensembleId: this.config.ensembleId, peers: this.config.peers },
      link.direction,
    );
    if (check.type === "rejected") {
      this.logger.warn({ remote: link.socket.remoteAddress, reason: check.reason }, "peer handshake rejected");
      this.metrics?.peerConnectionsRejectedTotal.inc();
      this.teardown(link, "closed");
      return;
    }
    clearTimeout(link.handshakeTimer);
    link.peerId = check.peerId;
    link.state = "up";
    link.decoder.setFrameBytesMax(this.config.peerFrameBytesMax);
    this.dialAttempts.delete(check.peerId);
    const previous = this.links.get(check.peerId);
    if (previous !== undefined) {
      this.logger.info({ peerId: check.peerId }, "new link replaces an old one");
      this.teardown(previous, "replaced");
    }
    this.links.set(check.peerId, link);
    this.metrics?.peersConnected.set(this.links.size);
    this.logger.info({ peerId: check.peerId, direction: link.direction.type }, "peer up");
    for (const listener of [...this.upListeners]) listener(check.peerId);
  }

  /** Destroys the socket now and reports the link down synchronously, so a replacement can take its slot. */
  private teardown(link: Link, reason: PeerDownReason): void {
    link.downReason = reason;
    this.markDown(link);
    link.socket.destroy();
  }

  private closed(link: Link): void {
    this.markDown(link);
    this.allLinks.delete(link);
    if (link.direction.type === "outbound") this.scheduleRedial(link.direction.dialedId);
  }

  private markDown(link: Link): void {
    clearTimeout(link.handshakeTimer);
    const wasUp = link.state === "up";
    link.state = "closed";
    if (!wasUp || link.peerId === undefined || this.links.get(link.peerId) !== link) return;
    this.links.delete(link.peerId);
    this.metrics?.peersConnected.set(this.links.size);
    this.logger.info({ peerId: link.peerId, reason: link.downReason }, "peer down");
    for (const listener of [...this.downListeners]) listener(link.peerId, link.downReason);
  }

  private logSocketError(link: Link, error: NodeJS.ErrnoException): void {
    // Refused and reset connections are routine while a peer restarts; keep them out of warn.
    const routine = ["ECONNREFUSED", "ECONNRESET", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH"].includes(error.code ?? "");
    const fields = { peerId: link.peerId, code: error.code, message: error.message };
    if (routine) this.logger.debug(fields, "peer socket error");
    else this.logger.warn(fields, "peer socket error");
  }
}

/** Doubling from min to max; half of it fixed and half random, so restarted servers do not redial in step. */
export function reconnectDelayMs(
  attempt: number,
  config: Pick<ServerConfig, "peerReconnectDelayMinMs" | "peerReconnectDelayMaxMs">,
  random: number,
): number {
  const ceilingMs = Math.min(
    config.peerReconnectDelayMaxMs,
    config.peerReconnectDelayMinMs * 2 ** Math.min(attempt, 30),
  );
  return Math.round(ceilingMs / 2 + (random * ceilingMs) / 2);
}

function subscribe<T>(listeners: T[], listener: T): () => void {
  listeners.push(listener);
  return () => {
    const index = listeners.indexOf(listener);
    if (index >= 0) listeners.splice(index, 1);
  };
}

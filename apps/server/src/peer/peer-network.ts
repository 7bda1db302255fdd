/**
 * PeerNetwork: the TCP links between the servers of one ensemble. Payloads are opaque bytes here;
 * the replica host plugs in core's message codec.
 *
 * Rules (docs/operations.md, "Peer transport"):
 * - One link per pair. Between two members (each listed in the other's peer list, and in its own)
 *   only the higher id dials the lower one, and an inbound hello from a LISTED lower id is refused,
 *   so two servers never race to create two links (ZooKeeper reaches the same end by dialing both
 *   ways and dropping the lower id's link). When a new link to a peer is accepted while an old one
 *   still looks alive, the new one replaces it: the dialer only redials after losing the old one.
 * - The peer list changes at run time (`setPeers`, dynamic membership). The full rule, which keeps
 *   one dialer per pair whatever the lists say:
 *     we dial P   iff  P is listed, and (P < us, or we are not a member);
 *     we accept P iff  P > us, or P is not listed.
 *   A server that is not a member (joining, or removed and still following as a learner; setPeers'
 *   `selfIsMember`) dials every listed peer whatever the ids: nobody lists it, so nobody dials it,
 *   and everybody accepts it as unlisted. If we dial P and P accepts, P either does not list us or
 *   has us as the higher id, so P never dials us back: at most one side of a pair dials. We never
 *   dial a peer we do not list. We do not dial a peer while a link to it is up, whichever side made
 *   it: a link made while the lists disagreed (a joiner's) is kept until it drops, and then the
 *   peer the new rule names as dialer dials.
 * - Removing a peer from the list stops redialing it, but an existing link is NOT closed: a removed
 *   member may keep following as a non-voting learner until it is stopped; whether to keep the link
 *   is its (the dialer's) business.
 * - A link is accepted only once its handshake (handshake.ts) has proved the shared peer secret, so a
 *   stranger claiming a member's id can never displace that member's link (docs/security.md). That
 *   holds for unlisted ids too; at most peerUnlistedLinksMax links from unlisted ids are held, so an
 *   authenticated flood of unknown ids stays bounded.
 * - Unauthenticated inbound sockets get a short deadline and bounded slots, and a newcomer evicts the
 *   oldest of them rather than being refused (inbound-handshake-slots.ts), so a flood cannot lock a
 *   restarting member out.
 * - The dialer redials after any failure with doubling delay, jittered (half fixed, half random),
 *   from peerReconnectDelayMinMs to peerReconnectDelayMaxMs, reset by a successful handshake.
 * - A link is a gap-free FIFO or it is gone. `send` never blocks and drops the frame when the peer
 *   is not connected (ZAB tolerates loss and resynchronizes). When a peer's unsent bytes would exceed
 *   peerSendQueueBytesMax the link is reset rather than dropping a frame from its middle, which would
 *   leave a silent gap; the peer goes down, the dialer reconnects and ZAB resyncs.
 * - With peer TLS (peer-tls.ts) every link is mutual TLS and the handshake above runs inside it. An
 *   inbound connection takes its slot at TCP accept, before its TLS handshake, and the inbound
 *   deadline covers both handshakes. A TLS failure is a failed dial (redialed with backoff) or a
 *   refused connection, logged once per reason.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import type { TLSSocket } from "node:tls";
import { assert, unreachable } from "@keel/core";
import type { Logger } from "pino";
import type { ServerConfig } from "../config.js";
import type { TlsMaterial } from "../tls-material.js";
import { FrameDecoder, frameHeader, frameHeaderBytes } from "./framing.js";
import {
  beginAccept,
  beginDial,
  type HandshakeRules,
  type HandshakeState,
  handshakeRules,
  isListed,
  stepHandshake,
} from "./handshake.js";
import { handshakeFrameBytesMax } from "./handshake-codec.js";
import { admitInbound } from "./inbound-handshake-slots.js";
import type { PeerAddress } from "./peer-address.js";
import { freshNonce, type PeerAuth } from "./peer-auth.js";
import { createPeerTlsServer, dialPeerTls, remoteEndOf, TlsFailureLog, tlsFailureReason } from "./peer-tls.js";

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
  /** Pending inbound handshakes we closed: `timeout`, or evicted for a newcomer (`addressFull`, `pendingFull`). */
  readonly peerHandshakesDroppedTotal: { inc(labels: { reason: string }): void };
}

export interface PeerNetworkOptions {
  readonly config: PeerNetworkConfig;
  /** The shared secret every link must prove, or "none" under --insecure-peers (config.ts decides). */
  readonly auth: PeerAuth;
  /** Mutual TLS on every link (--peer-tls): this member's certificate and key, and the CA peers must chain to. */
  readonly tls?: TlsMaterial | undefined;
  readonly logger: Logger;
  readonly metrics?: PeerNetworkMetrics;
  /** Jitter source in [0, 1); injectable so tests can pin delays. */
  readonly random?: () => number;
}

/** A dial must connect and finish its handshake within this, or it is closed and redialed. */
export const peerHandshakeTimeoutMs = 5000;
/**
 * An accepted socket must finish its handshake within this, or it is closed. A real member sends its
 * hello on connect and its proof one round trip later, so this is generous for it, while a stranger
 * who connects and says nothing holds a slot for at most this long.
 */
export const peerInboundHandshakeTimeoutMs = 2000;
/**
 * Links from ids not in our peer list held at once. Joining members are few (one reconfig at a
 * time adds one), and a removed member following as a learner holds one; a peer that holds the
 * secret but claims ids we do not know cannot grow our link table past this.
 */
export const peerUnlistedLinksMax = 16;
/** Socket errors a member sees while its peers restart or are not scheduled yet: logged at debug. */
const routineSocketErrors = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/** close() waits this long for peers to acknowledge our FIN before destroying the socket. */
export const peerCloseGraceMs = 1000;
/** TCP keepalive probes start after this idle time; ZAB's own pings detect a stuck peer sooner. */
export const peerKeepAliveDelayMs = 1000;

export type PeerDownReason = "closed" | "replaced" | "sendQueueFull" | "frameTooLarge" | "shutdown";

type FrameListener = (peerId: number, frame: Uint8Array) => void;
type PeerUpListener = (peerId: number) => void;
type PeerDownListener = (peerId: number, reason: PeerDownReason) => void;

interface Link {
  /** Under peer TLS an inbound link starts on the raw TCP socket and moves to its TLSSocket once verified. */
  socket: Socket;
  readonly direction: "inbound" | "outbound";
  /** Inbound: the remote IP, for the per-address slot cap (kept, as the socket forgets it once closed). Outbound: the dialed host. */
  readonly remoteAddress: string;
  readonly decoder: FrameDecoder;
  state: "handshaking" | "up" | "closed";
  handshake: HandshakeState;
  /** The claimed id until the handshake is done (the dialed one for an outbound link), then the proven one. */
  peerId: number | undefined;
  handshakeTimer: NodeJS.Timeout | undefined;
  /** Why we are tearing it down, reported in onPeerDown; "closed" when the other side went away. */
  downReason: PeerDownReason;
  /** It came up through an accepted handshake (its peer id is proven), whatever its state now. */
  established: boolean;
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
  /** Replaced (never mutated) by setPeers and setMembershipCheck; its `peers` is the dial table. */
  private rules: HandshakeRules;
  private readonly auth: PeerAuth;
  private membershipCheck = true;
  /** False while joining or once removed: then we dial every listed peer (see the header). */
  private selfIsMember: boolean;
  private readonly tls: TlsMaterial | undefined;
  /** Inbound links whose TLS handshake is under way, by the raw socket's remote end. */
  private readonly awaitingTls = new Map<string, Link>();
  private readonly tlsFailures = new TlsFailureLog();
  private lifecycle: "new" | "running" | "closing" | "closed" = "new";

  constructor(options: PeerNetworkOptions) {
    this.config = options.config;
    this.logger = options.logger.child({ component: "peer" });
    this.metrics = options.metrics;
    this.random = options.random ?? Math.random;
    this.auth = options.auth;
    this.rules = this.rulesFor(this.config.peers);
    this.selfIsMember = isListed(this.rules, this.config.id);
    this.tls = options.tls;
    this.server =
      options.tls === undefined
        ? createServer({ noDelay: true }, (socket) => this.accept(socket))
        : this.tlsServer(options.tls);
  }

  private tlsServer(material: TlsMaterial): Server {
    const server = createPeerTlsServer(material);
    server.on("connection", (raw: Socket) => this.acceptTls(raw));
    server.on("secureConnection", (socket: TLSSocket) => this.secured(socket));
    server.on("tlsClientError", (error: NodeJS.ErrnoException, socket: TLSSocket) => this.tlsRefused(error, socket));
    return server;
  }

  /** Listens on peerHost:peerPort, then dials the peers it should (see the header). Rejects if the port is taken. */
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
    this.dialAllDue();
  }

  /**
   * Replaces the peer list (the dial table) at run time; callable before `start` too. Newly listed
   * peers that we should dial (see the header) are dialed now; peers no longer listed are not
   * redialed (their pending redials are cancelled), but a live link to one stays up. A peer whose
   * host or port changed is dialed at the new address next time.
   * `selfIsMember`: false while this server is joining, or once it has been removed; it then dials
   * every listed peer whatever the ids. Defaults to whether `peers` lists this server's own id (an
   * own entry kept only for its address must come with `false`).
   * Does not change the membership check (setMembershipCheck).
   */
  setPeers(peers: readonly PeerAddress[], selfIsMember = peers.some((peer) => peer.id === this.config.id)): void {
    const ids = new Set(peers.map((peer) => peer.id));
    assert(ids.size === peers.length, "setPeers: duplicate peer ids");
    assert(
      peers.every((peer) => Number.isInteger(peer.id) && peer.id >= 1 && peer.id <= 255),
      "setPeers: peer ids must be integers in 1..255",
    );
    this.rules = this.rulesFor(Object.freeze(peers.map((peer) => Object.freeze({ ...peer }))));
    this.selfIsMember = selfIsMember;
    for (const [peerId, timer] of this.redialTimers) {
      if (this.shouldDial(peerId)) continue;
      clearTimeout(timer);
      this.redialTimers.delete(peerId);
    }
    for (const peerId of this.dialAttempts.keys()) {
      if (!this.shouldDial(peerId)) this.dialAttempts.delete(peerId);
    }
    this.logger.info({ peers: [...ids].sort((a, b) => a - b), selfIsMember }, "peer list replaced");
    this.dialAllDue();
  }

  /**
   * On (the default, bootstrap mode): hellos and challenges carry this server's membership digest and
   * a peer whose digest differs is refused. Off (a replicated configuration exists, or this server is
   * joining): they carry zeros, and no peer's digest is checked (membership-digest.ts). Applies to
   * handshakes from now on; links already up stay.
   */
  setMembershipCheck(enabled: boolean): void {
    if (enabled === this.membershipCheck) return;
    this.membershipCheck = enabled;
    this.rules = this.rulesFor(this.rules.peers);
    this.logger.info({ enabled }, "peer membership check switched");
  }

  /** The current peer list, as last given to the constructor or setPeers. */
  peers(): readonly PeerAddress[] {
    return this.rules.peers;
  }

  private rulesFor(peers: readonly PeerAddress[]): HandshakeRules {
    return handshakeRules({
      selfId: this.config.id,
      ensembleId: this.config.ensembleId,
      peers,
      auth: this.auth,
      membershipCheck: this.membershipCheck,
    });
  }

  /** The dial half of the one-link-per-pair rule (see the header). */
  private shouldDial(peerId: number): boolean {
    if (peerId === this.config.id || !isListed(this.rules, peerId)) return false;
    return peerId < this.config.id || !this.selfIsMember;
  }

  private dialAllDue(): void {
    if (this.lifecycle !== "running") return;
    for (const peer of this.rules.peers) {
      if (this.shouldDial(peer.id) && !this.redialTimers.has(peer.id)) this.dial(peer.id);
    }
  }

  /** A link to `peerId` is up, or our dial to it is still handshaking: no second dial. */
  private linkedOrDialing(peerId: number): boolean {
    if (this.links.has(peerId)) return true;
    for (const link of this.allLinks) {
      if (link.direction === "outbound" && link.peerId === peerId && link.state === "handshaking") return true;
    }
    return false;
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
    const remoteAddress = this.admit(socket);
    if (remoteAddress === undefined) return;
    this.attach(socket, "inbound", remoteAddress, beginAccept(freshNonce()), undefined);
  }

  /**
   * A raw TCP connection to the TLS listener: it takes a handshake slot (and its deadline starts)
   * now, before its TLS handshake, so TLS handshakes count against the same caps as silent sockets.
   */
  private acceptTls(raw: Socket): void {
    const remoteAddress = this.admit(raw);
    if (remoteAddress === undefined) return;
    const link = this.track(raw, "inbound", remoteAddress, beginAccept(freshNonce()), undefined);
    const remoteEnd = remoteEndOf(raw);
    this.awaitingTls.set(remoteEnd, link);
    raw.once("close", () => this.awaitingTls.delete(remoteEnd));
  }

  /** The peer's certificate checked out (tls.Server closes any other): its bytes now go to the handshake. */
  private secured(socket: TLSSocket): void {
    const remoteEnd = remoteEndOf(socket);
    const link = this.awaitingTls.get(remoteEnd);
    this.awaitingTls.delete(remoteEnd);
    if (link === undefined || link.state !== "handshaking") {
      socket.destroy();
      return;
    }
    link.socket = socket;
    socket.on("error", (error: NodeJS.ErrnoException) => this.logSocketError(link, error));
    this.listen(link);
  }

  /** An inbound TLS handshake failed; a refused certificate or a broken exchange is a refused connection. */
  private tlsRefused(error: NodeJS.ErrnoException, socket: TLSSocket): void {
    const reason = tlsFailureReason(error, socket);
    const remote = socket.remoteAddress ?? "unknown";
    if (reason === undefined) {
      // A reset before the TLS handshake ended: a silent socket we evicted, or a dialer that refused our certificate.
      this.logger.debug({ remote, code: error.code }, "peer TLS connection closed during its handshake");
      return;
    }
    this.metrics?.peerConnectionsRejectedTotal.inc();
    const fields = { remote, direction: "inbound", reason, message: error.message };
    if (this.tlsFailures.firstTime(`accept ${remote}`, reason)) {
      this.logger.warn(fields, "peer TLS handshake refused (further refusals for this reason are logged at debug)");
    } else {
      this.logger.debug(fields, "peer TLS handshake refused");
    }
  }

  /** Makes room for a new inbound connection (docs/security.md, "Handshake slots"); undefined if it was closed instead. */
  private admit(socket: Socket): string | undefined {
    const remoteAddress = socket.remoteAddress;
    if (this.lifecycle !== "running" || remoteAddress === undefined) {
      socket.destroy();
      return undefined;
    }
    const pending = [...this.allLinks]
      .filter((link) => link.direction === "inbound" && link.state === "handshaking")
      .map((link) => ({
        link,
        remoteAddress: link.remoteAddress,
        challenged: link.handshake.type === "awaitingProof",
      }));
    const decision = admitInbound(pending, remoteAddress);
    if (decision.type === "evictThenAdmit") {
      const { link: victim } = decision.victim;
      this.logger.debug(
        { remote: victim.remoteAddress, claimedPeerId: victim.peerId, reason: decision.reason },
        "pending peer handshake evicted for a newer connection",
      );
      this.metrics?.peerHandshakesDroppedTotal.inc({ reason: decision.reason });
      this.teardown(victim, "closed");
    }
    return remoteAddress;
  }

  private dial(peerId: number): void {
    const peer = this.rules.peers.find((candidate) => candidate.id === peerId);
    if (peer === undefined || this.lifecycle !== "running" || !this.shouldDial(peerId)) return;
    if (this.linkedOrDialing(peerId)) return;
    this.logger.debug({ peerId, host: peer.host, port: peer.peerPort }, "dialing peer");
    // The host is looked up in the current table and resolved by connect() on every dial (Node
    // keeps no DNS cache, and nothing here stores an address): a member that moved, or whose DNS
    // record changed, is reached at its new address on the next dial.
    const socket =
      this.tls === undefined
        ? tcpConnect({ host: peer.host, port: peer.peerPort, noDelay: true })
        : dialPeerTls(peer.host, peer.peerPort, this.tls);
    const { hello, state } = beginDial(this.rules, peerId, freshNonce());
    this.attach(socket, "outbound", peer.host, state, peerId);
    writeFrame(socket, hello);
  }

  private scheduleRedial(peerId: number): void {
    if (this.lifecycle !== "running" || this.redialTimers.has(peerId)) return;
    if (!this.shouldDial(peerId) || this.linkedOrDialing(peerId)) return;
    const attempt = this.dialAttempts.get(peerId) ?? 0;
    this.dialAttempts.set(peerId, attempt + 1);
    const delayMs = reconnectDelayMs(attempt, this.config, this.random());
    const timer = setTimeout(() => {
      this.redialTimers.delete(peerId);
      this.dial(peerId);
    }, delayMs);
    this.redialTimers.set(peerId, timer);
  }

  private attach(
    socket: Socket,
    direction: Link["direction"],
    remoteAddress: string,
    handshake: HandshakeState,
    peerId: number | undefined,
  ): void {
    this.listen(this.track(socket, direction, remoteAddress, handshake, peerId));
  }

  /** Registers a link with its handshake deadline and close handling; its bytes are read once `listen` is called. */
  private track(
    socket: Socket,
    direction: Link["direction"],
    remoteAddress: string,
    handshake: HandshakeState,
    peerId: number | undefined,
  ): Link {
    const link: Link = {
      socket,
      direction,
      remoteAddress,
      decoder: new FrameDecoder(handshakeFrameBytesMax),
      state: "handshaking",
      handshake,
      peerId,
      handshakeTimer: undefined,
      downReason: "closed",
      established: false,
    };
    this.allLinks.add(link);
    const timeoutMs = direction === "inbound" ? peerInboundHandshakeTimeoutMs : peerHandshakeTimeoutMs;
    link.handshakeTimer = setTimeout(() => this.handshakeTimedOut(link), timeoutMs);
    socket.setKeepAlive(true, peerKeepAliveDelayMs);
    socket.on("error", (error: NodeJS.ErrnoException) => this.logSocketError(link, error));
    socket.on("close", () => this.closed(link));
    return link;
  }

  private listen(link: Link): void {
    link.socket.on("data", (chunk: Buffer) => this.receive(link, chunk));
  }

  private handshakeTimedOut(link: Link): void {
    const fields = { peerId: link.peerId, remote: link.remoteAddress, direction: link.direction };
    // A silent inbound socket is what a flood looks like: counted, but not worth a warning each.
    if (link.direction === "inbound" && link.handshake.type === "awaitingHello") {
      this.logger.debug(fields, "peer handshake timed out");
    } else {
      this.logger.warn(fields, "peer handshake timed out");
    }
    if (link.direction === "inbound") this.metrics?.peerHandshakesDroppedTotal.inc({ reason: "timeout" });
    this.teardown(link, "closed");
  }

  private receive(link: Link, chunk: Buffer): void {
    let input: Uint8Array = chunk;
    for (;;) {
      if (link.state === "closed") return;
      // While handshaking, one frame at a time: the dialer's first protocol frames may share a chunk
      // with its proof, and must be parsed under peerFrameBytesMax (set by linkUp), not the small
      // handshake limit, or a large first frame would reset a link that just came up.
      const handshaking = link.state === "handshaking";
      const result = link.decoder.push(input, handshaking ? 1 : Number.POSITIVE_INFINITY);
      input = noBytes;
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
        return;
      }
      if (!handshaking || result.frames.length === 0) return;
    }
  }

  private deliver(peerId: number, frame: Uint8Array): void {
    this.metrics?.peerFramesReceivedTotal.inc();
    for (const listener of [...this.frameListeners]) listener(peerId, frame);
  }

  private handshake(link: Link, frame: Uint8Array): void {
    const step = stepHandshake(this.rules, link.handshake, frame);
    switch (step.type) {
      case "rejected":
        this.logger.warn(
          { remote: link.remoteAddress, direction: link.direction, claimedPeerId: link.peerId, reason: step.reason },
          "peer handshake rejected",
        );
        this.metrics?.peerConnectionsRejectedTotal.inc();
        this.teardown(link, "closed");
        return;
      case "continue": {
        const dialerId = step.state.type === "awaitingProof" ? step.state.dialerId : undefined;
        if (dialerId !== undefined && this.unlistedLinksFull(dialerId)) {
          this.refuseUnlisted(link, dialerId);
          return;
        }
        link.handshake = step.state;
        if (dialerId !== undefined) link.peerId = dialerId;
        writeFrame(link.socket, step.reply);
        return;
      }
      case "accepted":
        if (step.reply !== undefined) writeFrame(link.socket, step.reply);
        this.linkUp(link, step.peerId);
        return;
      default:
        unreachable(step);
    }
  }

  /**
   * True when `peerId` is not listed and peerUnlistedLinksMax links from unlisted ids are up already
   * (a link from `peerId` itself does not count: the new one would replace it).
   */
  private unlistedLinksFull(peerId: number): boolean {
    if (isListed(this.rules, peerId)) return false;
    let unlisted = 0;
    for (const id of this.links.keys()) {
      if (id !== peerId && !isListed(this.rules, id)) unlisted++;
    }
    return unlisted >= peerUnlistedLinksMax;
  }

  private refuseUnlisted(link: Link, peerId: number): void {
    const reason = `${peerUnlistedLinksMax} links from servers not in the peer list are up already`;
    this.logger.warn(
      { remote: link.remoteAddress, direction: link.direction, claimedPeerId: peerId, reason },
      "peer handshake rejected",
    );
    this.metrics?.peerConnectionsRejectedTotal.inc();
    this.teardown(link, "closed");
  }

  /** Only reached through an accepted handshake: the one place a link may replace another. */
  private linkUp(link: Link, peerId: number): void {
    // Checked again here: several unlisted handshakes may have passed the hello check at once.
    if (this.unlistedLinksFull(peerId)) {
      this.refuseUnlisted(link, peerId);
      return;
    }
    clearTimeout(link.handshakeTimer);
    link.established = true;
    link.peerId = peerId;
    link.state = "up";
    link.decoder.setFrameBytesMax(this.config.peerFrameBytesMax);
    this.dialAttempts.delete(peerId);
    this.tlsFailures.forget(link.direction === "outbound" ? `dial ${peerId}` : `accept ${link.remoteAddress}`);
    const previous = this.links.get(peerId);
    if (previous !== undefined) {
      this.logger.info({ peerId }, "new link replaces an old one");
      this.teardown(previous, "replaced");
    }
    this.links.set(peerId, link);
    this.metrics?.peersConnected.set(this.links.size);
    this.logger.info({ peerId, direction: link.direction }, "peer up");
    for (const listener of [...this.upListeners]) listener(peerId);
  }

  /** Destroys the socket now and reports the link down synchronously, so a replacement can take its slot. */
  private teardown(link: Link, reason: PeerDownReason): void {
    link.downReason = reason;
    this.markDown(link);
    link.socket.destroy();
  }

  private closed(link: Link): void {
    if (link.state === "handshaking" && link.handshake.type === "awaitingProof" && link.downReason === "closed") {
      // The dialer saw our challenge and left: most often its secret differs from ours.
      this.logger.warn(
        { remote: link.remoteAddress, claimedPeerId: link.peerId },
        "peer closed the connection after our challenge, without a proof (is its peer secret different?)",
      );
    }
    this.markDown(link);
    this.allLinks.delete(link);
    // A failed or lost dial is redialed; so is a lost inbound link from a peer the current list says
    // we dial (one a joiner made before it was listed). A failed inbound handshake is not: its id
    // was never proven, so a stranger cannot make us dial.
    const redial = link.direction === "outbound" || link.established;
    if (redial && link.peerId !== undefined) this.scheduleRedial(link.peerId);
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
    const tlsReason = tlsFailureReason(error);
    if (tlsReason !== undefined && link.direction === "outbound") {
      this.logDialTlsFailure(link, tlsReason, error);
      return;
    }
    // Refused and reset connections are routine while a peer restarts, and so is a name that does
    // not resolve yet (a StatefulSet pod's DNS record appears only once the pod exists): keep them
    // out of warn, or a member waiting for its peers logs one warning per redial.
    const routine = routineSocketErrors.has(error.code ?? "");
    const fields = { peerId: link.peerId, code: error.code, message: error.message };
    if (routine) this.logger.debug(fields, "peer socket error");
    else this.logger.warn(fields, "peer socket error");
  }

  /** The dial failed in TLS (the peer's certificate refused, or its alert): closed and redialed, said once per reason. */
  private logDialTlsFailure(link: Link, reason: string, error: NodeJS.ErrnoException): void {
    const fields = {
      peerId: link.peerId,
      remote: link.remoteAddress,
      direction: "outbound",
      reason,
      message: error.message,
    };
    if (this.tlsFailures.firstTime(`dial ${link.peerId}`, reason)) {
      this.logger.warn(
        fields,
        "peer TLS handshake failed; redialing (further failures for this reason are logged at debug)",
      );
    } else {
      this.logger.debug(fields, "peer TLS handshake failed; redialing");
    }
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

const noBytes = new Uint8Array(0);

function writeFrame(socket: Socket, frame: Uint8Array): void {
  socket.cork();
  socket.write(frameHeader(frame.byteLength));
  socket.write(frame);
  socket.uncork();
}

function subscribe<T>(listeners: T[], listener: T): () => void {
  listeners.push(listener);
  return () => {
    const index = listeners.indexOf(listener);
    if (index >= 0) listeners.splice(index, 1);
  };
}

/**
 * Test helpers for real-socket tests: a polling wait, a logger that keeps its lines in memory,
 * a flood of silent connections, a started PeerNetwork that records what it saw, and a count of
 * open TCP handles (free ports come from @keel/testkit). Excluded from the build (tsconfig.build.json drops src/**\/test-*.ts).
 */
import { connect, type Socket } from "node:net";
import { freePorts } from "@keel/testkit";
import { type Logger, pino } from "pino";
import type { PeerAddress } from "./peer-address.js";
import type { PeerAuth } from "./peer-auth.js";
import { type PeerDownReason, PeerNetwork, type PeerNetworkConfig, type PeerNetworkMetrics } from "./peer-network.js";

/** Polls `condition` every 5 ms; fails after `timeoutMs` (a ceiling, not a timing assumption). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface MemoryLogger {
  readonly logger: Logger;
  readonly lines: () => Record<string, unknown>[];
}

export function memoryLogger(level = "debug"): MemoryLogger {
  const lines: string[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(line) });
  return { logger, lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** Counts of live TCP handles, to check that a test closed every socket and listener it opened. */
export function tcpHandleCount(): number {
  return process.getActiveResourcesInfo().filter((name) => name.startsWith("TCP")).length;
}

/** `count` connections to `port` that never say a word, each reopened as soon as it closes (a handshake-slot flood). */
export function silentFlood(port: number, count: number): { stop(): Promise<void> } {
  let stopping = false;
  const open = new Set<Socket>();
  const openOne = (): void => {
    if (stopping) return;
    const socket = connect({ host: "127.0.0.1", port });
    open.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => {
      open.delete(socket);
      openOne();
    });
  };
  for (let index = 0; index < count; index++) openOne();
  return {
    async stop() {
      stopping = true;
      const closing = [...open].map((socket) => new Promise<void>((resolve) => socket.once("close", () => resolve())));
      for (const socket of open) socket.destroy();
      await Promise.all(closing);
    },
  };
}

/** `count` voters on 127.0.0.1 with free peer and client ports, ids 1..count. */
export async function peerList(count: number): Promise<PeerAddress[]> {
  const ports = await freePorts(count * 2);
  return Array.from({ length: count }, (_, index) => ({
    id: index + 1,
    host: "127.0.0.1",
    peerPort: ports[index * 2] ?? 0,
    clientPort: ports[index * 2 + 1] ?? 0,
    role: "voter" as const,
  }));
}

const MiB = 1024 * 1024;

/** The shared secret of the in-process test ensembles. */
export const testEnsembleSecret: PeerAuth = {
  type: "secret",
  key: new TextEncoder().encode("a-test-secret-of-at-least-32-bytes!"),
};

/** Member `id` of `peers` on 127.0.0.1, ensemble "test", with generous queues and fast redials. */
export function testPeerConfig(
  id: number,
  peers: readonly PeerAddress[],
  overrides: Partial<PeerNetworkConfig> = {},
): PeerNetworkConfig {
  const self = peers.find((peer) => peer.id === id);
  if (self === undefined) throw new Error(`no peer ${id}`);
  return {
    id,
    ensembleId: "test",
    peerHost: "127.0.0.1",
    peerPort: self.peerPort,
    peers,
    peerFrameBytesMax: 64 * MiB,
    peerSendQueueBytesMax: 128 * MiB,
    peerReconnectDelayMinMs: 20,
    peerReconnectDelayMaxMs: 200,
    ...overrides,
  };
}

/** A started PeerNetwork and what it saw: frames, links up and down, and its log. */
export interface TestPeerNode {
  readonly network: PeerNetwork;
  readonly log: MemoryLogger;
  readonly frames: { peerId: number; frame: Uint8Array }[];
  readonly downs: { peerId: number; reason: PeerDownReason }[];
  readonly ups: number[];
}

export interface TestPeerNodeOptions {
  readonly overrides?: Partial<PeerNetworkConfig>;
  readonly auth?: PeerAuth;
  readonly metrics?: PeerNetworkMetrics;
  /** Runs before start() (setPeers, setMembershipCheck). */
  readonly beforeStart?: (network: PeerNetwork) => void;
}

/**
 * Server `id` of `peers` listening on its port (testPeerConfig, jitter pinned by random = 0),
 * recording what it sees; pushed on `open`, which the suite's afterEach closes.
 */
export async function startTestPeerNode(
  open: PeerNetwork[],
  id: number,
  peers: readonly PeerAddress[],
  options: TestPeerNodeOptions = {},
): Promise<TestPeerNode> {
  const log = memoryLogger();
  const network = new PeerNetwork({
    config: testPeerConfig(id, peers, options.overrides),
    auth: options.auth ?? testEnsembleSecret,
    ...(options.metrics === undefined ? {} : { metrics: options.metrics }),
    logger: log.logger,
    random: () => 0,
  });
  options.beforeStart?.(network);
  const node: TestPeerNode = { network, log, frames: [], downs: [], ups: [] };
  network.onFrame((peerId, frame) => node.frames.push({ peerId, frame }));
  network.onPeerUp((peerId) => node.ups.push(peerId));
  network.onPeerDown((peerId, reason) => node.downs.push({ peerId, reason }));
  open.push(network);
  await network.start();
  return node;
}

/** Closes `node` and takes it off `open`. */
export async function stopTestPeerNode(open: PeerNetwork[], node: TestPeerNode): Promise<void> {
  open.splice(open.indexOf(node.network), 1);
  await node.network.close();
}

// Checks PeerNetwork on real loopback sockets with ports the test picks: a 3-server mesh with one
// link per pair, refusal of strangers (another ensemble, a bootstrap member with another list, non-Keel bytes), reconnect
// after either side restarts, large frames, the frame and send-queue limits, and that close() leaves
// no TCP handle behind. Jitter is pinned (random = 0) and every wait polls a condition with a ceiling.
import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { encodeFrame, FrameDecoder } from "./framing.js";
import { beginDial, handshakeRules, stepHandshake } from "./handshake.js";
import { decodeHandshakeFrame, encodeHandshakeFrame, handshakeFrameBytesMax } from "./handshake-codec.js";
import { membershipDigest } from "./membership-digest.js";
import type { PeerAddress } from "./peer-address.js";
import { freshNonce, type PeerAuth } from "./peer-auth.js";
import { type PeerNetwork, type PeerNetworkConfig, type PeerNetworkMetrics, reconnectDelayMs } from "./peer-network.js";
import {
  peerList,
  silentFlood,
  startTestPeerNode,
  stopTestPeerNode,
  type TestPeerNode,
  tcpHandleCount,
  testEnsembleSecret,
  waitFor,
} from "./test-ports.js";

const MiB = 1024 * 1024;
const open: PeerNetwork[] = [];
const baselineTcpHandles = tcpHandleCount();

afterEach(async () => {
  await Promise.all(open.splice(0).map((network) => network.close()));
  // Every socket and listener the test opened is gone (not just "closing").
  await waitFor(() => tcpHandleCount() === baselineTcpHandles, "all TCP handles to close");
});

type Node = TestPeerNode;

async function startNode(
  id: number,
  peers: readonly PeerAddress[],
  overrides: Partial<PeerNetworkConfig> = {},
  extras: { auth?: PeerAuth; metrics?: PeerNetworkMetrics } = {},
): Promise<Node> {
  return startTestPeerNode(open, id, peers, { overrides, ...extras });
}

const stopNode = (node: Node): Promise<void> => stopTestPeerNode(open, node);

const bytes = (...values: number[]) => Uint8Array.from(values);

/** Connects a non-Keel client, sends `payload`, and resolves when the server has closed it. */
async function rawExchange(port: number, payload: Uint8Array): Promise<void> {
  const socket = connect({ host: "127.0.0.1", port });
  socket.on("error", () => {});
  socket.resume(); // read (and discard) the server's hello, or its FIN would never surface
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  socket.write(payload);
  try {
    await closed;
  } finally {
    socket.destroy();
  }
}

describe("PeerNetwork", () => {
  it("connects a 3-server mesh with exactly one link per pair and carries frames both ways", async () => {
    const peers = await peerList(3);
    const nodes = await Promise.all(peers.map((peer) => startNode(peer.id, peers)));
    await waitFor(() => nodes.every((node) => node.network.connectedPeers().length === 2), "full mesh");
    expect(nodes.map((node) => node.network.connectedPeers())).toEqual([
      [2, 3],
      [1, 3],
      [1, 2],
    ]);
    const [one, two, three] = nodes as [Node, Node, Node];
    expect(one.network.send(3, bytes(1, 3))).toBe(true);
    expect(three.network.send(1, bytes(3, 1))).toBe(true);
    expect(two.network.send(1, bytes(2, 1))).toBe(true);
    await waitFor(() => one.frames.length === 2 && three.frames.length === 1, "frames");
    expect(three.frames.map(({ peerId, frame }) => [peerId, [...frame]])).toEqual([[1, [1, 3]]]);
    expect(one.frames.map(({ peerId }) => peerId).sort()).toEqual([2, 3]);
    // One link per pair: each side saw each peer come up once, and nobody was replaced.
    for (const node of nodes) expect(node.ups.sort()).toEqual(node.network.connectedPeers());
    expect(nodes.flatMap((node) => node.downs)).toEqual([]);
    // 3 listeners + 3 links × 2 ends.
    expect(tcpHandleCount() - baselineTcpHandles).toBe(9);
  });

  it("drops a frame for a peer that is not connected, without throwing", async () => {
    const peers = await peerList(3);
    const one = await startNode(1, peers);
    expect(one.network.send(2, bytes(1))).toBe(false);
    expect(one.network.send(7, bytes(1))).toBe(false);
  });

  it("refuses a server of another ensemble, and an unlisted id whose bootstrap list differs", async () => {
    const peers = await peerList(3);
    const one = await startNode(1, peers);
    // Server 2 of ensemble "other", and server 9, which 1 does not list and whose own (bootstrap) list
    // differs from 1's: an unlisted id may link (peer-network-membership.test.ts), but not one whose
    // membership digest says it counts quorums over other voters.
    const stranger = await startNode(2, peers, { ensembleId: "other" });
    const unknownIdPeers = [...peers.filter((peer) => peer.id !== 3), { ...(peers[2] as PeerAddress), id: 9 }];
    const unknown = await startNode(9, unknownIdPeers);
    await waitFor(
      () => one.log.lines().filter((line) => line.msg === "peer handshake rejected").length >= 2,
      "two rejections",
    );
    const reasons = one.log
      .lines()
      .filter((line) => line.msg === "peer handshake rejected")
      .map((line) => String(line.reason));
    expect(reasons.some((reason) => reason.includes('ensemble "other"'))).toBe(true);
    expect(reasons.some((reason) => reason.includes("server 9 is configured with another ensemble membership"))).toBe(
      true,
    );
    expect(one.network.connectedPeers()).toEqual([]);
    expect(stranger.network.connectedPeers()).toEqual([]);
    expect(unknown.network.connectedPeers()).toEqual([]);
  });

  it("closes a connection that does not speak the handshake", async () => {
    const peers = await peerList(1);
    const one = await startNode(1, peers);
    const port = (peers[0] as PeerAddress).peerPort;
    // Raw HTTP: its first 4 bytes read as a ~1 GiB length, refused under the small handshake limit.
    await rawExchange(port, Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    // A well-formed frame that is not a Keel hello.
    await rawExchange(port, Buffer.from([0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]));
    const messages = one.log.lines().map((line) => `${String(line.msg)} ${String(line.reason ?? "")}`);
    expect(messages).toContain("peer frame over the limit; closing the link ");
    expect(messages.some((message) => message.includes("bad magic"))).toBe(true);
  });

  it("reconnects after the lower-id (listening) server restarts", async () => {
    const peers = await peerList(3);
    const one = await startNode(1, peers);
    const two = await startNode(2, peers);
    await waitFor(() => two.network.connectedPeers().includes(1), "2 → 1 link");
    await stopNode(one);
    await waitFor(() => two.downs.some((down) => down.peerId === 1), "2 sees 1 down");
    const oneAgain = await startNode(1, peers);
    await waitFor(() => oneAgain.network.connectedPeers().includes(2), "redial after restart");
    expect(two.network.send(1, bytes(42))).toBe(true);
    await waitFor(() => oneAgain.frames.length === 1, "frame after restart");
  });

  it("reconnects after the higher-id (dialing) server restarts", async () => {
    const peers = await peerList(3);
    const one = await startNode(1, peers);
    const two = await startNode(2, peers);
    await waitFor(() => one.network.connectedPeers().includes(2), "link");
    await stopNode(two);
    await waitFor(() => one.network.connectedPeers().length === 0, "1 sees 2 down");
    expect(one.downs).toEqual([{ peerId: 2, reason: "closed" }]);
    await startNode(2, peers);
    await waitFor(() => one.network.connectedPeers().includes(2), "link again");
  });

  it("carries large frames intact and in order", async () => {
    const peers = await peerList(3);
    const one = await startNode(1, peers);
    const two = await startNode(2, peers);
    await waitFor(() => two.network.connectedPeers().includes(1), "link");
    const large = new Uint8Array(12 * MiB);
    for (let index = 0; index < large.length; index += 4096) large[index] = (index / 4096) & 0xff;
    expect(two.network.send(1, bytes(1))).toBe(true);
    expect(two.network.send(1, large)).toBe(true);
    expect(two.network.send(1, bytes(3))).toBe(true);
    await waitFor(() => one.frames.length === 3, "three frames");
    expect(one.frames.map(({ frame }) => frame.byteLength)).toEqual([1, large.byteLength, 1]);
    expect(Buffer.compare(Buffer.from(one.frames[1]?.frame ?? []), Buffer.from(large))).toBe(0);
  });

  it("resets the link when a peer sends a frame over the receiver's limit, then reconnects", async () => {
    const peers = await peerList(3);
    const one = await startNode(1, peers, { peerFrameBytesMax: 64 * 1024 });
    const two = await startNode(2, peers);
    await waitFor(() => two.network.connectedPeers().includes(1), "link");
    expect(two.network.send(1, new Uint8Array(64 * 1024 + 1))).toBe(true);
    await waitFor(() => one.downs.some((down) => down.reason === "frameTooLarge"), "receiver resets");
    await waitFor(() => one.network.connectedPeers().includes(2), "reconnected");
    expect(one.frames).toEqual([]);
  });

  it("delivers a large first frame that arrives in the same chunk as the dialer's proof", async () => {
    const peers = await peerList(2);
    const one = await startNode(1, peers);
    // Dialer 2 played by hand, so that its proof and a 100 KiB frame (far over the handshake
    // limit) leave in one write.
    const large = new Uint8Array(100 * 1024).fill(5);
    const socket = await handDialedLink((peers[0] as PeerAddress).peerPort, 2, peers, large);
    try {
      await waitFor(() => one.frames.length === 1, "the large frame delivered");
      expect(one.frames[0]?.frame).toEqual(large);
      expect(one.downs).toEqual([]);
    } finally {
      socket.destroy();
    }
  });

  it("drops a frame over its own limit and counts it, without throwing (a throw would kill the drive loop)", async () => {
    const peers = await peerList(2);
    const one = await startNode(1, peers, { peerFrameBytesMax: 1024 });
    const two = await startNode(2, peers);
    // Both ends: the dialer's end comes up one message before the acceptor's.
    await waitFor(() => two.network.connectedPeers().includes(1) && one.network.connectedPeers().includes(2), "link");
    expect(one.network.send(2, new Uint8Array(1025))).toBe(false);
    expect(one.network.connectedPeers()).toContain(2);
  });

  it("resets the link instead of queueing past peerSendQueueBytesMax", async () => {
    const peers = await peerList(3);
    await startNode(1, peers);
    const two = await startNode(2, peers, { peerSendQueueBytesMax: 2 * MiB });
    await waitFor(() => two.network.connectedPeers().includes(1), "link");
    const chunk = new Uint8Array(MiB);
    const results: boolean[] = [];
    // Synchronous sends: the receiver (this same process) cannot read in between, so once the
    // kernel's socket buffers are full the bytes pile up in user space and cross the 2 MiB bound.
    for (let index = 0; index < 64; index++) results.push(two.network.send(1, chunk));
    const firstDropped = results.indexOf(false);
    expect(firstDropped).toBeGreaterThan(0);
    expect(results.slice(firstDropped).every((sent) => !sent)).toBe(true);
    expect(two.downs).toEqual([{ peerId: 1, reason: "sendQueueFull" }]);
    await waitFor(() => two.network.connectedPeers().includes(1), "reconnected");
  });

  it("never lets a stranger claiming a member's id replace that member's link", async () => {
    const peers = await peerList(3);
    const one = await startNode(1, peers);
    await startNode(3, peers);
    await waitFor(() => one.network.connectedPeers().includes(3), "3 → 1 link");
    const port = (peers[0] as PeerAddress).peerPort;
    // Claims id 3 with a fresh nonce, gets a challenge, and answers with a proof it cannot compute.
    for (let attempt = 0; attempt < 5; attempt++) {
      const challenge = await forgedHandshake(port, 3, new Uint8Array(32).fill(attempt), peers);
      expect(challenge?.type).toBe("challenge");
    }
    const rejections = one.log.lines().filter((line) => line.msg === "peer handshake rejected");
    expect(rejections).toHaveLength(5);
    expect(rejections.every((line) => String(line.reason).includes("does not match the peer secret"))).toBe(true);
    expect(one.ups).toEqual([3]);
    expect(one.downs).toEqual([]);
    expect(one.network.connectedPeers()).toEqual([3]);
  });

  it("refuses a member with another secret and one without a secret, saying which", async () => {
    const peers = await peerList(3);
    const one = await startNode(1, peers);
    const otherSecret = {
      type: "secret" as const,
      key: new TextEncoder().encode("another-secret-also-at-least-32-bytes"),
    };
    const two = await startNode(2, peers, {}, { auth: otherSecret });
    const three = await startNode(3, peers, {}, { auth: { type: "none" } });
    await waitFor(
      () =>
        two.log.lines().some((line) => String(line.reason).includes("does not prove the peer secret")) &&
        one.log.lines().some((line) => String(line.msg).includes("after our challenge, without a proof")) &&
        one.log.lines().some((line) => String(line.reason).includes("server 3 runs without a peer secret")),
      "each refusal logged",
    );
    for (const node of [one, two, three]) expect(node.ups).toEqual([]);
  });

  it("refuses a member configured with another membership, though its own id is in both lists", async () => {
    const peers = await peerList(3);
    // Member 3 was restarted with a list that adds a fourth voter (a rolling change of the peer
    // list): counted over 4 voters or over 3, "a majority" differs, so the two must not link.
    const [extra] = await peerList(1);
    const grown = [...peers, { ...(extra as PeerAddress), id: 4 }];
    const one = await startNode(1, peers);
    const three = await startNode(3, grown);
    await waitFor(
      () =>
        one.log
          .lines()
          .some((line) => String(line.reason).includes("server 3 is configured with another ensemble membership")),
      "the refusal logged",
    );
    expect(one.ups).toEqual([]);
    expect(three.ups).toEqual([]);
  });

  it("connects members that all run without a secret (--insecure-peers)", async () => {
    const peers = await peerList(3);
    const nodes = await Promise.all(peers.map((peer) => startNode(peer.id, peers, {}, { auth: { type: "none" } })));
    await waitFor(() => nodes.every((node) => node.network.connectedPeers().length === 2), "full mesh");
  });

  it("redials a peer whose host name does not resolve yet, logging it at debug, not as a warning per attempt", async () => {
    const peers = await peerList(2);
    // Member 1's name has no DNS record yet (a StatefulSet pod not scheduled): .invalid never resolves.
    const unresolved = peers.map((peer) => (peer.id === 1 ? { ...peer, host: "keel-1.keel-peer.invalid" } : peer));
    const two = await startNode(2, unresolved);
    const dnsFailures = () =>
      two.log
        .lines()
        .filter((line) => line.msg === "peer socket error" && ["ENOTFOUND", "EAI_AGAIN"].includes(String(line.code)));
    await waitFor(() => dnsFailures().length >= 2, "two failed dials");
    expect(dnsFailures().every((line) => line.level === 20)).toBe(true); // pino's debug
  });

  it("lets a restarting peer in while a flood of silent connections churns the handshake slots", async () => {
    const peers = await peerList(2);
    const dropped: string[] = [];
    const metrics: PeerNetworkMetrics = {
      peersConnected: { set: () => {} },
      peerFramesSentTotal: { inc: () => {} },
      peerFramesReceivedTotal: { inc: () => {} },
      peerFramesDroppedTotal: { inc: () => {} },
      peerConnectionsRejectedTotal: { inc: () => {} },
      peerHandshakesDroppedTotal: { inc: ({ reason }) => void dropped.push(reason) },
    };
    const one = await startNode(1, peers, {}, { metrics });
    const flood = silentFlood((peers[0] as PeerAddress).peerPort, 100);
    try {
      await waitFor(() => dropped.includes("addressFull"), "the flood to fill this address's slots");
      await startNode(2, peers);
      await waitFor(() => one.network.connectedPeers().includes(2), "2 → 1 link under the flood", 30_000);
      // The flood was still churning once the peer was in: its slots were full before and after.
      const evictedAtJoin = dropped.length;
      await waitFor(() => dropped.length > evictedAtJoin, "the flood to go on evicting");
    } finally {
      await flood.stop();
    }
  });

  it("closes cleanly even with links mid-handshake and redials pending", async () => {
    const peers = await peerList(3);
    // 3 dials 1 and 2, which are not running: it sits in redial backoff.
    const three = await startNode(3, peers);
    await waitFor(() => three.log.lines().some((line) => line.msg === "peer socket error"), "a failed dial");
    await stopNode(three);
    expect(three.network.connectedPeers()).toEqual([]);
  });
});

/**
 * Dials `port` claiming `claimedId`, reads the challenge, sends a proof of 32 zero bytes (a stranger
 * cannot compute the real one) and resolves with the decoded challenge once the server has closed.
 */
async function forgedHandshake(port: number, claimedId: number, nonce: Uint8Array, peers: readonly PeerAddress[]) {
  const socket = connect({ host: "127.0.0.1", port });
  socket.on("error", () => {});
  const decoder = new FrameDecoder(handshakeFrameBytesMax);
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  let challenge: ReturnType<typeof decodeHandshakeFrame> | undefined;
  socket.on("data", (chunk: Buffer) => {
    const result = decoder.push(chunk);
    const first = result.frames[0];
    if (first === undefined || challenge !== undefined) return;
    challenge = decodeHandshakeFrame(first);
    socket.write(encodeFrame(encodeHandshakeFrame({ type: "proof", mac: new Uint8Array(32) })));
  });
  const hello = encodeHandshakeFrame({
    type: "hello",
    serverId: claimedId,
    authMode: "secret",
    nonce,
    // The membership is no secret (any member's config shows it): a stranger gets it right.
    membership: membershipDigest(peers),
    ensembleId: "test",
  });
  socket.write(encodeFrame(hello));
  try {
    await closed;
  } finally {
    socket.destroy();
  }
  return challenge?.type === "ok" ? challenge.frame : undefined;
}

/**
 * Dials `port` as member `dialerId` of `peers` with the test secret, and once the challenge checks out
 * writes the proof and `firstFrame` with one write; resolves with the socket (the caller closes it) once written.
 */
async function handDialedLink(
  port: number,
  dialerId: number,
  peers: readonly PeerAddress[],
  firstFrame: Uint8Array,
): Promise<Socket> {
  const rules = handshakeRules({
    selfId: dialerId,
    ensembleId: "test",
    peers,
    auth: testEnsembleSecret,
    membershipCheck: true,
  });
  const socket = connect({ host: "127.0.0.1", port });
  socket.on("error", () => {});
  const dial = beginDial(rules, 1, freshNonce());
  const decoder = new FrameDecoder(handshakeFrameBytesMax);
  const written = new Promise<void>((resolve, reject) => {
    socket.on("data", (chunk: Buffer) => {
      const [challenge] = decoder.push(chunk).frames;
      if (challenge === undefined) return;
      const step = stepHandshake(rules, dial.state, challenge);
      if (step.type !== "accepted" || step.reply === undefined) {
        reject(new Error(`handshake failed: ${JSON.stringify(step)}`));
        return;
      }
      socket.write(Buffer.concat([encodeFrame(step.reply), encodeFrame(firstFrame)]), () => resolve());
    });
  });
  socket.write(encodeFrame(dial.hello));
  try {
    await written;
  } catch (error) {
    socket.destroy();
    throw error;
  }
  return socket;
}

describe("reconnectDelayMs", () => {
  it("doubles from the minimum to the cap with half of it jittered", () => {
    const config = { peerReconnectDelayMinMs: 50, peerReconnectDelayMaxMs: 2000 };
    expect([0, 1, 2, 3, 4, 5, 6, 40].map((attempt) => reconnectDelayMs(attempt, config, 0))).toEqual([
      25, 50, 100, 200, 400, 800, 1000, 1000,
    ]);
    expect(reconnectDelayMs(0, config, 0.999_999)).toBe(50);
    expect(reconnectDelayMs(10, config, 0.5)).toBe(1500);
  });
});

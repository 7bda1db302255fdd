// Checks PeerNetwork with peer TLS on real loopback sockets (peer-tls.ts; docs/security.md, "TLS"):
// a mesh over mutual TLS carries frames; a dialer whose certificate another CA signed is refused by
// the acceptor, an acceptor whose certificate another CA signed (or that does not name the dialed
// host) is refused by the dialer, and a plain-TCP member is refused, each logged once per reason
// while the dialer keeps redialing; and raw TCP connections take handshake slots from accept, so a
// flood of unfinished TLS handshakes is evicted like silent sockets and a real member still gets in.
// Certificates come from openssl in a temp directory (test-certificates.ts). Every wait polls.
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TlsMaterial } from "../tls-material.js";
import type { PeerAddress } from "./peer-address.js";
import { PeerNetwork, type PeerNetworkMetrics } from "./peer-network.js";
import { makeTestCertificates, readPem, type TestCertificates } from "./test-certificates.js";
import {
  type MemoryLogger,
  memoryLogger,
  peerList,
  tcpHandleCount,
  testEnsembleSecret,
  testPeerConfig,
  waitFor,
} from "./test-ports.js";

const open: PeerNetwork[] = [];
const baselineTcpHandles = tcpHandleCount();
let certificates: TestCertificates;

beforeAll(() => {
  certificates = makeTestCertificates();
});

afterAll(() => certificates.remove());

afterEach(async () => {
  await Promise.all(open.splice(0).map((network) => network.close()));
  await waitFor(() => tcpHandleCount() === baselineTcpHandles, "all TCP handles to close");
});

/** A member's TLS material: its certificate (the real member's by default) and the CA it trusts. */
function material(
  options: { identity?: "member" | "rogueMember" | "client"; trust?: "ca" | "rogueCa" } = {},
): TlsMaterial {
  const { cert, key } = readPem(certificates[options.identity ?? "member"]);
  const caFile = options.trust === "rogueCa" ? certificates.rogueCaFile : certificates.caFile;
  return { cert, key, ca: readFileSync(caFile) };
}

interface Counters {
  rejected: number;
  readonly dropped: string[];
}

interface Node {
  readonly network: PeerNetwork;
  readonly log: MemoryLogger;
  readonly frames: Uint8Array[];
  readonly counters: Counters;
}

async function startNode(id: number, peers: readonly PeerAddress[], tls: TlsMaterial | undefined): Promise<Node> {
  const counters: Counters = { rejected: 0, dropped: [] };
  const metrics: PeerNetworkMetrics = {
    peersConnected: { set: () => {} },
    peerFramesSentTotal: { inc: () => {} },
    peerFramesReceivedTotal: { inc: () => {} },
    peerFramesDroppedTotal: { inc: () => {} },
    peerConnectionsRejectedTotal: {
      inc: () => {
        counters.rejected++;
      },
    },
    peerHandshakesDroppedTotal: { inc: ({ reason }) => void counters.dropped.push(reason) },
  };
  const log = memoryLogger();
  const network = new PeerNetwork({
    config: testPeerConfig(id, peers, { peerReconnectDelayMaxMs: 100 }),
    auth: testEnsembleSecret,
    tls,
    metrics,
    logger: log.logger,
    random: () => 0,
  });
  const node: Node = { network, log, frames: [], counters };
  network.onFrame((_peerId, frame) => node.frames.push(frame));
  open.push(network);
  await network.start();
  return node;
}

const linesWith = (node: Node, msg: string) => node.log.lines().filter((line) => String(line.msg).startsWith(msg));
const dialAttempts = (node: Node) => linesWith(node, "dialing peer").length;

describe("PeerNetwork over TLS", () => {
  it("connects a mesh over mutual TLS and carries frames both ways", async () => {
    const peers = await peerList(3);
    const nodes = await Promise.all(peers.map((peer) => startNode(peer.id, peers, material())));
    await waitFor(() => nodes.every((node) => node.network.connectedPeers().length === 2), "full mesh", 30_000);
    const [one, , three] = nodes as [Node, Node, Node];
    expect(one.network.send(3, Uint8Array.of(1, 3))).toBe(true);
    expect(three.network.send(1, Uint8Array.of(3, 1))).toBe(true);
    await waitFor(() => one.frames.length === 1 && three.frames.length === 1, "frames");
    expect([...(three.frames[0] ?? [])]).toEqual([1, 3]);
    expect(nodes.flatMap((node) => linesWith(node, "peer TLS"))).toEqual([]);
  });

  it("refuses a dialer whose certificate another CA signed, logging it once while it redials", async () => {
    const peers = await peerList(2);
    const one = await startNode(1, peers, material());
    const two = await startNode(2, peers, material({ identity: "rogueMember" }));
    await waitFor(() => one.counters.rejected >= 3 && dialAttempts(two) >= 3, "three refused dials", 30_000);
    const refusals = linesWith(one, "peer TLS handshake refused");
    expect(refusals.filter((line) => line.level === 40)).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ reason: "UNABLE_TO_VERIFY_LEAF_SIGNATURE", direction: "inbound" });
    expect(one.network.connectedPeers()).toEqual([]);
    expect(two.network.connectedPeers()).toEqual([]);
  });

  it("refuses an acceptor whose certificate another CA signed, and redials with backoff", async () => {
    const peers = await peerList(2);
    await startNode(1, peers, material({ identity: "rogueMember" }));
    const two = await startNode(2, peers, material());
    await waitFor(() => dialAttempts(two) >= 3, "three dials", 30_000);
    const failures = linesWith(two, "peer TLS handshake failed");
    expect(failures.filter((line) => line.level === 40)).toHaveLength(1);
    expect(failures[0]).toMatchObject({ peerId: 1, direction: "outbound", reason: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
    expect(two.network.connectedPeers()).toEqual([]);
  });

  it("refuses an acceptor whose certificate does not name the dialed host", async () => {
    const peers = await peerList(2);
    // The client certificate is signed by the CA but carries no subjectAltName for 127.0.0.1.
    await startNode(1, peers, material({ identity: "client" }));
    const two = await startNode(2, peers, material());
    await waitFor(() => linesWith(two, "peer TLS handshake failed").length > 0, "the dial to fail", 30_000);
    expect(linesWith(two, "peer TLS handshake failed")[0]).toMatchObject({ reason: "ERR_TLS_CERT_ALTNAME_INVALID" });
    expect(two.network.connectedPeers()).toEqual([]);
  });

  it("refuses a member that speaks plain TCP to a TLS peer port", async () => {
    const peers = await peerList(2);
    const one = await startNode(1, peers, material());
    const two = await startNode(2, peers, undefined);
    await waitFor(() => one.counters.rejected >= 2, "plain dials refused", 30_000);
    expect(linesWith(one, "peer TLS handshake refused").filter((line) => line.level === 40)).toHaveLength(1);
    expect(one.network.connectedPeers()).toEqual([]);
    expect(two.network.connectedPeers()).toEqual([]);
  });

  it("counts raw connections against the handshake slots from accept, and lets a member in past them", async () => {
    const peers = await peerList(2);
    const one = await startNode(1, peers, material());
    const flood: Socket[] = [];
    try {
      // Connections that never start TLS: each takes a slot at accept; past 8 from one address they evict each other.
      for (let index = 0; index < 20; index++) {
        const socket = connect({ host: "127.0.0.1", port: (peers[0] as PeerAddress).peerPort });
        socket.on("error", () => {});
        flood.push(socket);
      }
      await waitFor(() => one.counters.dropped.filter((reason) => reason === "addressFull").length >= 12, "evictions");
      await startNode(2, peers, material());
      await waitFor(() => one.network.connectedPeers().includes(2), "2 → 1 link past the flood", 30_000);
    } finally {
      for (const socket of flood) socket.destroy();
    }
  });
});

// Checks PeerNetwork under dynamic membership on real loopback sockets with ports the test picks:
// setPeers dials a newly listed lower id, stops redialing a removed peer (keeping its link) and dials
// a moved peer at its new address; a joining member (an id nobody lists, whatever its id) links once
// it proves the secret and is refused with another secret; links from unlisted ids are capped; the
// membership digest still parts two bootstrap members with different lists and is skipped once one
// side sends zeros, switchable at run time. Jitter is pinned (random = 0) and every wait polls a
// condition with a ceiling; the one check that something does NOT happen waits for a later event
// that proves the timer it watches would have fired.
import { afterEach, describe, expect, it } from "vitest";
import type { PeerAddress } from "./peer-address.js";
import type { PeerAuth } from "./peer-auth.js";
import { type PeerNetwork, peerUnlistedLinksMax } from "./peer-network.js";
import {
  peerList,
  startTestPeerNode,
  stopTestPeerNode,
  type TestPeerNode,
  tcpHandleCount,
  waitFor,
} from "./test-ports.js";

const open: PeerNetwork[] = [];
const baselineTcpHandles = tcpHandleCount();

afterEach(async () => {
  await Promise.all(open.splice(0).map((network) => network.close()));
  await waitFor(() => tcpHandleCount() === baselineTcpHandles, "all TCP handles to close");
});

type Node = TestPeerNode;

interface NodeOptions {
  /** The dial table, when it is not `peers` (a joiner's leaves its own id out). */
  readonly table?: readonly PeerAddress[];
  /** setPeers' second argument, when the table lists this server only for its address. */
  readonly selfIsMember?: boolean;
  readonly membershipCheck?: boolean;
  readonly auth?: PeerAuth;
  readonly peerFrameBytesMax?: number;
}

/** Server `id` listening at its entry in `peers`, with `options.table` as its peer list when given. */
async function startNode(id: number, peers: readonly PeerAddress[], options: NodeOptions = {}): Promise<Node> {
  return startTestPeerNode(open, id, peers, {
    ...(options.peerFrameBytesMax === undefined ? {} : { overrides: { peerFrameBytesMax: options.peerFrameBytesMax } }),
    ...(options.auth === undefined ? {} : { auth: options.auth }),
    beforeStart: (network) => {
      if (options.table !== undefined) network.setPeers(options.table, options.selfIsMember);
      if (options.membershipCheck === false) network.setMembershipCheck(false);
    },
  });
}

const stopNode = (node: Node): Promise<void> => stopTestPeerNode(open, node);

/** Peer `id` on a fresh free port (a joining member's address). */
async function newPeer(id: number): Promise<PeerAddress> {
  const [peer] = await peerList(1);
  return { ...(peer as PeerAddress), id };
}

const dials = (node: Node, peerId: number) =>
  node.log.lines().filter((line) => line.msg === "dialing peer" && line.peerId === peerId).length;
const rejections = (node: Node) =>
  node.log
    .lines()
    .filter((line) => String(line.msg).startsWith("peer handshake rejected"))
    .map((line) => `${String(line.msg)} ${String(line.reason ?? "")}`);

describe("PeerNetwork.setPeers", () => {
  it("dials a newly listed lower id, and the link stays when the other side lists it too", async () => {
    const peers = await peerList(2);
    // Each starts alone (a replicated configuration, so no digest); 1 does not know 2 yet.
    const own = (id: number) => peers.filter((peer) => peer.id === id);
    const one = await startNode(1, peers, { table: own(1), membershipCheck: false });
    const two = await startNode(2, peers, { table: own(2), membershipCheck: false });
    expect(dials(two, 1)).toBe(0);
    two.network.setPeers(peers);
    await waitFor(() => one.network.connectedPeers().includes(2), "2 → 1 link after setPeers");
    one.network.setPeers(peers);
    expect(two.network.send(1, Uint8Array.of(7))).toBe(true);
    await waitFor(() => one.frames.length === 1, "a frame over the new link");
    expect(dials(two, 1)).toBe(1);
    expect([one.ups, two.ups]).toEqual([[2], [1]]);
    expect([...one.downs, ...two.downs]).toEqual([]);
  });

  it("stops redialing a removed peer, but keeps its link until it drops", async () => {
    const peers = await peerList(3);
    const one = await startNode(1, peers);
    // 3 dials 1 (up) and 2 (not running: it keeps redialing, the clock this test reads).
    const three = await startNode(3, peers, { membershipCheck: false });
    await waitFor(() => three.network.connectedPeers().includes(1), "3 → 1 link");
    three.network.setPeers(peers.filter((peer) => peer.id !== 1));
    expect(three.network.connectedPeers()).toEqual([1]);
    expect(three.network.send(1, Uint8Array.of(1))).toBe(true);
    await waitFor(() => one.frames.length === 1, "the removed peer's link still carries frames");
    const dialsToOne = dials(three, 1);
    await stopNode(one);
    await waitFor(() => three.downs.some((down) => down.peerId === 1), "3 sees 1 down");
    // A redial of 1 would be due 10 ms after the loss (attempt 0); 2's redials are due no sooner, and
    // later-scheduled, so two of them prove 1's moment has passed.
    const dialsToTwo = dials(three, 2);
    await waitFor(() => dials(three, 2) >= dialsToTwo + 2, "two more dials of 2");
    expect(dials(three, 1)).toBe(dialsToOne);
  });

  it("dials a peer that moved at its new address on the next dial", async () => {
    const peers = await peerList(2);
    const moved = await newPeer(1);
    const updated = peers.map((peer) => (peer.id === 1 ? { ...peer, peerPort: moved.peerPort } : peer));
    // 1 listens on `moved`'s port; 2 still has 1's old port, where nothing listens.
    const one = await startNode(1, [moved, ...peers.filter((peer) => peer.id !== 1)]);
    const two = await startNode(2, peers);
    await waitFor(() => dials(two, 1) >= 2, "failed dials to the old address");
    expect(two.network.connectedPeers()).toEqual([]);
    two.network.setPeers(updated);
    await waitFor(() => one.network.connectedPeers().includes(2), "2 → 1 at the new address");
    const lastDial = two.log
      .lines()
      .filter((line) => line.msg === "dialing peer")
      .at(-1);
    expect(lastDial?.port).toBe(moved.peerPort);
  });
});

describe("PeerNetwork with an unlisted (joining) peer", () => {
  it("links a joiner that proves the secret, whatever the ids, and keeps the links through the reconfig", async () => {
    const members = (await peerList(5)).slice(2); // ids 3, 4, 5
    const nodes = await Promise.all(members.map((peer) => startNode(peer.id, members)));
    // Joiner 1: lower than every member, in nobody's list; its own list names the members and its
    // own entry (for its address), with selfIsMember false.
    const joinerPeer = await newPeer(1);
    const configuration = [joinerPeer, ...members];
    const joiner = await startNode(1, configuration, {
      table: configuration,
      selfIsMember: false,
      membershipCheck: false,
    });
    await waitFor(
      () =>
        joiner.network.connectedPeers().length === 3 &&
        nodes.every((node) => node.network.connectedPeers().includes(1)),
      "the joiner linked to every member (both ends)",
    );
    const [three] = nodes as [Node, Node, Node];
    expect(three.network.send(1, Uint8Array.of(3))).toBe(true);
    expect(joiner.network.send(3, Uint8Array.of(1))).toBe(true);
    await waitFor(() => joiner.frames.length === 1 && three.frames.length === 1, "frames both ways");
    // The reconfig commits: 1 is a member now. No link is dropped or duplicated.
    for (const node of [...nodes, joiner]) {
      node.network.setMembershipCheck(false);
      node.network.setPeers(configuration);
    }
    await waitFor(() => nodes.every((node) => node.network.connectedPeers().length === 3), "the mesh with 1");
    expect([...joiner.downs, ...nodes.flatMap((node) => node.downs)]).toEqual([]);
    expect(nodes.map((node) => dials(node, 1))).toEqual([0, 0, 0]);
  });

  it("once the joiner is listed, the higher id redials a lost link it did not make", async () => {
    const [member] = await peerList(1);
    const three = { ...(member as PeerAddress), id: 3 };
    const joinerPeer = await newPeer(1);
    const configuration = [joinerPeer, three];
    const memberNode = await startNode(3, [three], { membershipCheck: false });
    const joiner = await startNode(1, configuration, {
      table: [three],
      membershipCheck: false,
      peerFrameBytesMax: 1024,
    });
    await waitFor(() => memberNode.network.connectedPeers().includes(1), "1 → 3 link (the joiner dialed)");
    memberNode.network.setPeers(configuration);
    joiner.network.setPeers(configuration);
    // The joiner resets the link (a frame over its limit); now 3 is the one to dial, and 1 must not.
    const joinerDials = dials(joiner, 3);
    expect(memberNode.network.send(1, new Uint8Array(2048))).toBe(true);
    await waitFor(() => joiner.downs.length === 1, "the link reset");
    await waitFor(() => joiner.network.connectedPeers().includes(3) && dials(memberNode, 1) === 1, "3 → 1 link");
    expect(dials(joiner, 3)).toBe(joinerDials);
    expect(rejections(memberNode)).toEqual([]);
  });

  it("refuses a joiner with another secret", async () => {
    const peers = await peerList(3);
    const one = await startNode(1, peers);
    const otherSecret: PeerAuth = {
      type: "secret",
      key: new TextEncoder().encode("another-secret-also-at-least-32-bytes"),
    };
    const joiner = await startNode(9, [...peers, await newPeer(9)], {
      table: peers,
      membershipCheck: false,
      auth: otherSecret,
    });
    await waitFor(
      () =>
        joiner.log.lines().some((line) => String(line.reason).includes("does not prove the peer secret")) &&
        one.log.lines().some((line) => String(line.msg).includes("after our challenge, without a proof")),
      "both refusals logged",
    );
    expect(one.ups).toEqual([]);
    expect(joiner.ups).toEqual([]);
  });

  it(`holds at most ${peerUnlistedLinksMax} links from unlisted ids`, async () => {
    const [member] = await peerList(1);
    const one = await startNode(1, [member as PeerAddress]);
    const joinerIds = Array.from({ length: peerUnlistedLinksMax + 1 }, (_, index) => 10 + index);
    const joiners = await Promise.all(
      joinerIds.map(async (id) =>
        startNode(id, [member as PeerAddress, await newPeer(id)], {
          table: [member as PeerAddress],
          membershipCheck: false,
        }),
      ),
    );
    const linked = () => joiners.filter((node) => node.network.connectedPeers().includes(1));
    await waitFor(
      () =>
        one.network.connectedPeers().length === peerUnlistedLinksMax &&
        linked().length === peerUnlistedLinksMax &&
        rejections(one).some((line) => line.includes("links from servers not in the peer list are up already")),
      "the cap reached and a joiner refused",
    );
    // The one left out keeps redialing and being refused; once a linked joiner leaves, it gets in.
    const [outside] = joiners.filter((node) => !linked().includes(node));
    const [inside] = linked();
    if (outside === undefined || inside === undefined) throw new Error("expected one joiner out and some in");
    await stopNode(inside);
    const outsideId = joinerIds[joiners.indexOf(outside)] as number;
    // Both ends: the dialer sees the link up before the acceptor has taken its proof.
    await waitFor(
      () => outside.network.connectedPeers().includes(1) && one.network.connectedPeers().includes(outsideId),
      "the refused joiner gets in",
    );
    expect(one.network.connectedPeers()).toHaveLength(peerUnlistedLinksMax);
  });
});

describe("PeerNetwork membership check", () => {
  it("parts bootstrap members with different lists until one side turns the check off", async () => {
    const peers = await peerList(3);
    const grown = [...peers, await newPeer(4)];
    const one = await startNode(1, peers);
    const three = await startNode(3, grown);
    await waitFor(
      () => rejections(one).some((line) => line.includes("server 3 is configured with another ensemble membership")),
      "the bootstrap refusal",
    );
    expect(one.ups).toEqual([]);
    // 3 now holds a replicated configuration: it sends zeros, and 1 (still bootstrap) lets it in.
    three.network.setMembershipCheck(false);
    await waitFor(() => one.network.connectedPeers().includes(3), "the link once 3 sends zeros");
  });
});

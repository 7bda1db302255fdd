/**
 * Unit checks of the Replica API on a tiny lossless in-memory harness (the simulator covers faults):
 * election and a committed write, the Ready ordering contract (which sends wait for the persist),
 * rejection while LOOKING, and sync(). Messages are delivered in FIFO order, one Ready at a time.
 */
import { describe, expect, it } from "vitest";
import type { Epoch, PeerId, Zxid } from "../ids.js";
import { peerId, ZXID_ZERO, zxid } from "../ids.js";
import { PIPELINE_MAX, REQUEST_QUEUE_MAX } from "../limits.js";
import { encodeRequest, REQUEST_WRITE, SimApplication, SimStateMachine } from "../sim/app.js";
import { MemoryDisk } from "../sim/disk.js";
import { Prng } from "../sim/prng.js";
import { REPLICA_CONFIG_DEFAULTS } from "./config.js";
import { handleReady, type ReplicaIo } from "./driver.js";
import type { Envelope, PeerMessage } from "./messages.js";
import type { Ready, Reply } from "./ready.js";
import { Replica } from "./replica.js";

interface Node {
  replica: Replica;
  disk: MemoryDisk;
  sm: SimStateMachine;
  readies: Ready[];
  replies: Reply[];
}

function ensemble(size: number): {
  nodes: Map<PeerId, Node>;
  queue: { from: PeerId; to: PeerId; message: PeerMessage }[];
} {
  const voters = Array.from({ length: size }, (_, i) => peerId(i + 1));
  const nodes = new Map<PeerId, Node>();
  const prng = new Prng(7);
  for (const self of voters) {
    const disk = new MemoryDisk();
    const replica = new Replica({
      config: { ...REPLICA_CONFIG_DEFAULTS, self, voters, observers: [] },
      log: disk,
      app: new SimApplication(1_000_000),
      random: prng.fork(),
      appliedZxid: ZXID_ZERO,
    });
    nodes.set(self, { replica, disk, sm: new SimStateMachine(), readies: [], replies: [] });
  }
  return { nodes, queue: [] };
}

function settle(net: ReturnType<typeof ensemble>, ticks = 0): void {
  for (let round = 0; round < 10_000; round++) {
    let busy = false;
    for (const [id, node] of net.nodes) {
      while (node.replica.hasReady()) {
        busy = true;
        const ready = node.replica.ready();
        node.readies.push(ready);
        const io: ReplicaIo = {
          persist: (write) => node.disk.write(write),
          send: (to, message) => net.queue.push({ from: id, to, message }),
          restore: () => {
            node.sm = SimStateMachine.fromSnapshot(node.disk.snapshot);
          },
          apply: (entries) => {
            for (const entry of entries) node.sm.apply(entry);
          },
          reply: (replies) => node.replies.push(...replies),
        };
        handleReady(node.replica, ready, io);
      }
    }
    const next = net.queue.shift();
    if (next !== undefined) {
      net.nodes.get(next.to)?.replica.step({ type: "MESSAGE", from: next.from, message: next.message });
      continue;
    }
    if (busy) continue;
    if (ticks-- <= 0) return;
    for (const node of net.nodes.values()) node.replica.tick(1000);
  }
  throw new Error("settle: did not settle");
}

function leaderOf(net: ReturnType<typeof ensemble>): Node {
  const leaders = [...net.nodes.values()].filter((node) => node.replica.establishedEpoch !== undefined);
  expect(leaders).toHaveLength(1);
  return leaders[0] as Node;
}

const write = (requestId: number) => encodeRequest({ kind: REQUEST_WRITE, origin: 1, requestId, session: 1n });

describe("Replica", () => {
  it("elects the highest id on equal logs and commits a write on every replica", () => {
    const net = ensemble(3);
    settle(net, 20);
    const leader = leaderOf(net);
    expect(leader.replica.leaderId).toBe(3);
    expect([...net.nodes.values()].every((node) => node.replica.serving)).toBe(true);
    const follower = net.nodes.get(peerId(1)) as Node;
    follower.replica.step({ type: "REQUEST", requestId: 1, request: write(1) });
    settle(net, 2);
    for (const node of net.nodes.values()) {
      expect(node.sm.count).toBe(1);
      expect(node.sm.lastZxid).toBe(zxid(leader.replica.currentEpoch, 1));
    }
  });

  it("sends the leader's PROPOSAL before its persist and a follower's ACK only after its persist", () => {
    const net = ensemble(3);
    settle(net, 20);
    const leader = leaderOf(net);
    for (const node of net.nodes.values()) node.readies.length = 0;
    leader.replica.step({ type: "REQUEST", requestId: 1, request: write(1) });
    settle(net);
    const isType = (type: string) => (e: Envelope) => e.message.type === type;
    const proposing = leader.readies.find((r) => r.sendBeforePersist.some(isType("PROPOSAL")));
    expect(proposing?.persist?.entries.length).toBe(1);
    expect(proposing?.mustSync).toBe(true);
    for (const id of [1, 2]) {
      const node = net.nodes.get(peerId(id)) as Node;
      const acking = node.readies.find((r) => [...r.sendBeforePersist, ...r.sendAfterPersist].some(isType("ACK")));
      expect(acking?.sendBeforePersist.some(isType("ACK"))).toBe(false);
      expect(acking?.persist?.entries.map((e) => e.zxid)).toEqual([zxid(leader.replica.currentEpoch, 1)]);
    }
  });

  it("rejects writes and syncs while LOOKING", () => {
    const net = ensemble(3);
    const node = net.nodes.get(peerId(1)) as Node;
    node.replica.step({ type: "REQUEST", requestId: 9, request: write(9) });
    node.replica.step({ type: "SYNC", syncId: 10 });
    settle(net);
    expect(node.replies).toContainEqual({ type: "REQUEST_REJECTED", requestId: 9, code: "NOTREADY" });
    expect(node.replies).toContainEqual({ type: "SYNC_FAILED", syncId: 10, code: "NOTREADY" });
  });

  it("answers sync() on a follower after everything proposed before it is applied locally", () => {
    const net = ensemble(3);
    settle(net, 20);
    const leader = leaderOf(net);
    leader.replica.step({ type: "REQUEST", requestId: 1, request: write(1) });
    const follower = net.nodes.get(peerId(1)) as Node;
    follower.replica.step({ type: "SYNC", syncId: 5 });
    settle(net, 2);
    const synced = follower.replies.find((r) => r.type === "SYNCED");
    expect(synced).toBeDefined();
    expect(follower.sm.lastZxid >= ((synced as { zxid: Zxid }).zxid as bigint)).toBe(true);
  });

  it("a single-voter ensemble leads itself", () => {
    const net = ensemble(1);
    settle(net, 2);
    const node = leaderOf(net);
    node.replica.step({ type: "REQUEST", requestId: 1, request: write(1) });
    settle(net, 1);
    expect(node.sm.count).toBe(1);
  });
  it("a leader whose request queue is full refuses a forwarded write with THROTTLEDOP instead of dropping it", () => {
    const net = ensemble(3);
    settle(net, 20);
    const leader = leaderOf(net);
    // Fill the pipeline and then the queue, without letting anything commit in between.
    const fill = PIPELINE_MAX + REQUEST_QUEUE_MAX;
    for (let id = 1; id <= fill; id++) leader.replica.step({ type: "REQUEST", requestId: id, request: write(id) });
    leader.replica.step({ type: "REQUEST", requestId: fill + 1, request: write(fill + 1) });
    const follower = net.nodes.get(peerId(1)) as Node;
    follower.replica.step({ type: "REQUEST", requestId: 77, request: write(77) });
    settle(net);
    expect(leader.replies).toContainEqual({ type: "REQUEST_REJECTED", requestId: fill + 1, code: "THROTTLEDOP" });
    expect(follower.replies).toContainEqual({ type: "REQUEST_REJECTED", requestId: 77, code: "THROTTLEDOP" });
    // Everything the leader queued commits; the refused writes never do.
    for (const node of net.nodes.values()) expect(node.sm.count).toBe(fill);
  });
  it("a leader does not complete discovery on an ACKEPOCH that is not a fresh promise (two leaders, one epoch)", () => {
    // Replica 2 is made leader by votes from 1 and 3; voter 1 then acks its epoch. A voter that had
    // already promised that epoch to another leader answers with fresh=false, and such an ack must
    // not complete the discovery quorum (ZooKeeper's ACKEPOCH with -1); a fresh one does.
    for (const fresh of [false, true]) {
      const voters = [peerId(1), peerId(2), peerId(3)];
      const disk = new MemoryDisk();
      const replica = new Replica({
        config: { ...REPLICA_CONFIG_DEFAULTS, self: peerId(2), voters, observers: [] },
        log: disk,
        app: new SimApplication(1_000_000),
        random: new Prng(3),
        appliedZxid: ZXID_ZERO,
      });
      const sent: Envelope[] = [];
      const drain = () => {
        while (replica.hasReady()) {
          const ready = replica.ready();
          sent.push(...ready.sendBeforePersist, ...ready.sendAfterPersist);
          if (ready.persist !== undefined) disk.write(ready.persist);
          replica.advance(ready);
        }
      };
      drain();
      const vote = { leader: peerId(2), zxid: ZXID_ZERO, peerEpoch: 0 as Epoch };
      for (const from of [1, 3]) {
        replica.step({
          type: "MESSAGE",
          from: peerId(from),
          message: { type: "NOTIFICATION", vote, electionEpoch: 1, state: "LOOKING" },
        });
      }
      for (let tick = 0; tick < 5 && replica.state !== "LEADING"; tick++) {
        replica.tick(1000);
        drain();
      }
      expect(replica.state).toBe("LEADING");
      const link = { connection: 77 };
      replica.step({
        type: "MESSAGE",
        from: peerId(1),
        message: { type: "FOLLOWERINFO", acceptedEpoch: 0 as Epoch, ...link, seq: 1 },
      });
      drain();
      const leaderInfo = sent.find((e) => e.to === 1 && e.message.type === "LEADERINFO")?.message;
      if (leaderInfo?.type !== "LEADERINFO") throw new Error("no LEADERINFO to voter 1");
      const epoch = leaderInfo.newEpoch;
      replica.step({
        type: "MESSAGE",
        from: peerId(1),
        message: {
          type: "ACKEPOCH",
          currentEpoch: 0 as Epoch,
          lastZxid: ZXID_ZERO,
          fresh,
          deadlines: undefined,
          ...link,
          seq: 2,
        },
      });
      drain();
      const synced = sent.some((e) => e.to === 1 && e.message.type === "NEWLEADER" && e.message.epoch === epoch);
      expect(synced).toBe(fresh);
    }
  });
});

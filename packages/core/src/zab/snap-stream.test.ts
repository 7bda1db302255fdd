/**
 * The chunked SNAP transfer: the sender's window and the receiver's checks on their own, then
 * whole replicas over a lossless in-memory network: a follower far behind the leader's log catches
 * up through many chunks with never more than SNAP_WINDOW_CHUNKS_MAX unacknowledged, proposals
 * made during the transfer reach it after the snapshot, and a torn transfer (the follower crashes
 * mid-way) is discarded at restart and starts over from chunk 0.
 */
import { describe, expect, it } from "vitest";
import { crc32c } from "../codec/crc32c.js";
import type { PeerId } from "../ids.js";
import { peerId, ZXID_ZERO, zxid } from "../ids.js";
import { LEARNER_FRAMES_PER_STEP_MAX, SNAP_WINDOW_CHUNKS_MAX } from "../limits.js";
import { encodeRequest, REQUEST_WRITE, SimApplication, SimStateMachine } from "../sim/app.js";
import { MemoryDisk } from "../sim/disk.js";
import { Prng } from "../sim/prng.js";
import { REPLICA_CONFIG_DEFAULTS } from "./config.js";
import { handleReady, type ReplicaIo } from "./driver.js";
import type { Snapshot } from "./io.js";
import type { PeerMessage } from "./messages.js";
import { Replica } from "./replica.js";
import { SnapReceiver, SnapSender } from "./snap-stream.js";
import { snapshotHeaderOf } from "./snapshot-manifest.js";

const chunk = (n: number, size = 10) => new Uint8Array(size).fill(n);
const snapshotOf = (chunks: Uint8Array[]): Snapshot => ({ zxid: zxid(1, 7), chunks });

describe("SnapSender", () => {
  it("keeps at most the window unacknowledged and opens it on cumulative acks", () => {
    const sender = new SnapSender(snapshotHeaderOf(snapshotOf(Array.from({ length: 10 }, (_, i) => chunk(i)))), 3);
    const fill = () => {
      for (let ticks = 0; ticks < 10; ticks++) {
        while (sender.canSend()) sender.sent();
        sender.tick();
      }
    };
    fill();
    expect(sender.nextIndex).toBe(3);
    expect(sender.onAck(5)).toBe(false); // never sent: ignored
    expect(sender.onAck(1)).toBe(true);
    fill();
    expect(sender.nextIndex).toBe(5);
    expect(sender.onAck(0)).toBe(true); // stale ack: the window does not shrink back
    expect(sender.ackedCount).toBe(2);
    sender.onAck(4);
    fill();
    expect(sender.nextIndex).toBe(8);
    sender.onAck(7);
    fill();
    expect(sender.allSent).toBe(true);
    expect(sender.nextIndex).toBe(10);
  });

  it("is ack-clocked: one chunk to start, one per tick until the window is full, then one per acked chunk", () => {
    const sender = new SnapSender(snapshotHeaderOf(snapshotOf(Array.from({ length: 20 }, (_, i) => chunk(i)))), 4);
    const burst = () => {
      let sent = 0;
      while (sender.canSend()) {
        sender.sent();
        sent++;
      }
      return sent;
    };
    expect(burst()).toBe(1);
    expect(burst()).toBe(0);
    sender.tick();
    expect(burst()).toBe(1);
    sender.tick();
    sender.tick(); // a tick only refills an empty credit: no burst after a stall
    expect(burst()).toBe(1);
    sender.tick();
    expect(burst()).toBe(1);
    sender.tick();
    expect(burst()).toBe(0); // window of 4 full
    sender.onAck(1); // two chunks acknowledged: two may go
    expect(burst()).toBe(2);
  });
});

describe("SnapReceiver", () => {
  const chunks = [chunk(1), chunk(2, 7), chunk(3, 0)];
  const header = snapshotHeaderOf(snapshotOf(chunks));

  it("accepts the announced chunks in order and completes on a matching manifest", () => {
    const receiver = new SnapReceiver(header);
    expect(receiver.accept(0, chunks[0] as Uint8Array)).toEqual({
      type: "CHUNK",
      checksum: crc32c(chunk(1)),
      complete: false,
    });
    expect(receiver.accept(1, chunks[1] as Uint8Array).type).toBe("CHUNK");
    expect(receiver.accept(2, chunks[2] as Uint8Array)).toMatchObject({ type: "CHUNK", complete: true });
  });

  it("rejects a gap, a chunk past the count, extra bytes and an altered chunk", () => {
    expect(new SnapReceiver(header).accept(1, chunk(2, 7)).type).toBe("ERROR");
    const extra = new SnapReceiver(header);
    expect(extra.accept(0, chunk(1, 30)).type).toBe("ERROR");
    const altered = new SnapReceiver(header);
    altered.accept(0, chunk(1));
    altered.accept(1, chunk(9, 7));
    expect(altered.accept(2, chunk(3, 0))).toEqual({ type: "ERROR", reason: "manifest checksum mismatch" });
    const past = new SnapReceiver(header);
    for (const [i, c] of chunks.entries()) past.accept(i, c);
    expect(past.accept(3, chunk(4)).type).toBe("ERROR");
  });

  it("an empty snapshot is complete at its header", () => {
    expect(new SnapReceiver(snapshotHeaderOf(snapshotOf([]))).emptyComplete()).toMatchObject({ complete: true });
    expect(new SnapReceiver(header).emptyComplete()).toBeUndefined();
  });
});

// --- whole replicas ---

interface Node {
  replica: Replica | undefined;
  readonly disk: MemoryDisk;
  sm: SimStateMachine;
  restores: number;
}

interface Sent {
  readonly from: PeerId;
  readonly to: PeerId;
  readonly message: PeerMessage;
}

const VOTERS = [peerId(1), peerId(2), peerId(3)];
/** Extra snapshot chunks after the hash-chain state: many chunks flow through the window. */
const PADDING_CHUNKS = 40;

class Net {
  readonly nodes = new Map<PeerId, Node>();
  readonly queue: Sent[] = [];
  readonly log: Sent[] = [];
  /** Messages matching this are parked instead of delivered (until `unpark`). */
  hold: ((sent: Sent) => boolean) | undefined;
  private readonly parked: Sent[] = [];
  /** Largest number of SNAPCHUNKs one Ready of the leader carried. */
  chunksPerReadyMax = 0;
  private readonly prng = new Prng(11);

  constructor() {
    for (const id of VOTERS) {
      this.nodes.set(id, { replica: undefined, disk: new MemoryDisk(), sm: new SimStateMachine(), restores: 0 });
      this.start(id);
    }
  }

  node(id: number): Node {
    return this.nodes.get(peerId(id)) as Node;
  }

  start(id: PeerId): void {
    const node = this.nodes.get(id) as Node;
    node.disk.open();
    node.sm = SimStateMachine.fromSnapshot(node.disk.snapshot);
    node.replica = new Replica({
      config: { ...REPLICA_CONFIG_DEFAULTS, self: id, voters: VOTERS, observers: [] },
      log: node.disk,
      app: new SimApplication(1_000_000),
      random: this.prng.fork(),
      appliedZxid: node.sm.lastZxid,
    });
  }

  crash(id: number): void {
    this.node(id).replica = undefined;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const sent = this.queue[i] as Sent;
      if (sent.to === id || sent.from === id) this.queue.splice(i, 1);
    }
  }

  private drain(id: PeerId, node: Node): boolean {
    const { replica } = node;
    let busy = false;
    while (replica?.hasReady()) {
      busy = true;
      const ready = replica.ready();
      const chunks = [...ready.sendBeforePersist, ...ready.sendAfterPersist].filter(
        (e) => e.message.type === "SNAPCHUNK",
      );
      this.chunksPerReadyMax = Math.max(this.chunksPerReadyMax, chunks.length);
      const io: ReplicaIo = {
        persist: (write) => node.disk.write(write),
        send: (to, message) => {
          const sent = { from: id, to, message };
          this.queue.push(sent);
          this.log.push(sent);
        },
        restore: (header) => {
          expect(node.disk.snapshot?.zxid).toBe(header.zxid);
          node.sm = SimStateMachine.fromSnapshot(node.disk.snapshot);
          node.restores += 1;
        },
        apply: (entries) => {
          for (const entry of entries) node.sm.apply(entry);
        },
        reply: () => {},
      };
      handleReady(replica, ready, io);
    }
    return busy;
  }

  /** Runs until quiet; `until` stops early (checked before each delivery). */
  settle(ticks = 0, until?: () => boolean): void {
    for (let round = 0; round < 200_000; round++) {
      let busy = false;
      for (const [id, node] of this.nodes) busy = this.drain(id, node) || busy;
      if (until?.()) return;
      const next = this.queue.shift();
      if (next !== undefined && this.hold?.(next) === true) {
        this.parked.push(next);
        continue;
      }
      if (next !== undefined) {
        this.nodes.get(next.to)?.replica?.step({ type: "MESSAGE", from: next.from, message: next.message });
        continue;
      }
      if (busy) continue;
      if (ticks-- <= 0) return;
      for (const node of this.nodes.values()) node.replica?.tick(1000);
    }
    throw new Error("settle: did not settle");
  }

  unpark(): void {
    this.hold = undefined;
    this.queue.unshift(...this.parked.splice(0));
  }

  leader(): Node {
    const leaders = [...this.nodes.values()].filter((n) => n.replica?.establishedEpoch !== undefined);
    expect(leaders).toHaveLength(1);
    return leaders[0] as Node;
  }

  write(requestId: number): void {
    const leader = this.leader();
    leader.replica?.step({
      type: "REQUEST",
      requestId,
      request: encodeRequest({ kind: REQUEST_WRITE, origin: 1, requestId, session: 1n }),
    });
  }

  /** The leader snapshots its applied state in many chunks and purges the log it covers. */
  snapshotLeader(): void {
    const leader = this.leader();
    const padding = Array.from({ length: PADDING_CHUNKS }, (_, i) => chunk(i, 64));
    leader.disk.takeSnapshot({ zxid: leader.sm.lastZxid, chunks: [...leader.sm.snapshot().chunks, ...padding] });
  }

  /** SNAPCHUNKs sent to `to` minus those it acknowledged, after every message, must stay within the window. */
  maxInFlight(learner: PeerId): number {
    let sent = 0;
    let acked = 0;
    let max = 0;
    for (const { from, to, message } of this.log) {
      if (message.type === "SNAP" && to === learner) {
        sent = 0;
        acked = 0;
      }
      if (message.type === "SNAPCHUNK" && to === learner) sent = message.index + 1;
      if (message.type === "SNAPACK" && from === learner) acked = Math.max(acked, message.index + 1);
      max = Math.max(max, sent - acked);
    }
    return max;
  }
}

/** Elects a leader with follower 1 down, commits `writes` txns, snapshots the leader; returns the net. */
function behind(writes: number): Net {
  const net = new Net();
  net.settle(20);
  const lagging = [...net.nodes.entries()].find(([, n]) => n.replica?.establishedEpoch === undefined);
  const [laggingId] = lagging as [PeerId, Node];
  net.crash(laggingId);
  for (let i = 1; i <= writes; i++) net.write(i);
  net.settle(2);
  net.snapshotLeader();
  for (let i = writes + 1; i <= writes + 3; i++) net.write(i);
  net.settle(2);
  (net as { lagging?: PeerId }).lagging = laggingId;
  return net;
}

function laggingOf(net: Net): PeerId {
  return (net as { lagging?: PeerId }).lagging as PeerId;
}

describe("SNAP stream between replicas", () => {
  it("a follower behind the log catches up through many chunks within the window", () => {
    const net = behind(20);
    const id = laggingOf(net);
    net.log.length = 0;
    net.start(id);
    net.settle(4);
    const follower = net.nodes.get(id) as Node;
    const leader = net.leader();
    expect(follower.replica?.serving).toBe(true);
    expect(follower.restores).toBe(1);
    expect(follower.sm.lastZxid).toBe(leader.sm.lastZxid);
    expect(follower.sm.hash).toBe(leader.sm.hash);
    const chunks = net.log.filter((s) => s.message.type === "SNAPCHUNK");
    expect(chunks.length).toBe(8 + PADDING_CHUNKS);
    expect(net.maxInFlight(id)).toBeLessThanOrEqual(SNAP_WINDOW_CHUNKS_MAX);
    expect(net.chunksPerReadyMax).toBeLessThanOrEqual(LEARNER_FRAMES_PER_STEP_MAX);
    expect(follower.disk.staged).toBeUndefined();
  });

  it("fills the window one chunk per tick and stops there while acks are withheld", () => {
    const net = behind(20);
    const id = laggingOf(net);
    net.log.length = 0;
    // Withhold the learner's acks, and everything after them on its link (a FIFO link cannot skip one).
    let holding = false;
    net.hold = (sent) => {
      if (sent.from === id && sent.message.type === "SNAPACK") holding = true;
      return holding && sent.from === id;
    };
    net.start(id);
    net.settle(9); // the follower rejoins, then the window fills one chunk per tick
    const sent = () => net.log.filter((s) => s.message.type === "SNAPCHUNK").length;
    expect(sent()).toBe(SNAP_WINDOW_CHUNKS_MAX);
    net.unpark();
    net.settle(4);
    expect(sent()).toBe(8 + PADDING_CHUNKS);
    const follower = net.nodes.get(id) as Node;
    expect(follower.replica?.serving).toBe(true);
    expect(follower.sm.hash).toBe(net.leader().sm.hash);
  });

  it("proposals made during the transfer reach the learner after the snapshot", () => {
    const net = behind(20);
    const id = laggingOf(net);
    net.log.length = 0;
    net.start(id);
    // Stop after the first chunks went out, write more, then let it finish.
    net.settle(0, () => net.log.filter((s) => s.message.type === "SNAPCHUNK").length >= 5);
    const leader = net.leader();
    const before = leader.sm.lastZxid;
    for (let i = 100; i < 105; i++) net.write(i);
    net.settle(4);
    const follower = net.nodes.get(id) as Node;
    expect(leader.sm.lastZxid > before).toBe(true);
    expect(follower.sm.lastZxid).toBe(leader.sm.lastZxid);
    expect(follower.sm.hash).toBe(leader.sm.hash);
    const types = net.log.filter((s) => s.to === id).map((s) => s.message.type);
    const lastChunk = types.lastIndexOf("SNAPCHUNK");
    const firstProposal = types.indexOf("PROPOSAL");
    expect(firstProposal).toBeGreaterThan(lastChunk);
  });

  it("a torn transfer is discarded at restart and starts over from chunk 0", () => {
    const net = behind(20);
    const id = laggingOf(net);
    net.start(id);
    const follower = net.nodes.get(id) as Node;
    net.settle(0, () => (follower.disk.staged?.chunks.length ?? 0) >= 12);
    const staged = follower.disk.staged?.chunks.length ?? 0;
    expect(staged).toBeGreaterThanOrEqual(12);
    expect(staged).toBeLessThan(8 + PADDING_CHUNKS);
    expect(follower.disk.snapshot).toBeUndefined(); // staged, not current
    net.crash(id);
    net.log.length = 0;
    net.start(id); // open() drops the staged chunks: never loaded
    expect(follower.disk.staged).toBeUndefined();
    expect(follower.sm.lastZxid).toBe(ZXID_ZERO);
    net.settle(4);
    const firstChunk = net.log.find((s) => s.message.type === "SNAPCHUNK")?.message;
    expect(firstChunk?.type === "SNAPCHUNK" && firstChunk.index).toBe(0);
    expect(follower.replica?.serving).toBe(true);
    expect(follower.sm.hash).toBe(net.leader().sm.hash);
  });

  it("a new transfer on a new link discards what the broken one staged", () => {
    const net = behind(20);
    const id = laggingOf(net);
    net.start(id);
    const follower = net.nodes.get(id) as Node;
    net.settle(0, () => (follower.disk.staged?.chunks.length ?? 0) >= 6);
    // The leader restarts: the link breaks, the follower re-elects and syncs again (same process, no open()).
    const leaderId = [...net.nodes.entries()].find(([, n]) => n.replica?.establishedEpoch !== undefined)?.[0] as PeerId;
    net.crash(leaderId);
    net.start(leaderId);
    net.settle(40);
    expect(follower.replica?.serving).toBe(true);
    expect(follower.disk.staged).toBeUndefined();
    expect(follower.sm.hash).toBe(net.leader().sm.hash);
  });
});

/**
 * The simulated network: every message is encoded with the real peer codec, then dropped,
 * delayed (which reorders), duplicated, or cut by a partition, all decided by the seeded PRNG.
 */
import { decodePeerMessage, encodePeerMessage } from "../codec/peer-message-codec.js";
import type { PeerId } from "../ids.js";
import type { PeerMessage } from "../zab/messages.js";
import type { Prng } from "./prng.js";

export interface NetworkFaults {
  dropRate: number;
  duplicateRate: number;
  /** Normal delay is 1..delayMaxMs; with `slowRate` a message takes up to `slowDelayMaxMs`. */
  delayMaxMs: number;
  slowRate: number;
  slowDelayMaxMs: number;
}

export const RELIABLE: NetworkFaults = { dropRate: 0, duplicateRate: 0, delayMaxMs: 1, slowRate: 0, slowDelayMaxMs: 1 };

export interface Packet {
  readonly from: PeerId;
  readonly to: PeerId;
  readonly bytes: Uint8Array;
}

export class Network {
  private readonly buckets = new Map<number, Packet[]>();
  /** Partition group of each peer; peers talk only within a group. */
  private readonly group = new Map<PeerId, number>();
  faults: NetworkFaults = RELIABLE;
  sent = 0;
  dropped = 0;
  /** Messages sent, by type: shows which protocol paths a schedule exercised (TRUNC, SNAP, ...). */
  readonly sentByType = new Map<string, number>();

  constructor(private readonly prng: Prng) {}

  connected(a: PeerId, b: PeerId): boolean {
    return (this.group.get(a) ?? 0) === (this.group.get(b) ?? 0);
  }

  partition(groups: readonly (readonly PeerId[])[]): void {
    this.group.clear();
    groups.forEach((members, index) => {
      for (const peer of members) this.group.set(peer, index);
    });
  }

  heal(): void {
    this.group.clear();
  }

  send(nowMs: number, from: PeerId, to: PeerId, message: PeerMessage): void {
    this.sent += 1;
    this.sentByType.set(message.type, (this.sentByType.get(message.type) ?? 0) + 1);
    const bytes = encodePeerMessage(message);
    const { faults, prng } = this;
    if (!this.connected(from, to) || prng.chance(faults.dropRate)) {
      this.dropped += 1;
      return;
    }
    const copies = prng.chance(faults.duplicateRate) ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      const slow = prng.chance(faults.slowRate);
      const delay = 1 + prng.int(slow ? faults.slowDelayMaxMs : faults.delayMaxMs);
      const at = nowMs + delay;
      const bucket = this.buckets.get(at);
      if (bucket === undefined) this.buckets.set(at, [{ from, to, bytes }]);
      else bucket.push({ from, to, bytes });
    }
  }

  /** A TCP reset between `a` and `b`: what is in flight between them, either way, is lost. */
  cut(a: PeerId, b: PeerId): void {
    for (const [at, bucket] of this.buckets) {
      const kept = bucket.filter((p) => !((p.from === a && p.to === b) || (p.from === b && p.to === a)));
      this.dropped += bucket.length - kept.length;
      this.buckets.set(at, kept);
    }
  }

  /** Packets due at `nowMs` that survive the current partition. */
  due(nowMs: number): Packet[] {
    const bucket = this.buckets.get(nowMs);
    if (bucket === undefined) return [];
    this.buckets.delete(nowMs);
    return bucket.filter((packet) => this.connected(packet.from, packet.to));
  }

  get inFlight(): number {
    let count = 0;
    for (const bucket of this.buckets.values()) count += bucket.length;
    return count;
  }
}

export function decodeOrThrow(bytes: Uint8Array): PeerMessage {
  const decoded = decodePeerMessage(bytes);
  if (decoded.type === "error") throw decoded.error;
  return decoded.message;
}

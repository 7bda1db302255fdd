/**
 * Outgoing messages split into `sendBeforePersist` and `sendAfterPersist` (zab/ready.ts) while
 * keeping per-destination FIFO order: a message may go early only if nothing to the same peer is
 * already waiting for the persist.
 */
import type { PeerId } from "../ids.js";
import type { Envelope, PeerMessage } from "./messages.js";

export class Outbox {
  private before: Envelope[] = [];
  private after: Envelope[] = [];
  private readonly waiting = new Set<PeerId>();

  /** `early`: the message does not depend on the pending write (docs/protocol.md §5). */
  send(to: PeerId, message: PeerMessage, early: boolean): void {
    if (early && !this.waiting.has(to)) {
      this.before.push({ to, message });
      return;
    }
    this.waiting.add(to);
    this.after.push({ to, message });
  }

  get isEmpty(): boolean {
    return this.before.length === 0 && this.after.length === 0;
  }

  take(): { before: Envelope[]; after: Envelope[] } {
    const taken = { before: this.before, after: this.after };
    this.before = [];
    this.after = [];
    this.waiting.clear();
    return taken;
  }
}

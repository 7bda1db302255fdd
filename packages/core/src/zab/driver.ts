/**
 * The one loop that honours `Ready`'s ordering contract (zab/ready.ts). apps/server and the
 * simulator both run it, so the simulator tests the server's real ordering, not a copy.
 */
import { assert } from "../assert.js";
import type { PeerId } from "../ids.js";
import { DRIVE_ROUNDS_MAX } from "../limits.js";
import type { DurableWrite, LogEntry, SnapshotHeader } from "./io.js";
import type { PeerMessage } from "./messages.js";
import type { Ready, ReplicaEvent, Reply } from "./ready.js";
import type { Replica } from "./replica.js";

export interface ReplicaIo {
  /** Performs the write atomically; when `mustSync`, it is fsynced before this returns. */
  persist(write: DurableWrite, mustSync: boolean): void;
  /** Queues a message to a peer (the transport keeps per-peer FIFO order). */
  send(to: PeerId, message: PeerMessage): void;
  /** Replaces the state machine with the snapshot received from the leader, now installed in the store. */
  restore(snapshot: SnapshotHeader): void;
  /** Applies committed txns in order (the tree, sessions and watches). */
  apply(entries: readonly LogEntry[]): void;
  reply(replies: readonly Reply[]): void;
  observe?(events: readonly ReplicaEvent[]): void;
}

/** Handles one Ready in contract order. */
export function handleReady(replica: Replica, ready: Ready, io: ReplicaIo): void {
  for (const envelope of ready.sendBeforePersist) io.send(envelope.to, envelope.message);
  if (ready.persist !== undefined) io.persist(ready.persist, ready.mustSync);
  for (const envelope of ready.sendAfterPersist) io.send(envelope.to, envelope.message);
  if (ready.restore !== undefined) io.restore(ready.restore);
  if (ready.commit.length > 0) io.apply(ready.commit);
  if (ready.replies.length > 0) io.reply(ready.replies);
  if (ready.events.length > 0) io.observe?.(ready.events);
  replica.advance(ready);
}

/**
 * Loops while the replica has work; returns the number of Ready rounds handled. `mayContinue`,
 * asked before every round after the first, lets the caller bound the work of one call (the
 * server gives it a time budget per event-loop turn so heartbeats are never starved, and calls
 * again on a later turn while `replica.hasReady()`). Stopping between rounds is always safe: the
 * contract only forbids inputs between `ready()` and `advance()`.
 */
export function drive(replica: Replica, io: ReplicaIo, mayContinue: () => boolean = () => true): number {
  let rounds = 0;
  while (replica.hasReady() && (rounds === 0 || mayContinue())) {
    assert(rounds < DRIVE_ROUNDS_MAX, "drive: the replica never settles");
    handleReady(replica, replica.ready(), io);
    rounds += 1;
  }
  return rounds;
}

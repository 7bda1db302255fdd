/**
 * `Ready`: everything a replica wants done after a batch of `step`/`tick` calls (etcd raft's
 * Ready, layout.md "How the pieces meet").
 *
 * Ordering contract (zab/driver.ts is the one implementation; do not reimplement it):
 *  1. Send `sendBeforePersist`. These never depend on `persist` (the leader's PROPOSALs, COMMITs,
 *     INFORMs and PINGs), so the leader's fsync overlaps its followers' fsyncs.
 *  2. Perform `persist` atomically and, when `mustSync`, fsync it. It is durable when this returns.
 *  3. Send `sendAfterPersist`, in order. These may depend on `persist` (ACK after the proposal is
 *     logged, ACKEPOCH after acceptedEpoch, ACKNEWLEADER after the synced history and currentEpoch,
 *     LEADERINFO after the leader's acceptedEpoch; docs/protocol.md §5). Per destination the
 *     replica keeps FIFO order across both lists: once a message to a peer is in
 *     `sendAfterPersist`, every later message to that peer is too.
 *  4. Load `restore` (a snapshot received through SNAP, installed by step 2) into the state
 *     machine, replacing it; the host reads its chunks from its own store.
 *  5. Apply `commit` in order. Each entry is already durable (it was logged earlier or in step 2).
 *  6. Deliver `replies` (a sync() answered here is answered only after step 5 applied its zxid).
 *  7. Call `advance(ready)`: the replica learns the write is durable (the leader counts its own ack).
 * No `step`, `tick` or `ready` call may happen between `ready()` and `advance()`.
 */
import type { KeelErrorCode } from "../errors.js";
import type { Epoch, PeerId, Zxid } from "../ids.js";
import type { DurableWrite, LogEntry, SnapshotHeader } from "./io.js";
import type { Envelope, PeerState, TouchStatus } from "./messages.js";

/** Outcomes for inputs the host gave the replica. Committed writes are not replies: the host sees them applied. */
export type Reply =
  /** sync() completed: every txn committed before it reached the leader is applied locally. */
  | { readonly type: "SYNCED"; readonly syncId: number; readonly zxid: Zxid }
  | { readonly type: "SYNC_FAILED"; readonly syncId: number; readonly code: KeelErrorCode }
  /** confirmTouch(): the leader touched the session (`open`) or found it expiring, closing or gone. */
  | { readonly type: "TOUCH_CONFIRMED"; readonly touchId: number; readonly open: boolean }
  | { readonly type: "TOUCH_FAILED"; readonly touchId: number; readonly code: KeelErrorCode }
  /** A write request was not accepted (no leader yet, queue full). It will not commit. */
  | { readonly type: "REQUEST_REJECTED"; readonly requestId: number; readonly code: KeelErrorCode };

/** The reply a confirmed touch gets for the leader's answer (local, or from TOUCHREPLY). */
export function touchReply(touchId: number, status: TouchStatus): Reply {
  return status === "NOTREADY"
    ? { type: "TOUCH_FAILED", touchId, code: "NOTREADY" }
    : { type: "TOUCH_CONFIRMED", touchId, open: status === "OPEN" };
}

/** Observability: role and leadership changes, for logs, metrics and `/ready`. */
export type ReplicaEvent =
  | { readonly type: "ROLE"; readonly role: PeerState; readonly leader: PeerId | undefined }
  /** This replica became the established leader of `epoch` (a quorum acked NEWLEADER). */
  | { readonly type: "ESTABLISHED"; readonly epoch: Epoch }
  /** This learner received UPTODATE and may serve clients. */
  | { readonly type: "SERVING"; readonly epoch: Epoch; readonly leader: PeerId }
  | { readonly type: "STEP_DOWN"; readonly reason: string };

export interface Ready {
  readonly sendBeforePersist: readonly Envelope[];
  readonly persist: DurableWrite | undefined;
  /** True whenever `persist` is present: every write Keel asks for must be fsynced before step 3. */
  readonly mustSync: boolean;
  readonly sendAfterPersist: readonly Envelope[];
  /** The snapshot installed by `persist` (SNAP): the host reads its chunks from its store and loads them. */
  readonly restore: SnapshotHeader | undefined;
  readonly commit: readonly LogEntry[];
  readonly replies: readonly Reply[];
  readonly events: readonly ReplicaEvent[];
}

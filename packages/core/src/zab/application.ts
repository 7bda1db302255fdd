/**
 * What the ZAB replica needs from the replicated application (the znode tree, its sessions and
 * its pending-changes overlay) while it leads. ZAB itself treats requests and txns as opaque
 * bytes; only the leader turns requests into txns (ZooKeeper's PrepRequestProcessor role).
 *
 * Every method is pure with respect to the outside world: no I/O, no clock (time is passed in).
 * The *apply* side is not here: the driver applies committed txns through `ReplicaIo.apply`, and
 * the implementation of this interface is expected to observe those applies (to drop pending
 * changes up to the applied zxid).
 */
import type { PeerId, SessionId, Zxid } from "../ids.js";
import type { SessionDeadline } from "../sessions/session-deadlines.js";
import type { Membership } from "./membership.js";

/**
 * What the leader tells prepare about membership, so that a membership change is judged where it
 * is ordered (docs/protocol.md §3.7): the one in force, whether one is still in flight (one at a
 * time: RECONFIGINPROGRESS), and who is synced with this leader (a quorum of the new voters, and
 * every added voter, must be: NEWCONFIGNOQUORUM).
 */
export interface ReconfigView {
  membership(): Membership;
  changePending(): boolean;
  /** A follower whose acks the leader counts now (the leader itself included); observers never. */
  isSynced(peer: PeerId): boolean;
}

export interface LeaderApplication {
  /**
   * Called once when this replica becomes an established leader (after a quorum acked NEWLEADER
   * and its synchronized history has been committed and applied). Pending changes start empty.
   * A session keeps the deadline in `inherited` (on this replica's clock) when it has one there;
   * the others, and all of them when `inherited` is undefined, get a fresh full timeout from
   * `nowMs` (docs/protocol.md §3.5).
   */
  startLeading(nowMs: number, inherited: ReadonlyMap<SessionId, number> | undefined): void;
  /** Called when the replica stops leading, for any reason. Drops pending changes and session deadlines. */
  stopLeading(): void;
  /**
   * Turns one client request into the txn to propose at `zxid`, validated against the applied state
   * plus every txn prepared before it and not yet applied. Invalid requests become *error txns*
   * (still proposed, so a session's replies stay in FIFO order), never exceptions.
   */
  prepare(request: Uint8Array, zxid: Zxid, nowMs: number, reconfig: ReconfigView): Uint8Array;
  /**
   * Session activity seen by any member, reported to the leader on PING replies, TOUCHes or
   * REQUESTs. Returns the sessions it could not extend: unknown, or already expiring or closing.
   */
  touchSessions(sessionIds: readonly SessionId[], nowMs: number): readonly SessionId[];
  /** Deadlines that changed since the last call (touched, created, expiring, gone), at most `countMax`. */
  drainDeadlineChanges(nowMs: number, countMax: number): SessionDeadline[];
  /** Every session's deadline: for a learner that just synced, and for this replica's own memory when it stops leading. */
  sessionDeadlines(nowMs: number): SessionDeadline[];
  /**
   * Requests the leader originates itself at a tick: closeSession for sessions past their timeout,
   * deletes of empty containers and of expired TTL nodes. Each is then prepared and proposed like
   * a client request. Returns at most `countMax` requests.
   */
  housekeeping(nowMs: number, countMax: number): Uint8Array[];
}

/**
 * Peer messages (docs/protocol.md §4), one discriminated union. The sender's id is not in the
 * message: the transport authenticates it and passes it to `Replica.step`.
 *
 * Every message between a leader and one learner travels on a *link*: the learner picks a fresh
 * `connection` id each time it starts following, and each direction numbers its messages from 1
 * (`seq`). ZAB assumes FIFO channels (TCP); the link lets a replica detect a lost, duplicated or
 * reordered message on any transport and treat it as a broken connection (docs/protocol.md).
 */
import type { KeelErrorCode } from "../errors.js";
import type { Epoch, PeerId, SessionId, Zxid } from "../ids.js";
import type { SessionDeadline } from "../sessions/session-deadlines.js";
import type { LogEntry, SnapshotHeader } from "./io.js";
import type { Membership } from "./membership.js";

export type PeerState = "LOOKING" | "FOLLOWING" | "LEADING" | "OBSERVING";

/** A vote in fast leader election (docs/protocol.md §3.0). */
export interface Vote {
  readonly leader: PeerId;
  readonly zxid: Zxid;
  readonly peerEpoch: Epoch;
}

export interface Link {
  readonly connection: number;
  readonly seq: number;
}

export type PeerMessage =
  | {
      readonly type: "NOTIFICATION";
      readonly vote: Vote;
      readonly electionEpoch: number;
      readonly state: PeerState;
      /**
       * The sender's last committed membership, once a change was ever committed (absent before,
       * so older builds still read bootstrap notifications). A replica behind it adopts it: a
       * committed membership is safe to use anywhere, and a restarted or lagging replica would
       * otherwise elect by an old one (ZooKeeper carries its config in notifications too).
       */
      readonly membership?: Membership;
    }
  | ({ readonly type: "FOLLOWERINFO"; readonly acceptedEpoch: Epoch } & Link)
  | ({ readonly type: "OBSERVERINFO"; readonly acceptedEpoch: Epoch } & Link)
  | ({ readonly type: "LEADERINFO"; readonly newEpoch: Epoch } & Link)
  /**
   * `fresh`: this ack newly promised the epoch (it was above the learner's acceptedEpoch). A voter
   * promises an epoch once: an ack of an epoch it had already promised (to this leader before a
   * reconnect, or to another leader that picked the same epoch) must not count toward a discovery
   * quorum, or two leaders could both gather one for the same epoch (ZooKeeper's ACKEPOCH with -1).
   */
  | ({
      readonly type: "ACKEPOCH";
      readonly currentEpoch: Epoch;
      readonly lastZxid: Zxid;
      readonly fresh: boolean;
      /** What this learner knows of the last leader's session deadlines; undefined after a restart (§3.5). */
      readonly deadlines: readonly SessionDeadline[] | undefined;
    } & Link)
  /** Sync by difference: the learner already holds everything up to `zxid`; entries after it follow. */
  | ({ readonly type: "DIFF"; readonly zxid: Zxid } & Link)
  /** Drop every logged entry after `zxid` (an uncommitted tail), then entries after it follow. */
  | ({ readonly type: "TRUNC"; readonly zxid: Zxid } & Link)
  /**
   * Start of a snapshot transfer: SNAPCHUNK 0..chunkCount-1 follow (at most SNAP_WINDOW_CHUNKS_MAX
   * unacknowledged), then entries after `snapshot.zxid`. The learner replaces its whole state with
   * the snapshot once every chunk is in and matches the header (docs/protocol.md, "SNAP stream").
   */
  | ({ readonly type: "SNAP"; readonly snapshot: SnapshotHeader } & Link)
  /** Chunk `index` of the snapshot announced by the last SNAP on this link. */
  | ({ readonly type: "SNAPCHUNK"; readonly index: number; readonly data: Uint8Array } & Link)
  /** Learner to leader: every chunk up to and including `index` is staged durably (opens the window). */
  | ({ readonly type: "SNAPACK"; readonly index: number } & Link)
  /** A run of consecutive txns (Keel's batching); during sync, part of the DIFF stream. */
  | ({ readonly type: "PROPOSAL"; readonly entries: readonly LogEntry[] } & Link)
  /** End of the sync stream: the learner holds everything up to `zxid`; it persists currentEpoch = epoch and acks. */
  | ({ readonly type: "NEWLEADER"; readonly epoch: Epoch; readonly zxid: Zxid } & Link)
  | ({ readonly type: "ACKNEWLEADER"; readonly epoch: Epoch } & Link)
  /** The leader is established; `committedZxid` is committed. The learner may serve. */
  | ({ readonly type: "UPTODATE"; readonly committedZxid: Zxid } & Link)
  /** Every proposal of this epoch up to `zxid` is durable on the sender (one ACK acknowledges a run). */
  | ({ readonly type: "ACK"; readonly zxid: Zxid } & Link)
  /** Every txn up to `zxid` is committed. */
  | ({ readonly type: "COMMIT"; readonly zxid: Zxid } & Link)
  /** Committed txns for an observer. */
  | ({ readonly type: "INFORM"; readonly entries: readonly LogEntry[] } & Link)
  /** Client writes a learner forwards, in arrival order (one frame per Ready, not per write). */
  | ({ readonly type: "REQUEST"; readonly requests: readonly ForwardedRequest[] } & Link)
  /**
   * The leader refused a forwarded REQUEST before proposing it (its request queue is full): it will
   * never commit, so the learner may tell its client so (a retryable THROTTLEDOP, not a timeout).
   */
  | ({ readonly type: "REQUESTREJECTED"; readonly requestId: number; readonly code: KeelErrorCode } & Link)
  /**
   * Liveness and leadership confirmation: `round` is echoed in PINGREPLY (sync() and confirmed
   * touches wait on a quorum of echoes). `deadlines`: session deadlines that changed since the last
   * PING, or, when `full`, every session's (the first PING a follower gets from a serving leader) (§3.5).
   */
  | ({
      readonly type: "PING";
      readonly round: number;
      readonly full: boolean;
      readonly deadlines: readonly SessionDeadline[];
    } & Link)
  | ({ readonly type: "PINGREPLY"; readonly round: number; readonly sessions: readonly SessionId[] } & Link)
  | ({ readonly type: "SYNC"; readonly syncId: number } & Link)
  | ({ readonly type: "SYNCREPLY"; readonly syncId: number; readonly zxid: Zxid } & Link)
  /**
   * A keep-alive that needs an answer: the leader touches `session` and says in TOUCHREPLY whether
   * it is still open. PINGREPLY touches are fire-and-forget, so a learner could not tell a client
   * that its session is already expiring (docs/protocol.md §3.5, "Confirmed keep-alives").
   */
  | ({ readonly type: "TOUCH"; readonly touchId: number; readonly session: SessionId } & Link)
  | ({ readonly type: "TOUCHREPLY"; readonly touchId: number; readonly status: TouchStatus } & Link);

/** OPEN: touched, deadline extended. EXPIRED: unknown, expiring or closing. NOTREADY: the leader is not serving yet. */
export type TouchStatus = "OPEN" | "EXPIRED" | "NOTREADY";

export type PeerMessageType = PeerMessage["type"];

/** One forwarded client write; `requestId` is the learner's own name for it, echoed in a rejection. */
export interface ForwardedRequest {
  readonly requestId: number;
  readonly request: Uint8Array;
}

/** A message with its destination, as `Ready` lists them. */
export interface Envelope {
  readonly to: PeerId;
  readonly message: PeerMessage;
}

export type LinkMessage = Exclude<PeerMessage, { type: "NOTIFICATION" }>;

/** Distributes `Omit` over the union, so `send(..., { type: "ACK", zxid })` type-checks per variant. */
export type LinkBody = LinkMessage extends infer M ? (M extends LinkMessage ? Omit<M, keyof Link> : never) : never;

/** Lexicographic vote order (docs/protocol.md §3.0): peerEpoch, then zxid, then leader id. */
export function voteBeats(a: Vote, b: Vote): boolean {
  if (a.peerEpoch !== b.peerEpoch) return a.peerEpoch > b.peerEpoch;
  if (a.zxid !== b.zxid) return a.zxid > b.zxid;
  return a.leader > b.leader;
}

export function sameVote(a: Vote, b: Vote): boolean {
  return a.leader === b.leader && a.zxid === b.zxid && a.peerEpoch === b.peerEpoch;
}

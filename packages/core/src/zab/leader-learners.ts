/** The leader's view of one connected learner (docs/protocol.md §3.1-3.3). */
import type { Epoch, PeerId } from "../ids.js";
import { ZXID_ZERO } from "../ids.js";
import { LinkState } from "./link.js";
import type { SnapSender } from "./snap-stream.js";

/**
 * INFO: FOLLOWERINFO/OBSERVERINFO received. EPOCH: LEADERINFO sent. ACKEPOCH: ACKEPOCH received,
 * waiting for sync to start. SYNC: DIFF/TRUNC/SNAP sent, streaming. NEWLEADER: stream complete,
 * NEWLEADER sent. ACKED: NEWLEADER acked (the learner's acks now count). UPTODATE: serving.
 */
export type LearnerStage = "INFO" | "EPOCH" | "ACKEPOCH" | "SYNC" | "NEWLEADER" | "ACKED" | "UPTODATE";

const STAGE_ORDER: readonly LearnerStage[] = ["INFO", "EPOCH", "ACKEPOCH", "SYNC", "NEWLEADER", "ACKED", "UPTODATE"];

export function stageAtLeast(stage: LearnerStage, floor: LearnerStage): boolean {
  return STAGE_ORDER.indexOf(stage) >= STAGE_ORDER.indexOf(floor);
}

export class LearnerHandle {
  stage: LearnerStage = "INFO";
  readonly link: LinkState;
  /** From ACKEPOCH. */
  currentEpoch = 0 as Epoch;
  lastZxid = ZXID_ZERO;
  /** From ACKEPOCH: the learner newly promised this leader's epoch (only such acks form the discovery quorum). */
  freshPromise = false;
  /** Every entry up to this zxid has been sent on the link (sync stream, then live proposals). */
  sentUpToZxid = ZXID_ZERO;
  sentCommitZxid = ZXID_ZERO;
  newLeaderZxid = ZXID_ZERO;
  /** Durable on the learner (ACKNEWLEADER, then ACKs); counts only from stage ACKED. */
  ackedZxid = ZXID_ZERO;
  lastHeardTick: number;
  /** Highest PING round this learner echoed (leadership confirmation for sync()). */
  pingRoundAcked = 0;
  /** This learner got a PING with every session deadline (the first from this serving leader). */
  deadlinesSent = false;
  /** Sync-stream frames this learner may still get this tick (stage SYNC; SYNC_FRAMES_PER_TICK_MAX). */
  syncFrameCredit = 0;
  /** The SNAP transfer in progress (stage SYNC), until its last chunk is sent. */
  snap: SnapSender | undefined;

  constructor(
    readonly peer: PeerId,
    readonly observer: boolean,
    readonly acceptedEpoch: Epoch,
    connection: number,
    nowTicks: number,
  ) {
    this.link = new LinkState(connection);
    this.lastHeardTick = nowTicks;
  }
}

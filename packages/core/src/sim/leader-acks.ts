/**
 * What one leader heard its followers acknowledge (ACK, and ACKNEWLEADER for the history its
 * NEWLEADER named), read off the simulated network. The checker uses it to verify that the leader
 * commits only what a quorum of the configuration(s) in force acknowledged (invariants.ts,
 * `checkLeaderCommit`): a disk check alone misses a leader that counts acks wrongly while the
 * other followers happen to have persisted already.
 */
import type { PeerId, Zxid } from "../ids.js";
import type { PeerMessage } from "../zab/messages.js";
import type { Replica } from "../zab/replica.js";

export class LeaderAcks {
  /** Highest zxid each follower acknowledged to this leader. */
  private readonly acked = new Map<PeerId, Zxid>();
  /** The history each follower was asked to acknowledge with NEWLEADER. */
  private readonly newLeaderZxids = new Map<PeerId, Zxid>();

  constructor(
    /** The replica object leading: a restart or a new leadership starts a new record. */
    readonly replica: Replica,
    /** Commits up to here were known before this leadership (or checked already). */
    public checkedZxid: Zxid,
  ) {}

  sent(to: PeerId, message: PeerMessage): void {
    if (message.type === "NEWLEADER") this.newLeaderZxids.set(to, message.zxid);
  }

  delivered(from: PeerId, message: PeerMessage): void {
    let zxid: Zxid | undefined;
    if (message.type === "ACK") zxid = message.zxid;
    else if (message.type === "ACKNEWLEADER") zxid = this.newLeaderZxids.get(from);
    if (zxid !== undefined && zxid > (this.acked.get(from) ?? 0n)) this.acked.set(from, zxid);
  }

  /** Followers that acknowledged `zxid` or later. */
  ackedAtLeast(zxid: Zxid): PeerId[] {
    return [...this.acked].filter(([, acked]) => acked >= zxid).map(([peer]) => peer);
  }
}

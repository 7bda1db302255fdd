/**
 * Chooses how the leader synchronizes one learner (docs/protocol.md §3.2): a pure function of the
 * leader's log and the learner's last logged zxid. Relies on ZAB's prefix property: two histories
 * that both hold zxid z agree on every txn up to z (only one leader proposes in an epoch, and a
 * learner accepts an epoch's proposals only after being synchronized with that epoch's leader).
 */
import { assert } from "../assert.js";
import type { Zxid } from "../ids.js";
import { PROPOSAL_BATCH_BYTES_MAX, PROPOSAL_BATCH_ENTRIES_MAX } from "../limits.js";
import type { SnapshotHeader } from "./io.js";
import type { ReplicaLog } from "./replica-log.js";

export type SyncPlan =
  /** The learner holds the leader's history up to `zxid`: stream entries after it. */
  | { readonly type: "DIFF"; readonly zxid: Zxid }
  /** The learner holds an uncommitted tail after `zxid`: drop it, then stream entries after `zxid`. */
  | { readonly type: "TRUNC"; readonly zxid: Zxid }
  /** The learner is behind the leader's retained log: stream the snapshot (read chunk by chunk), then entries after it. */
  | { readonly type: "SNAP"; readonly snapshot: SnapshotHeader };

export function planSync(log: ReplicaLog, peerLastZxid: Zxid): SyncPlan {
  const leaderLast = log.lastLogged();
  const base = log.snapshotZxid();
  if (peerLastZxid === leaderLast) return { type: "DIFF", zxid: peerLastZxid };
  if (peerLastZxid > leaderLast) return { type: "TRUNC", zxid: leaderLast };
  if (peerLastZxid < base) {
    const snapshot = log.snapshotHeader();
    assert(snapshot !== undefined, "planSync: learner behind the log and no snapshot");
    return { type: "SNAP", snapshot };
  }
  if (log.contains(peerLastZxid)) return { type: "DIFF", zxid: peerLastZxid };
  return { type: "TRUNC", zxid: predecessor(log, base, peerLastZxid) };
}

/** Largest zxid of the leader's history below `zxid` (a forward scan: divergence is rare). */
function predecessor(log: ReplicaLog, base: Zxid, zxid: Zxid): Zxid {
  let previous = base;
  for (;;) {
    const batch = log.entriesAfter(previous, PROPOSAL_BATCH_ENTRIES_MAX, PROPOSAL_BATCH_BYTES_MAX);
    assert(batch.length > 0, "planSync: ran off the end of the log");
    for (const entry of batch) {
      if (entry.zxid >= zxid) return previous;
      previous = entry.zxid;
    }
  }
}

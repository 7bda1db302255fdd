/**
 * Preparing a membership change (docs/protocol.md §3.7), on the leader that orders it. The rules,
 * in the order they are checked (ZooKeeper 3.5's reconfig, with its error names):
 *  - only a super identity may change the membership (NOAUTH);
 *  - one change at a time: none may be in flight (RECONFIGINPROGRESS);
 *  - `fromVersion`, when given, must be the current version (BADVERSION);
 *  - the result must be a usable membership (BADARGUMENTS);
 *  - every added voter, and a quorum of the new voters, must be synced with this leader now
 *    (NEWCONFIGNOQUORUM): the new configuration can commit and keep committing, and a new voter
 *    holds the history (it synced as a non-voting follower after `--join`) before it votes.
 */
import { type KeelError, keelError } from "../errors.js";
import type { Zxid } from "../ids.js";
import type { ReconfigView } from "../zab/application.js";
import { changedMembership, votersOf } from "../zab/membership.js";
import { isQuorum } from "../zab/quorum.js";
import { type AclPolicy, type AuthId, isSuper } from "./acl.js";
import type { ReconfigRequest } from "./request.js";
import type { TxnBody } from "./txn.js";

export function prepareReconfig(
  request: ReconfigRequest,
  auth: readonly AuthId[],
  zxid: Zxid,
  policy: AclPolicy,
  view: ReconfigView | undefined,
): TxnBody | KeelError {
  if (view === undefined) return keelError("RECONFIGDISABLED", "membership changes need a leader's view");
  if (!isSuper(auth, policy)) return keelError("NOAUTH", "changing the ensemble's members needs an admin");
  if (view.changePending()) return keelError("RECONFIGINPROGRESS", "another membership change is not committed yet");
  const current = view.membership();
  if (request.fromVersion !== undefined && request.fromVersion !== current.version) {
    return keelError(
      "BADVERSION",
      `the membership is at version ${current.version}, not ${request.fromVersion}: list it again`,
    );
  }
  if ((request.add === undefined) === (request.remove === undefined))
    return keelError("BADARGUMENTS", "a membership change adds one member or removes one");
  const next = changedMembership(
    current,
    zxid,
    request.add !== undefined ? { add: request.add } : { remove: request.remove as NonNullable<typeof request.remove> },
  );
  if (typeof next === "string") return keelError("BADARGUMENTS", next);
  const newVoters = votersOf(next);
  const added = request.add?.role === "voter" ? request.add.id : undefined;
  if (added !== undefined && !view.isSynced(added)) {
    return keelError(
      "NEWCONFIGNOQUORUM",
      `member ${added} is not synced with the leader: start it with --join first and wait until it follows`,
    );
  }
  const synced = newVoters.filter((peer) => view.isSynced(peer));
  if (!isQuorum(newVoters, synced)) {
    return keelError(
      "NEWCONFIGNOQUORUM",
      `only ${synced.length} of the new ${newVoters.length} voters are synced with the leader; a quorum must be`,
    );
  }
  return { type: "reconfig", members: next.members };
}

/**
 * The membership changes an admin asks for during a simulated run (docs/protocol.md §8,
 * "Membership changes"): add a replica outside the membership (a spare that joined, or one removed
 * earlier) as a voter or an observer, remove a voter (often the leader), remove an observer (the
 * first half of promoting it: re-added later as a voter), or, in the hash-chain app whose request
 * carries the full member list, turn a voter into an observer. Each is encoded as the app's request.
 */
import { assert, unreachable } from "../assert.js";
import { encodeRequest as encodeKeelRequest } from "../codec/request-codec.js";
import type { PeerId, SessionId, Zxid } from "../ids.js";
import { KEEL_SUPER_ID } from "../tree/acl.js";
import type { ReconfigRequest } from "../tree/request.js";
import { type MemberRole, type Membership, observersOf, votersOf } from "../zab/membership.js";
import { encodeRequest, REQUEST_RECONFIG, type SimMember, simMember } from "./app.js";
import type { Prng } from "./prng.js";

export type MembershipChange =
  | { readonly type: "add"; readonly id: PeerId; readonly role: MemberRole }
  | { readonly type: "remove"; readonly id: PeerId; readonly leader: boolean }
  | { readonly type: "demote"; readonly id: PeerId };

export interface ChangeContext {
  /** The membership the admin last saw committed. */
  readonly membership: Membership;
  /** Every replica of the simulation, members or not. */
  readonly replicas: readonly PeerId[];
  /** The current established leader, if any: a removal picks it half the time. */
  readonly leader: PeerId | undefined;
  readonly votersMin: number;
  /** Whether the app can change a member's role in one step (the hash-chain app; KeelState adds or removes). */
  readonly roleChanges: boolean;
}

/** One random change that makes sense against `context.membership`, or undefined when the draw fits none. */
export function pickMembershipChange(prng: Prng, context: ChangeContext): MembershipChange | undefined {
  const { membership, leader, votersMin } = context;
  const voters = votersOf(membership);
  const observers = observersOf(membership);
  const outsiders = context.replicas.filter((id) => !membership.members.some((member) => member.id === id));
  const draw = prng.int(10);
  if (draw < 4) {
    if (outsiders.length === 0) return undefined;
    return { type: "add", id: prng.pick(outsiders), role: prng.chance(0.8) ? "voter" : "observer" };
  }
  if (draw < 8) {
    if (voters.length <= votersMin) return undefined;
    const id = leader !== undefined && voters.includes(leader) && prng.chance(0.5) ? leader : prng.pick(voters);
    return { type: "remove", id, leader: id === leader };
  }
  if (draw < 9) {
    if (observers.length === 0) return undefined;
    return { type: "remove", id: prng.pick(observers), leader: false };
  }
  if (!context.roleChanges || voters.length <= votersMin) return undefined;
  return { type: "demote", id: prng.pick(voters) };
}

/** The member list after `change` (the hash-chain app's request carries all of it). */
export function membersAfter(membership: Membership, change: MembershipChange): SimMember[] {
  const members: SimMember[] = membership.members.map((member) => ({ id: member.id, role: member.role }));
  switch (change.type) {
    case "add":
      return [...members, { id: change.id, role: change.role }].sort((a, b) => a.id - b.id);
    case "remove":
      return members.filter((member) => member.id !== change.id);
    case "demote":
      return members.map((member) => (member.id === change.id ? { id: member.id, role: "observer" } : member));
    default:
      return unreachable(change);
  }
}

export interface ChangeRequestOptions {
  /** KeelState's request (`{ type: "reconfig", add | remove }` with a super identity) instead of the sim app's. */
  readonly keel: boolean;
  readonly origin: PeerId;
  readonly requestId: number;
  /** The sim app's request always carries the version; KeelState's only when given. */
  readonly fromVersion: Zxid | undefined;
}

export function membershipChangeRequest(
  membership: Membership,
  change: MembershipChange,
  options: ChangeRequestOptions,
): Uint8Array {
  const { origin, requestId, fromVersion } = options;
  if (!options.keel) {
    return encodeRequest({
      kind: REQUEST_RECONFIG,
      origin,
      requestId,
      session: 0n,
      reconfig: { fromVersion: fromVersion ?? membership.version, members: membersAfter(membership, change) },
    });
  }
  assert(change.type !== "demote", "sim: KeelState changes a membership one add or remove at a time");
  const request: ReconfigRequest = {
    type: "reconfig",
    ...(change.type === "add" ? { add: simMember(change.id, change.role) } : { remove: change.id }),
    ...(fromVersion === undefined ? {} : { fromVersion }),
  };
  return encodeKeelRequest({
    sessionId: 0n as SessionId,
    cxid: requestId,
    origin: { peer: origin, requestId },
    auth: [KEEL_SUPER_ID],
    request,
  });
}

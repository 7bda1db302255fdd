/**
 * Which pending inbound handshake gives way when a new connection arrives and the slots are full
 * (docs/security.md, "Handshake slots").
 *
 * Refusing the newcomer would let anyone who holds every slot keep a restarted member out for as
 * long as they like. Evicting instead means a flood only ever costs its own oldest sockets, and a
 * real member, which sends its hello the moment it connects and finishes within a round trip, gets
 * through. Sockets that have not yet sent a valid hello go first: a flood of silent (or trickling)
 * connections then never displaces a real member's handshake once its hello is in, however fast it
 * churns (before that, the member's socket is as silent as any and, if evicted, it redials). Only a
 * flood of well-formed hellos competes with a handshake in progress, and then the oldest goes.
 */

/** Unauthenticated inbound sockets held at once, from all addresses together. */
export const peerPendingInboundMax = 64;
/**
 * Unauthenticated inbound sockets one remote address may hold. A member has at most one dial in
 * flight to us; a few more allow for members behind one NAT address, and for redials.
 */
export const peerPendingInboundPerAddressMax = 8;

export interface PendingInbound {
  readonly remoteAddress: string;
  /** It sent a well-formed hello and got our challenge: a handshake in progress, not a silent socket. */
  readonly challenged: boolean;
}

export type SlotLimits = { readonly pendingMax: number; readonly perAddressMax: number };

export const defaultSlotLimits: SlotLimits = {
  pendingMax: peerPendingInboundMax,
  perAddressMax: peerPendingInboundPerAddressMax,
};

export type EvictionReason = "addressFull" | "pendingFull";

export type SlotDecision<T> =
  | { readonly type: "admit" }
  | { readonly type: "evictThenAdmit"; readonly victim: T; readonly reason: EvictionReason };

/**
 * `pendingOldestFirst`: the pending inbound handshakes in arrival order. One eviction always makes
 * room, since both counts are kept at or below their caps on every arrival.
 */
export function admitInbound<T extends PendingInbound>(
  pendingOldestFirst: readonly T[],
  remoteAddress: string,
  limits: SlotLimits = defaultSlotLimits,
): SlotDecision<T> {
  const sameAddress = pendingOldestFirst.filter((pending) => pending.remoteAddress === remoteAddress);
  if (sameAddress.length >= limits.perAddressMax) return evict(sameAddress, "addressFull");
  if (pendingOldestFirst.length >= limits.pendingMax) return evict(pendingOldestFirst, "pendingFull");
  return { type: "admit" };
}

function evict<T extends PendingInbound>(candidatesOldestFirst: readonly T[], reason: EvictionReason): SlotDecision<T> {
  const victim = candidatesOldestFirst.find((pending) => !pending.challenged) ?? candidatesOldestFirst[0];
  if (victim === undefined) throw new Error("admitInbound: a full slot set cannot be empty (limits must be ≥ 1)");
  return { type: "evictThenAdmit", victim, reason };
}

/**
 * A digest of the ensemble's membership as this server is configured: every member's id and role
 * (voter or observer), sorted by id. Hosts and ports are left out: a member may move to a new
 * address without the others' lists changing meaning.
 *
 * Why the handshake carries it: quorums are counted over the configured voters, so two members
 * with different voter lists can each count a "majority" the other does not see; a rolling restart
 * from a 3-voter list to a 5-voter one could elect two leaders in one epoch. Members whose lists
 * differ therefore refuse to link at all, and the operator sees why (docs/operations.md).
 *
 * The check only means something while the flag lists decide quorums. A server sends its digest
 * only in bootstrap mode (no replicated configuration yet, and not joining); a server that holds a
 * replicated configuration, or is joining one, sends `noMembershipDigest` (all zeros), and the
 * check is skipped when EITHER side sent zeros:
 * - a joining member's list cannot match the members' (it is not in theirs yet), and it does not
 *   vote until a committed reconfig makes it a member, so it cannot split a quorum;
 * - once a configuration is replicated, the committed configuration (the reconfig txns in the log),
 *   not the --peer lists, decides quorums, and those lists legitimately go stale; ZAB's own epoch
 *   and zxid checks keep a server with an older configuration from leading.
 * Two bootstrap members whose lists differ are still refused, as before dynamic membership.
 */
import { createHash } from "node:crypto";
import type { PeerAddress } from "./peer-address.js";

/** SHA-256 output: what the hello and the challenge carry. */
export const membershipDigestBytes = 32;

/** "Do not check": what a server with a replicated configuration, or a joining one, sends. No SHA-256 output is all zeros in practice. */
export const noMembershipDigest: Uint8Array = new Uint8Array(membershipDigestBytes);

export function membershipDigest(peers: readonly Pick<PeerAddress, "id" | "role">[]): Uint8Array {
  const canonical = [...peers]
    .sort((a, b) => a.id - b.id)
    .map((peer) => `${peer.id}:${peer.role}`)
    .join(",");
  return new Uint8Array(createHash("sha256").update(canonical, "utf8").digest());
}

/** True for `noMembershipDigest`: the sender asks that memberships not be compared. */
export function isNoMembershipDigest(digest: Uint8Array): boolean {
  return digest.byteLength === membershipDigestBytes && digest.every((byte) => byte === 0);
}

/** A short printable form for log lines: enough to tell two lists apart at a glance. */
export function membershipDigestText(digest: Uint8Array): string {
  return Buffer.from(digest.subarray(0, 6)).toString("hex");
}

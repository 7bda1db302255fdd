/**
 * A digest of the ensemble's membership as this server is configured: every member's id and role
 * (voter or observer), sorted by id. Hosts and ports are left out: a member may move to a new
 * address without the others' lists changing meaning.
 *
 * Why the handshake carries it: quorums are counted over the configured voters, so two members
 * with different voter lists can each count a "majority" the other does not see; a rolling restart
 * from a 3-voter list to a 5-voter one could elect two leaders in one epoch. Members whose lists
 * differ therefore refuse to link at all, and the operator sees why (docs/operations.md).
 */
import { createHash } from "node:crypto";
import type { PeerAddress } from "./peer-address.js";

/** SHA-256 output: what the hello and the challenge carry. */
export const membershipDigestBytes = 32;

export function membershipDigest(peers: readonly Pick<PeerAddress, "id" | "role">[]): Uint8Array {
  const canonical = [...peers]
    .sort((a, b) => a.id - b.id)
    .map((peer) => `${peer.id}:${peer.role}`)
    .join(",");
  return new Uint8Array(createHash("sha256").update(canonical, "utf8").digest());
}

/** A short printable form for log lines: enough to tell two lists apart at a glance. */
export function membershipDigestText(digest: Uint8Array): string {
  return Buffer.from(digest.subarray(0, 6)).toString("hex");
}

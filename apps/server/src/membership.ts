/**
 * The ensemble's membership as the server sees it (docs/operations.md, "Membership changes"):
 * the bootstrap one from the --peer list, then whatever the replicated tree holds once a change
 * was committed. Converts between core's Membership and the peer network's PeerAddress.
 */
import type { MembershipChange, MembersView } from "@keel/api";
import {
  keelError,
  type Membership,
  parseZxid,
  peerId,
  type ReconfigRequest,
  sortedMembership,
  ZXID_ZERO,
  type Zxid,
} from "@keel/core";
import type { ServerConfig } from "./config.js";
import type { PeerAddress } from "./peer/peer-address.js";

/** The --peer list without this server's own entry when it is joining (it is not a member yet). */
export function bootstrapPeers(config: Pick<ServerConfig, "peers" | "id" | "join">): readonly PeerAddress[] {
  return config.join ? config.peers.filter((peer) => peer.id !== config.id) : config.peers;
}

/** The bootstrap membership (version 0), with the addresses the --peer list gives. */
export function bootstrapMembership(config: Pick<ServerConfig, "peers" | "id" | "join">): Membership {
  return sortedMembership(
    ZXID_ZERO,
    bootstrapPeers(config).map((peer) => ({
      id: peerId(peer.id),
      role: peer.role,
      host: peer.host,
      peerPort: peer.peerPort,
      clientPort: peer.clientPort,
    })),
  );
}

/** What the peer network dials: every member of `membership`, and this server's own entry if it is not one. */
export function peerAddressesOf(membership: Membership, own: PeerAddress | undefined): PeerAddress[] {
  const peers: PeerAddress[] = membership.members.map((member) => ({
    id: member.id,
    host: member.host,
    peerPort: member.peerPort,
    clientPort: member.clientPort,
    role: member.role,
  }));
  if (own !== undefined && !peers.some((peer) => peer.id === own.id)) peers.push(own);
  return peers.sort((a, b) => a.id - b.id);
}

export function membersView(membership: Membership): MembersView {
  return {
    version: membership.version.toString(),
    members: membership.members.map((member) => ({
      id: member.id,
      role: member.role,
      host: member.host,
      peerPort: member.peerPort,
      clientPort: member.clientPort,
    })),
  };
}

/**
 * The reconfig request for an API change. The server's own rule on top of core's: a new member's
 * id must be above every current member's, because only the higher id of a pair dials the lower
 * (peer-network.ts) and the current members cannot dial a joiner they do not know yet.
 */
export function reconfigRequestOf(change: MembershipChange, current: Membership): ReconfigRequest {
  let fromVersion: Zxid | undefined;
  if (change.fromVersion !== undefined) {
    fromVersion = parseZxid(change.fromVersion);
    if (fromVersion === undefined) throw keelError("BADARGUMENTS", `fromVersion ${change.fromVersion} is not a zxid`);
  }
  const version = fromVersion === undefined ? {} : { fromVersion };
  if (change.add !== undefined) {
    const highest = Math.max(0, ...current.members.map((member) => member.id));
    if (change.add.id <= highest && !current.members.some((member) => member.id === change.add?.id)) {
      throw keelError(
        "BADARGUMENTS",
        `a new member's id must be above every current member's (${highest}): the higher id of a pair dials the lower`,
      );
    }
    return { type: "reconfig", add: { ...change.add, id: peerId(change.add.id) }, ...version };
  }
  if (change.remove === undefined) throw keelError("BADARGUMENTS", "a membership change adds or removes a member");
  return { type: "reconfig", remove: peerId(change.remove), ...version };
}

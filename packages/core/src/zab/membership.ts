/**
 * The ensemble's membership as data (docs/protocol.md §3.7, "Membership changes"): who votes, who
 * observes, and where each member is reached. The bootstrap membership comes from the static
 * configuration (version 0); after that, a `reconfig` txn carries each new one and the replicated
 * tree keeps the latest in /zookeeper/config, in ZooKeeper's text form (`formatMembership`).
 * ZAB itself only reads ids and roles; hosts, ports and the text are for the servers and clients.
 */
import { assert } from "../assert.js";
import { type PeerId, parseZxid, peerId, ZXID_ZERO, type Zxid } from "../ids.js";
import { OBSERVERS_MAX, VOTERS_MAX } from "../limits.js";

export type MemberRole = "voter" | "observer";

export interface Member {
  readonly id: PeerId;
  readonly role: MemberRole;
  /** Where the other members dial this one's peer port and clients its client port (a DNS name is resolved on every dial). */
  readonly host: string;
  readonly peerPort: number;
  readonly clientPort: number;
}

export interface Membership {
  /** The zxid of the reconfig txn that made this membership; 0 for the bootstrap one. */
  readonly version: Zxid;
  /** Sorted by id. */
  readonly members: readonly Member[];
}

export const MEMBER_ID_MAX = 255;
export const MEMBER_HOST_CHARS_MAX = 253;
const HOST_PATTERN = /^[A-Za-z0-9._:-]+$/;

export function votersOf(membership: Membership): PeerId[] {
  return membership.members.filter((member) => member.role === "voter").map((member) => member.id);
}

export function observersOf(membership: Membership): PeerId[] {
  return membership.members.filter((member) => member.role === "observer").map((member) => member.id);
}

/** The bootstrap membership of the static configuration (ids and roles only: the host adds addresses). */
export function bootstrapMembership(voters: readonly PeerId[], observers: readonly PeerId[]): Membership {
  const member = (id: PeerId, role: MemberRole): Member => ({ id, role, host: "", peerPort: 0, clientPort: 0 });
  return sortedMembership(ZXID_ZERO, [
    ...voters.map((id) => member(id, "voter")),
    ...observers.map((id) => member(id, "observer")),
  ]);
}

export function sortedMembership(version: Zxid, members: readonly Member[]): Membership {
  return { version, members: [...members].sort((a, b) => a.id - b.id) };
}

/** Why a membership cannot be used, or undefined when it can (a reconfig is refused with this as BADARGUMENTS). */
export function membershipProblem(members: readonly Member[]): string | undefined {
  const ids = new Set<number>();
  let voters = 0;
  let observers = 0;
  for (const member of members) {
    if (!Number.isInteger(member.id) || member.id < 1 || member.id > MEMBER_ID_MAX)
      return `member id ${member.id} is not from 1 to ${MEMBER_ID_MAX}`;
    if (ids.has(member.id)) return `member ${member.id} is listed twice`;
    ids.add(member.id);
    if (member.role === "voter") voters += 1;
    else observers += 1;
    if (member.host.length > MEMBER_HOST_CHARS_MAX || (member.host !== "" && !HOST_PATTERN.test(member.host)))
      return `member ${member.id}: bad host ${JSON.stringify(member.host.slice(0, 40))}`;
    for (const port of [member.peerPort, member.clientPort])
      if (!Number.isInteger(port) || port < 0 || port > 65_535) return `member ${member.id}: bad port ${port}`;
  }
  if (voters < 1) return "an ensemble needs at least one voter";
  if (voters > VOTERS_MAX) return `at most ${VOTERS_MAX} voters`;
  if (observers > OBSERVERS_MAX) return `at most ${OBSERVERS_MAX} observers`;
  return undefined;
}

/** `host:port`, with an IPv6 host in brackets. */
export function hostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * ZooKeeper's dynamic-configuration text, as its clients read it from /zookeeper/config:
 * `server.<id>=<host>:<peerPort>:<peerPort>:<participant|observer>;<host>:<clientPort>` per member,
 * then `version=<zxid in hex>`. Keel has one peer port, so it appears twice (ZooKeeper's quorum and
 * election ports).
 */
export function formatMembership(membership: Membership): string {
  const lines = membership.members.map((member) => {
    const peer = hostPort(member.host, member.peerPort);
    const role = member.role === "voter" ? "participant" : "observer";
    return `server.${member.id}=${peer}:${member.peerPort}:${role};${hostPort(member.host, member.clientPort)}`;
  });
  lines.push(`version=${membership.version.toString(16)}`);
  return lines.join("\n");
}

const SERVER_LINE =
  /^server\.(\d{1,3})=(\[[0-9A-Fa-f:.]+\]|[^:;[\]]*):(\d{1,5}):(\d{1,5}):(participant|observer);(.*)$/;

/** Reads `formatMembership`'s text back; undefined when it is not that form (never throws). */
export function parseMembership(text: string): Membership | undefined {
  const members: Member[] = [];
  let version: Zxid | undefined;
  for (const line of text.split("\n")) {
    if (line.startsWith("version=")) {
      const hex = line.slice("version=".length);
      if (!/^[0-9a-f]{1,16}$/.test(hex)) return undefined;
      version = parseZxid(BigInt(`0x${hex}`));
      continue;
    }
    const match = SERVER_LINE.exec(line);
    if (match === null) return undefined;
    const [, id, rawHost, peerPort, , role, client] = match as unknown as string[];
    const host = (rawHost as string).replace(/^\[|\]$/g, "");
    const clientPort = Number((client as string).slice((client as string).lastIndexOf(":") + 1));
    members.push({
      id: Number(id) as PeerId,
      role: role === "participant" ? "voter" : "observer",
      host,
      peerPort: Number(peerPort),
      clientPort,
    });
  }
  if (version === undefined || membershipProblem(members) !== undefined) return undefined;
  return sortedMembership(
    version,
    members.map((member) => ({ ...member, id: peerId(member.id) })),
  );
}

/** The membership after adding `member` (replacing nothing) or removing `id`: a problem string when it cannot be. */
export function changedMembership(
  current: Membership,
  version: Zxid,
  change: { readonly add?: Member; readonly remove?: PeerId },
): Membership | string {
  assert((change.add === undefined) !== (change.remove === undefined), "changedMembership: one change at a time");
  let members: Member[];
  if (change.add !== undefined) {
    const added = change.add;
    if (current.members.some((member) => member.id === added.id))
      return `member ${added.id} is already in the ensemble`;
    members = [...current.members, added];
  } else {
    const removed = change.remove as PeerId;
    if (!current.members.some((member) => member.id === removed)) return `member ${removed} is not in the ensemble`;
    members = current.members.filter((member) => member.id !== removed);
  }
  return membershipProblem(members) ?? sortedMembership(version, members);
}

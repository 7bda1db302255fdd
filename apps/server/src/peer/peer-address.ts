/**
 * One member of the ensemble as the configuration names it, and the `id=host:peerPort:clientPort[:role]`
 * text form used by `--peer` and `KEEL_PEERS` (its grammar is core's member-spec.ts, shared with
 * `keel members add`). It lives next to the peer network that dials these addresses, so config.ts
 * stays about precedence and validation.
 */
import { formatMemberSpec, parseDecimal, parseMemberSpec } from "@keel/core";

export { parseDecimal };

export const peerRoles = ["voter", "observer"] as const;
export type PeerRole = (typeof peerRoles)[number];

export interface PeerAddress {
  readonly id: number;
  /** The address other servers dial to reach this one's peer port (and clients use with clientPort). */
  readonly host: string;
  readonly peerPort: number;
  readonly clientPort: number;
  readonly role: PeerRole;
}

export type PeerSpecParse =
  | { readonly type: "ok"; readonly peer: PeerAddress }
  | { readonly type: "error"; readonly message: string };

const peerSpecExample = "1=127.0.0.1:7001:8001 or 4=127.0.0.1:7004:8004:observer";

/** Parses `id=host:peerPort:clientPort[:role]`; an IPv6 host goes in brackets: `2=[::1]:7002:8002`. */
export function parsePeerSpec(text: string): PeerSpecParse {
  const parsed = parseMemberSpec(text);
  if (parsed.type === "error") {
    return { type: "error", message: `bad peer "${text}": ${parsed.why} (expected ${peerSpecExample})` };
  }
  return { type: "ok", peer: parsed.member };
}

export function formatPeerSpec(peer: PeerAddress): string {
  return formatMemberSpec(peer);
}

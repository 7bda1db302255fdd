/**
 * One member of the ensemble as the configuration names it, and the `id=host:peerPort:clientPort[:role]`
 * text form used by `--peer` and `KEEL_PEERS`. Parsing lives here, next to the peer network that dials
 * these addresses, so config.ts stays about precedence and validation.
 */

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
  const fail = (why: string): PeerSpecParse => ({
    type: "error",
    message: `bad peer "${text}": ${why} (expected ${peerSpecExample})`,
  });
  const equals = text.indexOf("=");
  if (equals <= 0) return fail("missing 'id='");
  const id = parseDecimal(text.slice(0, equals));
  if (id === undefined) return fail("the id must be an integer");
  let rest = text.slice(equals + 1);
  let host: string;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) return fail("unclosed '[' in the host");
    host = rest.slice(1, close);
    rest = rest.slice(close + 1);
    if (!rest.startsWith(":")) return fail("expected ':' after the host");
    rest = rest.slice(1);
  } else {
    const colon = rest.indexOf(":");
    if (colon < 0) return fail("missing ports");
    host = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
  }
  if (host.length === 0) return fail("empty host");
  const parts = rest.split(":");
  if (parts.length < 2 || parts.length > 3) return fail("expected two ports and an optional role");
  const peerPort = parseDecimal(parts[0] ?? "");
  const clientPort = parseDecimal(parts[1] ?? "");
  if (peerPort === undefined || clientPort === undefined) return fail("ports must be integers");
  const roleText = parts[2] ?? "voter";
  if (!isPeerRole(roleText)) return fail(`unknown role "${roleText}" (voter or observer)`);
  return { type: "ok", peer: { id, host, peerPort, clientPort, role: roleText } };
}

export function formatPeerSpec(peer: PeerAddress): string {
  const host = peer.host.includes(":") ? `[${peer.host}]` : peer.host;
  const role = peer.role === "voter" ? "" : `:${peer.role}`;
  return `${peer.id}=${host}:${peer.peerPort}:${peer.clientPort}${role}`;
}

function isPeerRole(text: string): text is PeerRole {
  return (peerRoles as readonly string[]).includes(text);
}

/** Strict decimal: rejects "", "1e3", " 7", "0x10" that Number() would accept. */
export function parseDecimal(text: string): number | undefined {
  if (!/^[0-9]{1,15}$/.test(text)) return undefined;
  return Number(text);
}

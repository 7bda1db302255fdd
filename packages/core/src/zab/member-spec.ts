/**
 * The one-word form of a member, `ID=HOST:PEERPORT:CLIENTPORT[:ROLE]` (an IPv6 host in brackets:
 * `2=[::1]:7002:8002`), as the server's `--peer` flag and `keel members add` take it. One grammar,
 * here, so the two never drift apart; each caller words its own error around `why`.
 */
import { MEMBER_ID_MAX, type MemberRole } from "./membership.js";

export interface MemberSpec {
  readonly id: number;
  readonly host: string;
  readonly peerPort: number;
  readonly clientPort: number;
  readonly role: MemberRole;
}

export type MemberSpecParse =
  /** `roleGiven`: the text named the role (else it is the default, voter). */
  | { readonly type: "ok"; readonly member: MemberSpec; readonly roleGiven: boolean }
  | { readonly type: "error"; readonly why: string };

export const MEMBER_SPEC_EXAMPLE = "4=10.0.0.4:7004:8004 or 5=[::1]:7005:8005:observer";
const PORT_MAX = 65_535;

export function parseMemberSpec(text: string): MemberSpecParse {
  const fail = (why: string): MemberSpecParse => ({ type: "error", why });
  const equals = text.indexOf("=");
  if (equals <= 0) return fail("missing 'id='");
  const id = parseDecimal(text.slice(0, equals));
  if (id === undefined || id < 1 || id > MEMBER_ID_MAX)
    return fail(`the id must be an integer from 1 to ${MEMBER_ID_MAX}`);
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
  if (!isPort(peerPort) || !isPort(clientPort)) return fail(`ports must be integers from 1 to ${PORT_MAX}`);
  const roleText = parts[2];
  if (roleText !== undefined && roleText !== "voter" && roleText !== "observer")
    return fail(`unknown role ${JSON.stringify(roleText)} (voter or observer)`);
  return {
    type: "ok",
    member: { id, host, peerPort, clientPort, role: roleText ?? "voter" },
    roleGiven: roleText !== undefined,
  };
}

export function formatMemberSpec(member: MemberSpec): string {
  const host = member.host.includes(":") ? `[${member.host}]` : member.host;
  const role = member.role === "voter" ? "" : `:${member.role}`;
  return `${member.id}=${host}:${member.peerPort}:${member.clientPort}${role}`;
}

/** Strict decimal: rejects "", "1e3", " 7", "0x10" and "+1" that Number() would accept. */
export function parseDecimal(text: string): number | undefined {
  if (!/^[0-9]{1,15}$/.test(text)) return undefined;
  return Number(text);
}

function isPort(value: number | undefined): value is number {
  return value !== undefined && value >= 1 && value <= PORT_MAX;
}

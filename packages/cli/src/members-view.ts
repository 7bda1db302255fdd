/**
 * The pure parts of `keel members`: the compact member form `ID=HOST:PEERPORT:CLIENTPORT[:ROLE]`
 * (the grammar of the server's `--peer` flag, apps/server/src/peer/peer-address.ts; the CLI may not
 * import from apps/, so it is parsed again here), configuration versions as the user types them,
 * and the table `members list` prints. Pure functions, pinned by members-view.test.ts.
 */
import type { ConfiguredMemberView, MembersView } from "@keel/api";
import { formatZxid, parseZxid } from "@keel/core";

export const MEMBER_ROLES = ["voter", "observer"] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** What members.add takes (without fromVersion). */
export interface MemberSpec {
  readonly id: number;
  readonly host: string;
  readonly peerPort: number;
  readonly clientPort: number;
  readonly role: MemberRole;
}

export type MemberSpecParse =
  | { readonly type: "ok"; readonly member: MemberSpec; readonly roleGiven: boolean }
  | { readonly type: "error"; readonly message: string };

/** The server's limits (packages/api schemas: memberIdSchema, portSchema), checked before sending. */
export const MEMBER_ID_MIN = 1;
export const MEMBER_ID_MAX = 255;
export const PORT_MIN = 1;
export const PORT_MAX = 65_535;

const MEMBER_SPEC_EXAMPLE = "4=10.0.0.4:7004:7204 or 5=[::1]:7005:7205:observer";

/** A compact form: has an `=` (an id alone does not). */
export function isMemberSpec(text: string): boolean {
  return text.includes("=");
}

/**
 * Parses `ID=HOST:PEERPORT:CLIENTPORT[:ROLE]`; an IPv6 host goes in brackets (`2=[::1]:7002:8002`).
 * `roleGiven` says whether the text named the role (else it is the default, voter).
 */
export function parseMemberSpec(text: string): MemberSpecParse {
  const fail = (why: string): MemberSpecParse => ({
    type: "error",
    message: `bad member ${JSON.stringify(text)}: ${why} (expected ${MEMBER_SPEC_EXAMPLE})`,
  });
  const equals = text.indexOf("=");
  if (equals <= 0) return fail("missing 'ID='");
  const id = parseDecimal(text.slice(0, equals));
  if (id === undefined || id < MEMBER_ID_MIN || id > MEMBER_ID_MAX)
    return fail(`the id must be an integer from ${MEMBER_ID_MIN} to ${MEMBER_ID_MAX}`);
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
  if (!isPort(peerPort) || !isPort(clientPort)) return fail(`ports must be integers from ${PORT_MIN} to ${PORT_MAX}`);
  const roleText = parts[2];
  if (roleText !== undefined && !isMemberRole(roleText))
    return fail(`unknown role ${JSON.stringify(roleText)} (voter or observer)`);
  return {
    type: "ok",
    member: { id, host, peerPort, clientPort, role: roleText ?? "voter" },
    roleGiven: roleText !== undefined,
  };
}

/** Strict decimal: rejects "", "1e3", " 7", "0x10" and "+1" that Number() would accept. */
export function parseDecimal(text: string): number | undefined {
  if (!/^[0-9]{1,15}$/.test(text)) return undefined;
  return Number(text);
}

function isPort(value: number | undefined): value is number {
  return value !== undefined && value >= PORT_MIN && value <= PORT_MAX;
}

export function isMemberRole(text: string): text is MemberRole {
  return (MEMBER_ROLES as readonly string[]).includes(text);
}

/**
 * A configuration version as typed: the decimal zxid `members list --json` shows, or the
 * `0x<epoch>:<counter>` form its table shows. Answers the API's decimal form; undefined if neither.
 */
export function parseConfigurationVersion(text: string): string | undefined {
  const hex = /^0x([0-9a-fA-F]{1,8}):([0-9]{1,10})$/.exec(text);
  if (hex !== null) {
    const counter = BigInt(hex[2] as string);
    if (counter > 0xffff_ffffn) return undefined;
    return parseZxid((BigInt(`0x${hex[1]}`) << 32n) | counter)?.toString();
  }
  if (!/^[0-9]{1,20}$/.test(text)) return undefined;
  return parseZxid(text)?.toString();
}

/** "0x1:5 (4294967301)"; the bootstrap configuration (version 0) says so. */
export function showConfigurationVersion(version: string): string {
  if (version === "0") return "0 (the bootstrap --peer list)";
  const zxid = parseZxid(version);
  return zxid === undefined ? version : `${formatZxid(zxid)} (${version})`;
}

/** `host:port`, an IPv6 host in brackets as in the compact form. */
export function showAddress(host: string, port: number): string {
  return `${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** The compact form of a member, as `--peer` and `members add` take it. */
export function formatMemberSpec(member: ConfiguredMemberView): string {
  const role = member.role === "voter" ? "" : `:${member.role}`;
  return `${member.id}=${showAddress(member.host, member.peerPort)}:${member.clientPort}${role}`;
}

export const MEMBERS_TABLE_HEADERS = ["ID", "ROLE", "PEER ADDRESS", "CLIENT ADDRESS"] as const;

/** One row per member, by id. */
export function membersTableRows(view: MembersView): string[][] {
  return [...view.members]
    .sort((a, b) => a.id - b.id)
    .map((member) => [
      String(member.id),
      member.role,
      showAddress(member.host, member.peerPort),
      showAddress(member.host, member.clientPort),
    ]);
}

/** What to do about the refusals a membership change meets (docs/operations.md, "Membership changes"). */
export const MEMBERSHIP_HINTS: Readonly<Record<string, string>> = {
  RECONFIGINPROGRESS: "another membership change is under way; one change at a time: wait for it, then retry",
  NEWCONFIGNOQUORUM:
    "a quorum of the new voters is not synced with the leader: start a new member with --join and let it catch up first",
  BADVERSION: "the configuration changed since that version: run `keel members list` and decide again",
};

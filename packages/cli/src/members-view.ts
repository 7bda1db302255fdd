/**
 * The pure parts of `keel members`: the compact member form `ID=HOST:PEERPORT:CLIENTPORT[:ROLE]`
 * (core's grammar, which the server's `--peer` flag shares), configuration versions as the user types them,
 * and the table `members list` prints. Pure functions, pinned by members-view.test.ts.
 */
import type { MembersView } from "@keel/api";
import {
  formatMemberSpec,
  formatZxid,
  hostPort,
  MEMBER_SPEC_EXAMPLE,
  type MemberSpec,
  parseMemberSpec as parseCoreMemberSpec,
  parseDecimal,
  parseZxid,
} from "@keel/core";

export const MEMBER_ROLES = ["voter", "observer"] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

/** What members.add takes (without fromVersion): core's one-word member form. */
export type { MemberSpec } from "@keel/core";

export type MemberSpecParse =
  | { readonly type: "ok"; readonly member: MemberSpec; readonly roleGiven: boolean }
  | { readonly type: "error"; readonly message: string };

/** The server's limits (packages/api schemas: memberIdSchema, portSchema), checked before sending. */
export const MEMBER_ID_MIN = 1;
export const MEMBER_ID_MAX = 255;
export const PORT_MIN = 1;
export const PORT_MAX = 65_535;

/** A compact form: has an `=` (an id alone does not). */
export function isMemberSpec(text: string): boolean {
  return text.includes("=");
}

/**
 * Parses `ID=HOST:PEERPORT:CLIENTPORT[:ROLE]` (core's grammar, the server's `--peer` form); an
 * IPv6 host goes in brackets (`2=[::1]:7002:8002`). `roleGiven` says whether the text named the role.
 */
export function parseMemberSpec(text: string): MemberSpecParse {
  const parsed = parseCoreMemberSpec(text);
  if (parsed.type === "error")
    return {
      type: "error",
      message: `bad member ${JSON.stringify(text)}: ${parsed.why} (expected ${MEMBER_SPEC_EXAMPLE})`,
    };
  return parsed;
}

export { parseDecimal };

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

/** The compact form of a member, as `--peer` and `members add` take it. */
export { formatMemberSpec };

export const MEMBERS_TABLE_HEADERS = ["ID", "ROLE", "PEER ADDRESS", "CLIENT ADDRESS"] as const;

/** One row per member, by id. */
export function membersTableRows(view: MembersView): string[][] {
  return [...view.members]
    .sort((a, b) => a.id - b.id)
    .map((member) => [
      String(member.id),
      member.role,
      hostPort(member.host, member.peerPort),
      hostPort(member.host, member.clientPort),
    ]);
}

/** What to do about the refusals a membership change meets (docs/operations.md, "Membership changes"). */
export const MEMBERSHIP_HINTS: Readonly<Record<string, string>> = {
  RECONFIGINPROGRESS: "another membership change is under way; one change at a time: wait for it, then retry",
  NEWCONFIGNOQUORUM:
    "a quorum of the new voters is not synced with the leader: start a new member with --join and let it catch up first",
  BADVERSION: "the configuration changed since that version: run `keel members list` and decide again",
};

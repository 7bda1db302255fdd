/**
 * The pure parts of `keel members` (members-view.ts): the compact member form, parsed with the
 * grammar of the server's `--peer` flag (cases mirror apps/server's peer-address tests) plus the
 * API's id and port limits; configuration versions in both forms; the listing's rows. Tables of
 * inputs and the exact answers; no server.
 */
import type { MembersView } from "@keel/api";
import { hostPort, MEMBER_SPEC_EXAMPLE } from "@keel/core";
import { describe, expect, it } from "vitest";
import {
  formatMemberSpec,
  type MemberSpec,
  membersTableRows,
  parseConfigurationVersion,
  parseMemberSpec,
  showConfigurationVersion,
} from "./members-view.js";

describe("parseMemberSpec", () => {
  it.each<{ text: string; member: MemberSpec; roleGiven: boolean }>([
    {
      text: "1=127.0.0.1:7001:8001",
      member: { id: 1, host: "127.0.0.1", peerPort: 7001, clientPort: 8001, role: "voter" },
      roleGiven: false,
    },
    {
      text: "4=node-4.example:7004:8004:observer",
      member: { id: 4, host: "node-4.example", peerPort: 7004, clientPort: 8004, role: "observer" },
      roleGiven: true,
    },
    {
      text: "255=h:1:65535:voter",
      member: { id: 255, host: "h", peerPort: 1, clientPort: 65535, role: "voter" },
      roleGiven: true,
    },
    // an IPv6 host goes in brackets, which are not part of it
    {
      text: "2=[::1]:7002:8002",
      member: { id: 2, host: "::1", peerPort: 7002, clientPort: 8002, role: "voter" },
      roleGiven: false,
    },
    {
      text: "3=[fe80::1]:7003:8003:observer",
      member: { id: 3, host: "fe80::1", peerPort: 7003, clientPort: 8003, role: "observer" },
      roleGiven: true,
    },
  ])("$text", ({ text, member, roleGiven }) => {
    expect(parseMemberSpec(text)).toEqual({ type: "ok", member, roleGiven });
  });

  it.each([
    { text: "127.0.0.1:7001:8001", why: "missing 'id='" },
    { text: "=h:1:2", why: "missing 'id='" },
    { text: "x=h:1:2", why: "the id must be an integer from 1 to 255" },
    { text: "0=h:1:2", why: "the id must be an integer from 1 to 255" },
    { text: "256=h:1:2", why: "the id must be an integer from 1 to 255" },
    { text: "1e0=h:1:2", why: "the id must be an integer from 1 to 255" },
    { text: "1=h", why: "missing ports" },
    { text: "1=:1:2", why: "empty host" },
    { text: "1=[]:1:2", why: "empty host" },
    { text: "1=[::1:1:2", why: "unclosed '[' in the host" },
    { text: "1=[::1]1:2", why: "expected ':' after the host" },
    { text: "1=h:1", why: "expected two ports and an optional role" },
    { text: "1=h:1:2:voter:x", why: "expected two ports and an optional role" },
    { text: "1=h:a:2", why: "ports must be integers from 1 to 65535" },
    { text: "1=h:0:2", why: "ports must be integers from 1 to 65535" },
    { text: "1=h:1:65536", why: "ports must be integers from 1 to 65535" },
    { text: "1=h: 1:2", why: "ports must be integers from 1 to 65535" },
    { text: "1=h:1:2:leader", why: 'unknown role "leader" (voter or observer)' },
    // an unbracketed IPv6 host cannot be told from its ports
    { text: "1=::1:7001:8001", why: "empty host" },
  ])("refuses $text: $why", ({ text, why }) => {
    const parsed = parseMemberSpec(text);
    expect(parsed.type).toBe("error");
    if (parsed.type === "error")
      expect(parsed.message).toBe(`bad member ${JSON.stringify(text)}: ${why} (expected ${MEMBER_SPEC_EXAMPLE})`);
  });

  it.each([
    { id: 1, role: "voter", host: "10.0.0.1", peerPort: 7001, clientPort: 7201 },
    { id: 9, role: "observer", host: "::1", peerPort: 7009, clientPort: 7209 },
  ] as const)("reads back what formatMemberSpec writes: $host", (member) => {
    const text = formatMemberSpec(member);
    const parsed = parseMemberSpec(text);
    expect(parsed.type === "ok" ? parsed.member : parsed).toEqual(member);
  });
});

describe("configuration versions", () => {
  const epoch1 = (counter: number) => String((1n << 32n) | BigInt(counter));
  it.each([
    { text: "0", version: "0" },
    { text: "4294967303", version: epoch1(7) },
    { text: "0x1:7", version: epoch1(7) },
    { text: "0X1:7", version: undefined },
    { text: "0xff:0", version: String(0xffn << 32n) },
    { text: "0x0:0", version: "0" },
    { text: "", version: undefined },
    { text: "-1", version: undefined },
    { text: "1.5", version: undefined },
    { text: "0x1", version: undefined },
    { text: "0x1:4294967296", version: undefined },
    { text: "0xg:1", version: undefined },
    { text: "99999999999999999999", version: undefined },
  ])("$text → $version", ({ text, version }) => {
    expect(parseConfigurationVersion(text)).toBe(version);
  });

  it.each([
    { version: "0", shown: "0 (the bootstrap --peer list)" },
    { version: epoch1(7), shown: `0x1:7 (${epoch1(7)})` },
    { version: "not-a-zxid", shown: "not-a-zxid" },
  ])("shows $version as $shown", ({ version, shown }) => {
    expect(showConfigurationVersion(version)).toBe(shown);
    // what the listing shows, typed back, names the same version
    const typed = shown.split(" ")[0] as string;
    if (version !== "not-a-zxid") expect(parseConfigurationVersion(typed)).toBe(version);
  });
});

describe("membersTableRows", () => {
  it("lists members by id, addresses as host:port with IPv6 in brackets", () => {
    const view: MembersView = {
      version: "0",
      members: [
        { id: 3, role: "observer", host: "::1", peerPort: 7003, clientPort: 7203 },
        { id: 1, role: "voter", host: "10.0.0.1", peerPort: 7001, clientPort: 7201 },
        { id: 2, role: "voter", host: "node-2", peerPort: 7002, clientPort: 7202 },
      ],
    };
    expect(membersTableRows(view)).toEqual([
      ["1", "voter", "10.0.0.1:7001", "10.0.0.1:7201"],
      ["2", "voter", "node-2:7002", "node-2:7202"],
      ["3", "observer", "[::1]:7003", "[::1]:7203"],
    ]);
    // the view is not reordered in place
    expect(view.members.map((member) => member.id)).toEqual([3, 1, 2]);
  });

  it("shows a host without a colon as is", () => {
    expect(hostPort("h", 1)).toBe("h:1");
  });
});

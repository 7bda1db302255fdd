// Checks the membership as data: the /zookeeper/config text round-trips (IPv6 and DNS hosts
// included) and junk does not parse; changedMembership's refusals; and Configurations' joint
// quorums while a change is in flight, through log, truncation, commit and snapshot.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PeerId, Zxid } from "../ids.js";
import { zxid } from "../ids.js";
import { Configurations } from "./configurations.js";
import type { LogEntry } from "./io.js";
import {
  changedMembership,
  formatMembership,
  type Member,
  type MemberRole,
  type Membership,
  parseMembership,
  sortedMembership,
} from "./membership.js";

const id = (n: number) => n as PeerId;
const member = (n: number, role: MemberRole = "voter"): Member => ({
  id: id(n),
  role,
  host: `keel-${n}.keel.svc`,
  peerPort: 7100 + n,
  clientPort: 7000 + n,
});
const membership = (version: Zxid, ...members: Member[]): Membership => sortedMembership(version, members);

describe("membership text (/zookeeper/config)", () => {
  it("is ZooKeeper's dynamic-configuration form", () => {
    const text = formatMembership(membership(zxid(1, 7), member(1), member(4, "observer")));
    expect(text).toBe(
      [
        "server.1=keel-1.keel.svc:7101:7101:participant;keel-1.keel.svc:7001",
        "server.4=keel-4.keel.svc:7104:7104:observer;keel-4.keel.svc:7004",
        "version=100000007",
      ].join("\n"),
    );
  });

  it("round-trips any usable membership", () => {
    const host = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9.-]{0,30}$/), fc.constantFrom("::1", "fe80::2", "10.0.0.1"));
    const members = fc.uniqueArray(
      fc.record({
        id: fc.integer({ min: 1, max: 255 }).map(id),
        role: fc.constantFrom<MemberRole>("voter", "observer"),
        host,
        peerPort: fc.integer({ min: 1, max: 65_535 }),
        clientPort: fc.integer({ min: 1, max: 65_535 }),
      }),
      { selector: (m) => m.id, minLength: 1, maxLength: 9 },
    );
    fc.assert(
      fc.property(members, fc.bigInt({ min: 0n, max: (1n << 40n) - 1n }), (list, version) => {
        const withVoter = [{ ...(list[0] as Member), role: "voter" as const }, ...list.slice(1)];
        const original = membership(version as Zxid, ...withVoter);
        expect(parseMembership(formatMembership(original))).toEqual(original);
      }),
    );
  });

  it("round-trips the bootstrap membership, which has no addresses", () => {
    const bootstrap = {
      ...membership(zxid(1, 2), member(1)),
      members: [{ ...member(1), host: "", peerPort: 0, clientPort: 0 }],
    };
    expect(parseMembership(formatMembership(bootstrap))).toEqual(bootstrap);
  });

  it.each([
    ["empty", ""],
    ["no version", "server.1=a:1:1:participant;a:2"],
    ["no voter", "server.1=a:1:1:observer;a:2\nversion=1"],
    ["a bad role", "server.1=a:1:1:leader;a:2\nversion=1"],
    ["a bad version", "server.1=a:1:1:participant;a:2\nversion=xyz"],
    ["id 0", "server.0=a:1:1:participant;a:2\nversion=1"],
    ["a stray line", "server.1=a:1:1:participant;a:2\nhello\nversion=1"],
  ])("does not parse %s", (_name, text) => {
    expect(parseMembership(text)).toBeUndefined();
  });
});

describe("changedMembership", () => {
  const three = membership(zxid(1, 1), member(1), member(2), member(3));
  it.each([
    ["adds a member", { add: member(4) }, [1, 2, 3, 4]],
    ["removes a member", { remove: id(2) }, [1, 3]],
    ["refuses an id already in", { add: member(2) }, "member 2 is already in the ensemble"],
    ["refuses removing a stranger", { remove: id(9) }, "member 9 is not in the ensemble"],
  ] as const)("%s", (_name, change, expected) => {
    const result = changedMembership(three, zxid(1, 9), change);
    if (typeof expected === "string") expect(result).toBe(expected);
    else expect(typeof result === "string" ? result : result.members.map((m) => m.id)).toEqual(expected);
  });

  it("refuses removing the last voter", () => {
    expect(
      changedMembership(membership(zxid(1, 1), member(1), member(2, "observer")), zxid(1, 2), { remove: id(1) }),
    ).toBe("an ensemble needs at least one voter");
  });
});

/** A log entry that installs `m` (the fake source below reads the members back from a table). */
function reconfigEntry(at: Zxid, m: Membership, table: Map<Zxid, Membership>): LogEntry {
  table.set(at, m);
  return { zxid: at, txn: new Uint8Array([1, Number(at & 0xffn)]) };
}

describe("Configurations", () => {
  function setup() {
    const table = new Map<Zxid, Membership>();
    let applied: Membership | undefined;
    const source = {
      ofTxn: (txn: Uint8Array) =>
        txn[0] === 1 ? [...table.entries()].find(([z]) => Number(z & 0xffn) === txn[1])?.[1] : undefined,
      applied: () => applied,
    };
    const configs = new Configurations(membership(zxid(1, 0), member(1), member(2), member(3)), source);
    return { table, configs, setApplied: (m: Membership) => (applied = m) };
  }

  it("needs a quorum of the old and of the new voters while a change is in flight, then of the new alone", () => {
    const { table, configs } = setup();
    const five = membership(zxid(1, 5), member(1), member(2), member(3), member(4), member(5));
    configs.noteLogged([{ zxid: zxid(1, 4), txn: new Uint8Array([0]) }, reconfigEntry(zxid(1, 5), five, table)]);
    expect(configs.changePending).toBe(true);
    expect(configs.isVoter(id(5))).toBe(true);
    // {1,4,5} is a majority of the five but not of the old three; {1,2} the reverse.
    expect(configs.hasQuorum([id(1), id(4), id(5)])).toBe(false);
    expect(configs.hasQuorum([id(1), id(2)])).toBe(false);
    expect(configs.hasQuorum([id(1), id(2), id(4)])).toBe(true);
    const acked = new Map<PeerId, bigint>([
      [id(1), 9n],
      [id(2), 7n],
      [id(3), 3n],
      [id(4), 8n],
      [id(5), 1n],
    ]);
    // Old three: 7 (1 and 2). New five: 7 (1, 4, 2). Joint: the lower.
    expect(configs.quorumMin((peer) => acked.get(peer))).toBe(7n);
    configs.noteCommitted(zxid(1, 5));
    expect(configs.changePending).toBe(false);
    expect(configs.hasQuorum([id(1), id(4), id(5)])).toBe(true);
  });

  it("forgets a change that was truncated away, and one a snapshot replaced", () => {
    const { table, configs, setApplied } = setup();
    const two = membership(zxid(1, 3), member(1), member(2));
    configs.noteLogged([reconfigEntry(zxid(1, 3), two, table)]);
    expect(configs.isVoter(id(3))).toBe(true); // still in the old configuration in force
    configs.noteTruncated(zxid(1, 2));
    expect(configs.changePending).toBe(false);
    expect(configs.newest.members.map((m) => m.id)).toEqual([1, 2, 3]);
    configs.noteLogged([reconfigEntry(zxid(1, 3), two, table)]);
    configs.noteSnapshotInstalled();
    setApplied(two);
    configs.noteAppliedState();
    expect(configs.changePending).toBe(false);
    expect(configs.isVoter(id(3))).toBe(false);
    expect(configs.hasQuorum([id(1), id(2)])).toBe(true);
  });

  it("an observer of the newest configuration is an observer; a voter in any is a voter", () => {
    const { table, configs } = setup();
    const demoted = membership(zxid(1, 6), member(1), member(2), member(3, "observer"));
    configs.noteLogged([reconfigEntry(zxid(1, 6), demoted, table)]);
    expect(configs.isVoter(id(3))).toBe(true);
    expect(configs.isObserver(id(3))).toBe(false);
    configs.noteCommitted(zxid(1, 6));
    expect(configs.isVoter(id(3))).toBe(false);
    expect(configs.isObserver(id(3))).toBe(true);
  });
});

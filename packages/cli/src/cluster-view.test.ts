import type { ClusterStatusView, MemberView } from "@keel/api";
import { describe, expect, it } from "vitest";
import { memberCells, memberRows } from "./cluster-view.js";

const zxid = (epoch: number, counter: number) => String((BigInt(epoch) << 32n) | BigInt(counter));
const members: MemberView[] = [
  { id: 3, role: "observer", clientUrl: "http://h:3", connected: true },
  { id: 1, role: "voter", clientUrl: "http://h:1", connected: true },
  { id: 2, role: "voter", clientUrl: "http://h:2", connected: false },
];

function status(id: number, role: string, applied: string, ready = true): ClusterStatusView {
  return {
    serverId: id,
    ensembleId: "e",
    role,
    leaderId: 1,
    acceptedEpoch: 2,
    currentEpoch: 2,
    lastLoggedZxid: applied,
    lastAppliedZxid: applied,
    ready,
    members,
    znodes: 10,
    sessions: 1,
    watches: 2,
    electionCount: 1,
    lastSyncType: role === "leading" ? null : "DIFF",
  };
}

describe("memberRows", () => {
  it("sorts by id, measures lag against the leader, marks members that did not answer", () => {
    const rows = memberRows(
      members,
      new Map([
        [1, status(1, "leading", zxid(2, 40))],
        [2, undefined],
        [3, status(3, "observing", zxid(2, 33), false)],
      ]),
    );
    expect(rows.map(memberCells)).toEqual([
      ["1", "http://h:1", "leading", "yes", "2", "0x2:40", "0", "10", "1", "2", "-"],
      ["2", "http://h:2", "down", "-", "-", "-", "-", "-", "-", "-", "-"],
      ["3", "http://h:3", "observing (observer)", "no", "2", "0x2:33", "7", "10", "1", "2", "DIFF"],
    ]);
  });

  it("has no lag without a leader", () => {
    const rows = memberRows(members.slice(1), new Map([[1, status(1, "looking", zxid(2, 40))]]));
    expect(rows.map((row) => row.lag)).toEqual([null, null]);
  });
});

/** The cluster page's rules: who leads, how far each member lags, quorum, and elections. */
import { describe, expect, it } from "vitest";
import type { MemberLive } from "../../trpc/member-statuses";
import { clusterSummary, currentLeader, memberRows } from "./cluster-model";
import { liveOf, statusOf } from "./test-statuses";

const leader = statusOf(1, {
  role: "leading",
  learners: [
    { id: 2, stage: "UPTODATE", ackedZxid: "5", lagTxns: 0, lagMs: 0 },
    { id: 3, stage: "UPTODATE", ackedZxid: "3", lagTxns: 2, lagMs: 40 },
  ],
  watches: 4,
});
const third = liveOf(statusOf(3, { watches: 3 }));
const healthy = [liveOf(leader), liveOf(statusOf(2, { watches: 2 })), third];

describe("memberRows", () => {
  it("reads lag from the leader's learners, 0 for the leader itself", () => {
    expect(memberRows(healthy).map((row) => row.lag)).toEqual([
      { txns: 0, ms: 0 },
      { txns: 0, ms: 0 },
      { txns: 2, ms: 40 },
    ]);
  });

  it("has no lag for a member the leader does not list, nor without a leader", () => {
    const unlisted = [liveOf(statusOf(1, { role: "leading" })), liveOf(statusOf(2))];
    expect(memberRows(unlisted)[1]?.lag).toBeNull();
    expect(memberRows([liveOf(statusOf(2)), liveOf(statusOf(3))]).map((row) => row.lag)).toEqual([null, null]);
  });

  it("shows a silent member as down with an unknown role, keeping its last role", () => {
    const rows = memberRows([liveOf(leader, false), liveOf(statusOf(2)), liveOf(null, false)]);
    expect(rows.map((row) => [row.state, row.role, row.lastRole])).toEqual([
      ["down", "unknown", "leading"],
      ["serving", "following", "following"],
      ["down", "unknown", null],
    ]);
    expect(rows[1]?.lag).toBeNull();
  });

  it("names a member never heard from by its peers' member lists", () => {
    const silent: MemberLive = { url: "http://127.0.0.1:7103", status: null, lastSeenMs: null, up: false, error: null };
    expect(memberRows([liveOf(leader), silent]).map((row) => row.serverId)).toEqual([1, 3]);
  });
});

describe("currentLeader", () => {
  it("prefers the newest epoch when two members say they lead", () => {
    const stale = statusOf(1, { role: "leading", currentEpoch: 3 });
    const fresh = statusOf(2, { role: "leading", currentEpoch: 4 });
    expect(currentLeader([liveOf(stale), liveOf(fresh)])?.serverId).toBe(2);
  });

  it("ignores a leader that is down", () => {
    expect(currentLeader([liveOf(leader, false), liveOf(statusOf(2))])).toBeNull();
  });
});

describe("clusterSummary", () => {
  it.each([
    {
      name: "healthy",
      members: healthy,
      expected: { leaderId: 1, epoch: 3, votersUp: 3, voters: 3, quorum: true, watches: 9, electionInProgress: false },
    },
    {
      name: "leader down, election running",
      members: [liveOf(leader, false), liveOf(statusOf(2, { role: "looking", state: "looking" })), third],
      expected: {
        leaderId: null,
        epoch: null,
        votersUp: 2,
        voters: 3,
        quorum: true,
        watches: 4,
        electionInProgress: true,
      },
    },
    {
      name: "one member left",
      members: [liveOf(leader, false), liveOf(statusOf(2), false), third],
      expected: {
        leaderId: null,
        epoch: null,
        votersUp: 1,
        voters: 3,
        quorum: false,
        watches: 3,
        electionInProgress: true,
      },
    },
    {
      name: "nobody answered yet",
      members: [liveOf(null, false), liveOf(null, false), liveOf(null, false)],
      expected: {
        leaderId: null,
        epoch: null,
        votersUp: 0,
        voters: 3,
        quorum: false,
        watches: null,
        electionInProgress: false,
      },
    },
  ])("$name", ({ members, expected }) => {
    const summary = clusterSummary(members);
    expect(summary).toMatchObject(expected);
  });

  it("counts only voters towards the quorum", () => {
    const withObserver = statusOf(1, {
      role: "leading",
      members: [
        { id: 1, role: "voter", clientUrl: "a", connected: true },
        { id: 2, role: "voter", clientUrl: "b", connected: true },
        { id: 3, role: "voter", clientUrl: "c", connected: true },
        { id: 4, role: "observer", clientUrl: "d", connected: true },
      ],
    });
    const summary = clusterSummary([
      liveOf(withObserver),
      liveOf(statusOf(4, { role: "observing" })),
      liveOf(statusOf(2), false),
      liveOf(statusOf(3), false),
    ]);
    expect(summary).toMatchObject({ votersUp: 1, voters: 3, quorum: false });
  });
});

/** Merging the members' leader histories into one timeline, newest first, without churn. */
import { describe, expect, it } from "vitest";
import { mergeLeaderTimeline } from "./leader-timeline";
import { statusOf } from "./test-statuses";

describe("mergeLeaderTimeline", () => {
  it("merges every member's changes by epoch and leader, earliest time, newest first", () => {
    const timeline = mergeLeaderTimeline(
      [],
      [
        statusOf(1, {
          leaderChanges: [
            { epoch: 1, leaderId: 3, atMs: 100 },
            { epoch: 2, leaderId: 1, atMs: 900 },
          ],
          leaderId: 1,
          currentEpoch: 2,
        }),
        statusOf(2, {
          leaderChanges: [
            { epoch: 1, leaderId: 3, atMs: 90 },
            { epoch: 2, leaderId: 1, atMs: 950 },
          ],
          leaderId: 1,
          currentEpoch: 2,
        }),
      ],
    );
    expect(timeline).toEqual([
      { epoch: 2, leaderId: 1, atMs: 900, seenBy: [1, 2] },
      { epoch: 1, leaderId: 3, atMs: 90, seenBy: [1, 2] },
    ]);
  });

  it("keeps what it saw after the members forgot it, and returns the same array when nothing changed", () => {
    const first = mergeLeaderTimeline(
      [],
      [statusOf(1, { leaderChanges: [{ epoch: 1, leaderId: 1, atMs: 10 }], leaderId: 1, currentEpoch: 1 })],
    );
    const forgotten = statusOf(2, {
      leaderChanges: [{ epoch: 2, leaderId: 2, atMs: 20 }],
      leaderId: 2,
      currentEpoch: 2,
    });
    const second = mergeLeaderTimeline(first, [forgotten]);
    expect(second.map((entry) => [entry.epoch, entry.leaderId])).toEqual([
      [2, 2],
      [1, 1],
    ]);
    expect(mergeLeaderTimeline(second, [forgotten])).toBe(second);
  });

  it("notes a leader served live before any member lists it", () => {
    const timeline = mergeLeaderTimeline([], [statusOf(3, { leaderId: 2, currentEpoch: 5, nowMs: 7_000 })]);
    expect(timeline).toEqual([{ epoch: 5, leaderId: 2, atMs: 7_000, seenBy: [3] }]);
  });

  it("notes nothing live from a member that is not serving", () => {
    const looking = statusOf(3, { leaderId: null, state: "looking", role: "looking" });
    expect(mergeLeaderTimeline([], [looking])).toEqual([]);
  });

  it("keeps at most `limit` entries, dropping the oldest", () => {
    const changes = Array.from({ length: 8 }, (_, epoch) => ({ epoch, leaderId: 1, atMs: epoch }));
    const timeline = mergeLeaderTimeline(
      [],
      [statusOf(1, { leaderChanges: changes, leaderId: 1, currentEpoch: 7 })],
      3,
    );
    expect(timeline.map((entry) => entry.epoch)).toEqual([7, 6, 5]);
  });
});

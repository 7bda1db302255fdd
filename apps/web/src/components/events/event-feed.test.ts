/** The audit feed's buffer: order, bounds, pause and resume, and no repeats after a replay. */
import type { LogEntryView } from "@keel/api";
import { describe, expect, it } from "vitest";
import { EMPTY_FEED, type EventFeed, eventFeedReducer, pendingCount, visibleEntries } from "./event-feed";

function entry(zxid: number, op = "create"): LogEntryView {
  return {
    zxid: String(zxid),
    timeMs: zxid,
    op,
    paths: [`/n${zxid}`],
    sessionId: "1",
    clientAddress: null,
    result: "ok",
  };
}

function feed(actions: Parameters<typeof eventFeedReducer>[1][], max = 5): EventFeed {
  return actions.reduce((state, action) => eventFeedReducer(state, action, max), EMPTY_FEED);
}

const receive = (zxid: number, op?: string) => ({ type: "received" as const, entry: entry(zxid, op) });

describe("eventFeedReducer", () => {
  it("keeps the last `max` entries in zxid order", () => {
    const state = feed([1, 2, 3, 4, 5, 6, 7].map((zxid) => receive(zxid)));
    expect(state.entries.map((e) => e.zxid)).toEqual(["3", "4", "5", "6", "7"]);
  });

  it("ignores entries at or below the last zxid (a replay from another member)", () => {
    const state = feed([receive(1), receive(2), receive(2), receive(1), receive(3)]);
    expect(state.entries.map((e) => e.zxid)).toEqual(["1", "2", "3"]);
  });

  it("holds entries while paused and shows them on resume", () => {
    const paused = feed([receive(1), { type: "pause" }, receive(2), receive(3)]);
    expect(paused.entries.map((e) => e.zxid)).toEqual(["1"]);
    expect(pendingCount(paused)).toBe(2);
    const resumed = eventFeedReducer(paused, { type: "resume" });
    expect(resumed.entries.map((e) => e.zxid)).toEqual(["1", "2", "3"]);
    expect(pendingCount(resumed)).toBe(0);
  });

  it("bounds the pending list too, counting what it dropped", () => {
    const paused = feed([{ type: "pause" }, ...[1, 2, 3, 4, 5, 6, 7].map((zxid) => receive(zxid))], 3);
    expect(paused.pending.map((e) => e.zxid)).toEqual(["5", "6", "7"]);
    expect(pendingCount(paused)).toBe(7);
  });

  it("starts over on clear (a new filter)", () => {
    const state = feed([receive(5), { type: "clear" }, receive(1)]);
    expect(state.entries.map((e) => e.zxid)).toEqual(["1"]);
  });
});

describe("visibleEntries", () => {
  it("lists newest first, filtered by op when ops are chosen", () => {
    const entries = [entry(1, "create"), entry(2, "delete"), entry(3, "create")];
    expect(visibleEntries(entries, []).map((e) => e.zxid)).toEqual(["3", "2", "1"]);
    expect(visibleEntries(entries, ["create"]).map((e) => e.zxid)).toEqual(["3", "1"]);
  });
});

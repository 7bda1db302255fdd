/**
 * The sessions table merges every member's listing: replicated fields from any member, the
 * attachment from the member holding the connection (freshest heartbeat wins), ordered by id.
 */
import type { SessionAttachmentView, SessionListView, SessionSummaryView } from "@keel/api";
import { describe, expect, it } from "vitest";
import { heartbeatHealth, mergeSessionListings } from "./session-merge";

const summary = (sessionId: string, extra: Partial<SessionSummaryView> = {}): SessionSummaryView => ({
  sessionId,
  timeoutMs: 10_000,
  ephemerals: 0,
  createdAtMs: 1000,
  clientAddress: "127.0.0.1:5000",
  attached: null,
  ...extra,
});
const attachment = (serverId: number, lastHeartbeatMs: number): SessionAttachmentView => ({
  serverId,
  clientAddress: `127.0.0.1:${6000 + serverId}`,
  sinceMs: 500,
  lastHeartbeatMs,
  watches: serverId,
});
const listing = (sessions: SessionSummaryView[], truncated = false): SessionListView => ({ sessions, truncated });

describe("mergeSessionListings", () => {
  it("takes the attachment from the member that holds the connection", () => {
    const merged = mergeSessionListings([
      { url: "http://a", listing: listing([summary("7")]) },
      { url: "http://b", listing: listing([summary("7", { attached: attachment(2, 900) })]), listedAtMs: 950 },
      { url: "http://c", listing: listing([summary("7")]) },
    ]);
    expect(merged.sessions).toHaveLength(1);
    expect(merged.sessions[0]?.attached?.serverId).toBe(2);
    expect(merged.sessions[0]?.attachedUrl).toBe("http://b");
    expect(merged.sessions[0]?.attachedListedAtMs).toBe(950);
    expect(merged.sessions[0]?.listedBy).toBe(3);
    expect(merged.answered).toBe(3);
  });

  it("prefers the freshest heartbeat when two members still report an attachment", () => {
    const merged = mergeSessionListings([
      { url: "http://a", listing: listing([summary("7", { attached: attachment(1, 2000) })]) },
      { url: "http://b", listing: listing([summary("7", { attached: attachment(2, 1500) })]) },
    ]);
    expect(merged.sessions[0]?.attachedUrl).toBe("http://a");
  });

  it("unions sessions, orders them numerically by id and skips members that did not answer", () => {
    const merged = mergeSessionListings([
      { url: "http://a", listing: listing([summary("10"), summary("9")]) },
      { url: "http://b", listing: undefined },
      { url: "http://c", listing: listing([summary("100")], true) },
    ]);
    expect(merged.sessions.map((session) => session.sessionId)).toEqual(["9", "10", "100"]);
    expect(merged.answered).toBe(2);
    expect(merged.truncated).toBe(true);
  });

  it("fills fields one member did not record from another, and tolerates a missing attached field", () => {
    const old = { ...summary("5", { createdAtMs: null, clientAddress: null }) } as Partial<SessionSummaryView>;
    delete old.attached;
    const merged = mergeSessionListings([
      { url: "http://a", listing: listing([old as SessionSummaryView]) },
      { url: "http://b", listing: listing([summary("5", { createdAtMs: 42, clientAddress: "10.0.0.1:1" })]) },
    ]);
    expect(merged.sessions[0]?.createdAtMs).toBe(42);
    expect(merged.sessions[0]?.clientAddress).toBe("10.0.0.1:1");
    expect(merged.sessions[0]?.attached).toBeNull();
  });
});

describe("heartbeatHealth", () => {
  it.each([
    [undefined, 0, "unknown"],
    [1000, 1000, "fresh"],
    [1000, 1000 + 3332, "fresh"],
    [1000, 1000 + 3334, "late"],
    [1000, 1000 + 6667, "suspect"],
    [1000, 500, "fresh"],
  ] as const)("last %s at now %s is %s (timeout 10 s)", (last, now, expected) => {
    expect(heartbeatHealth(last, 10_000, now)).toBe(expected);
  });
});

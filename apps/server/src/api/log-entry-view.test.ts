// Checks how an applied txn reads in the audit feed (log.events): op names from the txn type and
// the delete cause or session end, changed paths, causes, result, and prefix matching.
import {
  type HistoryEntry,
  keelError,
  type NodeChange,
  ORIGIN_NONE,
  type SessionId,
  type TxnType,
  type Zxid,
} from "@keel/core";
import { describe, expect, it } from "vitest";
import { logEntryView, touchesPrefix } from "./log-entry-view.js";

const S = 7n as SessionId;

function entry(txnType: TxnType, changes: NodeChange[], extra: Partial<HistoryEntry> = {}): HistoryEntry {
  return {
    zxid: 42n as Zxid,
    header: { sessionId: S, cxid: 1, origin: ORIGIN_NONE, timeMs: 1234 },
    txnType,
    result: { type: "check", path: "/" },
    changes,
    ...extra,
  };
}

describe("logEntryView", () => {
  it.each([
    { txnType: "create", changes: [{ type: "created", path: "/a" }], op: "create" },
    {
      txnType: "delete",
      changes: [{ type: "deleted", path: "/a", cause: { kind: "delete", sessionId: S } }],
      op: "delete",
    },
    {
      txnType: "delete",
      changes: [{ type: "deleted", path: "/a", cause: { kind: "forceRelease", sessionId: S, reason: "r" } }],
      op: "forceRelease",
    },
    { txnType: "delete", changes: [{ type: "deleted", path: "/t", cause: { kind: "ttlExpired" } }], op: "expireTtl" },
    {
      txnType: "delete",
      changes: [{ type: "deleted", path: "/c", cause: { kind: "containerEmpty" } }],
      op: "deleteContainer",
    },
    { txnType: "closeSession", changes: [], sessionEnd: "closed", op: "closeSession" },
    { txnType: "closeSession", changes: [], sessionEnd: "expired", op: "expireSession" },
    { txnType: "createSession", changes: [], op: "createSession" },
    { txnType: "multi", changes: [{ type: "created", path: "/m" }], op: "multi" },
  ] as const)("names $txnType with $changes.0.cause.kind $sessionEnd as $op", ({ txnType, changes, op, ...rest }) => {
    const extra = "sessionEnd" in rest ? { sessionEnd: rest.sessionEnd } : {};
    expect(logEntryView(entry(txnType, [...changes], extra), undefined).op).toBe(op);
  });

  it("lists changed paths once, the causes of deletions, the session and its address", () => {
    const changes: NodeChange[] = [
      { type: "created", path: "/a" },
      { type: "dataChanged", path: "/a" },
      { type: "deleted", path: "/e", cause: { kind: "sessionExpired", sessionId: S } },
    ];
    expect(logEntryView(entry("multi", changes), "10.1.2.3:4")).toEqual({
      zxid: "42",
      timeMs: 1234,
      op: "multi",
      paths: ["/a", "/e"],
      sessionId: "7",
      clientAddress: "10.1.2.3:4",
      result: "ok",
      causes: [{ kind: "sessionExpired", sessionId: "7" }],
    });
  });

  it("reports a rejected txn by its error code", () => {
    const rejected = entry("error", [], { result: { type: "rejected", error: keelError("NONODE", "x"), results: [] } });
    expect(logEntryView(rejected, undefined)).toMatchObject({ op: "error", result: "NONODE", clientAddress: null });
  });

  it.each([
    { prefix: undefined, path: "/x", matches: true },
    { prefix: "/", path: "/x", matches: true },
    { prefix: "/a", path: "/a", matches: true },
    { prefix: "/a", path: "/a/b", matches: true },
    { prefix: "/a", path: "/ab", matches: false },
    { prefix: "/a/b", path: "/a", matches: false },
  ])("prefix $prefix matches $path: $matches", ({ prefix, path, matches }) => {
    expect(touchesPrefix(entry("create", [{ type: "created", path }]), prefix)).toBe(matches);
  });
});

/**
 * One applied txn as the audit feed shows it (LogEntryView): an op name that says what happened
 * (a delete with cause forceRelease is a forceRelease, a closeSession with reason expired an
 * expireSession), the paths it changed, its session and that session's recorded client address.
 */
import type { DeleteCauseView, LogEntryView } from "@keel/api";
import { type HistoryEntry, isWithin, type NodeChange, unreachable } from "@keel/core";
import { deleteCauseView } from "./views.js";

/** Paths one entry lists at most (a closeSession of a session with many ephemerals, a big multi). */
export const LOG_ENTRY_PATHS_MAX = 1000;

export function logOpName(entry: HistoryEntry): string {
  switch (entry.txnType) {
    case "closeSession":
      return entry.sessionEnd === "expired" ? "expireSession" : "closeSession";
    case "delete":
      return deleteOpName(entry.changes);
    case "create":
    case "setData":
    case "setACL":
    case "check":
    case "multi":
    case "createSession":
    case "reconfig":
    case "error":
      return entry.txnType;
    default:
      return unreachable(entry.txnType);
  }
}

/** A lone delete says who deleted it: the session (delete), an operator, or housekeeping. */
function deleteOpName(changes: readonly NodeChange[]): string {
  const deleted = changes.find((change) => change.type === "deleted");
  if (deleted === undefined || deleted.type !== "deleted") return "delete";
  switch (deleted.cause.kind) {
    case "forceRelease":
      return "forceRelease";
    case "ttlExpired":
      return "expireTtl";
    case "containerEmpty":
      return "deleteContainer";
    default:
      return "delete";
  }
}

/** The changed paths, each once, in the order the txn changed them. */
export function changedPaths(changes: readonly NodeChange[]): string[] {
  const paths = new Set<string>();
  for (const change of changes) {
    if (paths.size >= LOG_ENTRY_PATHS_MAX) break;
    paths.add(change.path);
  }
  return [...paths];
}

/** Whether `entry` changed `prefix` or a path below it. */
export function touchesPrefix(entry: HistoryEntry, prefix: string | undefined): boolean {
  if (prefix === undefined) return true;
  return entry.changes.some((change) => isWithin(change.path, prefix));
}

export function logEntryView(entry: HistoryEntry, clientAddress: string | undefined): LogEntryView {
  const causes: DeleteCauseView[] = [];
  for (const change of entry.changes) {
    if (change.type === "deleted" && causes.length < LOG_ENTRY_PATHS_MAX) causes.push(deleteCauseView(change.cause));
  }
  const view: LogEntryView = {
    zxid: entry.zxid.toString(),
    timeMs: entry.header.timeMs,
    op: logOpName(entry),
    paths: changedPaths(entry.changes),
    sessionId: entry.header.sessionId.toString(),
    clientAddress: clientAddress ?? null,
    result: entry.result.type === "rejected" ? entry.result.error.code : "ok",
  };
  if (causes.length > 0) view.causes = causes;
  return view;
}

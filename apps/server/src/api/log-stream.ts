/**
 * `log.events`: the audit feed of committed txns from this server's applied history. It replays
 * (every entry after `afterZxid`, or the last `backlog` matching entries), then goes live, with no
 * gap and no duplicate: as in watch-stream.ts, the replay reads history up to the last applied
 * zxid and the live listener is registered in the same synchronous block, before the host can
 * apply another txn. A client more than LOG_STREAM_BACKLOG_MAX entries behind is failed and
 * resumes after the last zxid it received; a zxid that left the history fails the stream with the
 * error a watch stream gives (BADARGUMENTS, saying the oldest resumable zxid).
 *
 * Unlike a watch stream it does not end when this server stops serving: its entries are committed
 * txns, never wrong, only late, and they continue once the server catches up (a SNAP resync ends
 * it, as the history is gone then).
 */
import { isUnrestricted, type LogEntryView, type LogEventsOptions } from "@keel/api";
import { type HistoryEntry, keelError, type SessionId, validatePath, type Zxid } from "@keel/core";
import type { ReplicaHost } from "../replica-host.js";
import { AsyncQueue } from "./async-queue.js";
import { logEntryView, touchesPrefix } from "./log-entry-view.js";
import { visibility } from "./visibility.js";

/** Entries a log stream may have queued for a slow client before it is failed (and must resume). */
export const LOG_STREAM_BACKLOG_MAX = 10_000;

type LogHost = Pick<ReplicaHost, "state" | "onApplied" | "onReset">;

/** The entries to replay: after `afterZxid`, or the last `backlog` that match. Throws when too old. */
function replayEntries(host: LogHost, options: LogEventsOptions): readonly HistoryEntry[] {
  const { state } = host;
  const { afterZxid, pathPrefix } = options;
  if (afterZxid !== undefined) {
    if (afterZxid > state.lastAppliedZxid) {
      throw keelError("NOTREADY", `this server is behind zxid ${afterZxid}; resume on another server`);
    }
    const read = state.historyAfter(afterZxid as Zxid);
    if (read.type === "tooOld") {
      throw keelError(
        "BADARGUMENTS",
        `zxid ${afterZxid} has left this server's history (the oldest resumable zxid is ${read.floorZxid}); read the current state and follow again`,
      );
    }
    return read.entries.filter((entry) => touchesPrefix(entry, pathPrefix));
  }
  if (options.backlog === 0) return [];
  const whole = state.historyAfter(state.historyFloorZxid);
  const entries = whole.type === "ok" ? whole.entries : [];
  const matching = pathPrefix === undefined ? entries : entries.filter((entry) => touchesPrefix(entry, pathPrefix));
  return matching.slice(Math.max(0, matching.length - options.backlog));
}

export async function* logStream(host: LogHost, options: LogEventsOptions): AsyncGenerator<LogEntryView> {
  if (options.pathPrefix !== undefined) {
    const pathError = validatePath(options.pathPrefix);
    if (pathError) throw pathError;
  }
  const queue = new AsyncQueue<LogEntryView>(LOG_STREAM_BACKLOG_MAX, options.signal);
  const addressOf = (entry: HistoryEntry): string | undefined =>
    entry.clientAddress ?? host.state.session(entry.header.sessionId as SessionId)?.clientAddress;
  // An entry shows only the paths the caller may see (visibility.ts); one that changed nothing it
  // may see is left out, and one that changed no path (a session opened or closed) is left out for
  // a token scoped to some paths.
  const visible = visibility(host.state, options.caller);
  const deliver = (entry: HistoryEntry) => {
    if (!touchesPrefix(entry, options.pathPrefix)) return;
    const view = logEntryView(entry, addressOf(entry));
    if (view.paths.length === 0) {
      // A session opened or closed names no path; a token scoped to some paths does not see others' sessions.
      if (isUnrestricted(options.caller.scope)) queue.push(view);
      return;
    }
    // Each path is judged by its node as it was in this txn (a later delete does not reveal it).
    const hidden = new Set<string>();
    for (const change of entry.changes) if (!visible(change.path, change.acl)) hidden.add(change.path);
    const paths = view.paths.filter((path) => !hidden.has(path));
    if (paths.length === view.paths.length) queue.push(view);
    else if (paths.length > 0) {
      // Causes pair with deleted paths, some of which are now hidden: leave them out.
      const { causes: _pairedWithHiddenPaths, ...shown } = view;
      queue.push({ ...shown, paths });
    }
  };
  // One synchronous block: replay up to the last applied zxid, then listen for the next one.
  for (const entry of replayEntries(host, options)) deliver(entry);
  const stopApplied = host.onApplied((entry) => {
    try {
      deliver(entry);
    } catch (error) {
      // Called from the host's apply loop: a failure ends this stream, never the apply.
      queue.fail(error instanceof Error ? error : new Error(String(error)));
    }
  });
  const stopReset = host.onReset(() =>
    queue.fail(keelError("NOTREADY", "this server was resynchronized from a snapshot; resume the stream")),
  );
  try {
    yield* queue;
  } finally {
    stopApplied();
    stopReset();
  }
}

/**
 * One watch stream: replays the matching events after `afterZxid` from the applied-txn history,
 * then continues live, with no gap and no duplicate. Both happen in one synchronous block: the
 * replay reads history up to the last applied zxid and the live watch is registered before any
 * later txn can be applied (the host applies only in its own turn), so the first live event has a
 * greater zxid than the last replayed one. Matching reuses core's WatchTable for both, so replayed
 * and live events follow the same rules; a NodeDeleted event carries the cause core derived from
 * the committed txn, so a replayed one says exactly what the live one said.
 *
 * A stream that has queued nothing for `progressIntervalMs` gets a Progress event carrying this
 * server's last applied zxid (docs/api.md, "Progress"). Events are queued synchronously as txns
 * apply and the timer runs between turns, so every event up to that zxid is already queued
 * ahead of it: resuming after a Progress zxid neither misses nor repeats an event.
 */
import type { WatchEventView, WatchOptions } from "@keel/api";
import {
  KeelError,
  keelError,
  parseZxid,
  validatePath,
  type WatchEvent,
  type WatcherId,
  WatchTable,
  type Zxid,
} from "@keel/core";
import type { ReplicaHost } from "../replica-host.js";
import { AsyncQueue } from "./async-queue.js";
import { deleteCauseView } from "./views.js";
import { visibility } from "./visibility.js";

/** Events a stream may have queued for a slow client before it is failed (and must resume). */
export const WATCH_STREAM_BACKLOG_MAX = 10_000;

const EVENT_TYPE_NAMES = {
  nodeCreated: "NodeCreated",
  nodeDeleted: "NodeDeleted",
  nodeDataChanged: "NodeDataChanged",
  nodeChildrenChanged: "NodeChildrenChanged",
} as const;

function eventView(event: WatchEvent): WatchEventView {
  const view: WatchEventView = { type: EVENT_TYPE_NAMES[event.type], path: event.path, zxid: event.zxid.toString() };
  if (event.cause !== undefined) view.cause = deleteCauseView(event.cause);
  return view;
}

/**
 * Queues a Progress event whenever the stream has queued nothing for `intervalMs`; `touch` marks
 * activity (it re-arms the timer), `stop` ends it. No Progress while this server is not serving:
 * its view may be stale then, and its streams are failing anyway (onStopServing).
 */
function progressTimer(
  host: ReplicaHost,
  queue: AsyncQueue<WatchEventView>,
  path: string,
  intervalMs: number,
): { touch(): void; stop(): void } {
  const timer = setTimeout(() => {
    try {
      if (host.serving) queue.push({ type: "Progress", path, zxid: host.state.lastAppliedZxid.toString() });
      timer.refresh();
    } catch (error) {
      // Nothing may escape a timer callback: end this stream instead (the client resumes it).
      queue.fail(error instanceof Error ? error : new Error(String(error)));
    }
  }, intervalMs);
  timer.unref();
  return { touch: () => timer.refresh(), stop: () => clearTimeout(timer) };
}

function isOneShot(mode: WatchOptions["mode"]): boolean {
  return mode === "data" || mode === "exists" || mode === "children";
}

/** Registers the stream's watch in `table`, with ZooKeeper's rules for which reads may set which watch. */
function register(
  table: WatchTable,
  host: ReplicaHost,
  watcher: WatcherId,
  options: WatchOptions,
): KeelError | undefined {
  const exists = host.state.exists(options.path, options.caller.auth);
  if (exists instanceof KeelError) return exists;
  // Watching a node's data or children, or everything under it, needs READ on it (ZooKeeper checks
  // READ where it sets such watches); watching whether a node exists needs nothing, as exists doesn't.
  if (exists !== null && options.mode !== "exists" && !host.state.canRead(options.path, options.caller.auth))
    return keelError("NOAUTH", `no READ permission on ${options.path}`, options.path);
  switch (options.mode) {
    case "data":
      return exists === null
        ? keelError("NONODE", `no node at ${options.path} to watch`, options.path)
        : table.addOneShot(watcher, options.path, "data");
    case "exists":
      return table.addOneShot(watcher, options.path, exists === null ? "exist" : "data");
    case "children":
      return exists === null
        ? keelError("NONODE", `no node at ${options.path} to watch`, options.path)
        : table.addOneShot(watcher, options.path, "child");
    case "persistent":
      return table.addPersistent(watcher, options.path, "persistent");
    case "persistent_recursive":
      return table.addPersistent(watcher, options.path, "persistentRecursive");
  }
}

/** Replays history after `afterZxid` into `deliver`; returns true when a one-shot watch already fired. */
function replay(
  host: ReplicaHost,
  watcher: WatcherId,
  options: WatchOptions,
  afterZxid: Zxid,
  deliver: (events: readonly WatchEvent[]) => boolean,
): boolean {
  if (afterZxid > host.state.lastAppliedZxid) {
    throw keelError("NOTREADY", `this server is behind zxid ${afterZxid}; resume on another server`);
  }
  const read = host.state.historyAfter(afterZxid);
  if (read.type === "tooOld") {
    throw keelError(
      "BADARGUMENTS",
      `zxid ${afterZxid} has left this server's history (the oldest resumable zxid is ${read.floorZxid}); read the current state and watch again`,
    );
  }
  const table = new WatchTable();
  const error = register(table, host, watcher, options);
  if (error) throw error;
  for (const entry of read.entries) {
    const events = table.trigger(entry.changes, entry.zxid).get(watcher);
    if (events && deliver(events)) return true;
  }
  return false;
}

export async function* watchStream(
  host: ReplicaHost,
  options: WatchOptions,
  progressIntervalMs: number,
): AsyncGenerator<WatchEventView> {
  const pathError = validatePath(options.path);
  if (pathError) throw pathError;
  const queue = new AsyncQueue<WatchEventView>(WATCH_STREAM_BACKLOG_MAX, options.signal);
  const watcher = host.newWatcherId();
  const oneShot = isOneShot(options.mode);
  const progress = progressTimer(host, queue, options.path, progressIntervalMs);
  /** Queues events; returns true when the stream is finished (a one-shot watch fired). */
  // A persistent watch hears of nodes below its path that the caller never read: each is checked as
  // it fires (visibility.ts). A one-shot watch names only its own node, checked when it was set.
  const visible = oneShot ? () => true : visibility(host.state, options.caller);
  const deliver = (events: readonly WatchEvent[]): boolean => {
    if (events.length > 0) progress.touch();
    for (const event of events) if (visible(event.path, event.acl)) queue.push(eventView(event));
    if (oneShot && events.length > 0) {
      queue.end();
      return true;
    }
    return false;
  };
  const cleanup = () => {
    host.watches.remove(watcher, options.path, "any");
    host.setWatchSink(watcher, undefined);
  };
  const afterZxid = options.afterZxid === undefined ? undefined : parseZxid(options.afterZxid);
  let fired: boolean;
  try {
    fired = afterZxid !== undefined && replay(host, watcher, options, afterZxid, deliver);
    if (!fired) {
      const error = register(host.watches, host, watcher, options);
      if (error) throw error;
    }
  } catch (error) {
    progress.stop();
    throw error;
  }
  if (!fired) {
    host.setWatchSink(watcher, (events) => {
      if (deliver(events)) cleanup();
    });
  }
  const stopReset = host.onReset(() =>
    queue.fail(new Error("this server was resynchronized from a snapshot; resume the stream")),
  );
  // A server cut off from the quorum would deliver nothing while the ensemble moves on: end the
  // stream at once so the client resumes it from its last zxid on a server that is serving.
  const stopServing = host.onStopServing((reason) =>
    queue.fail(keelError("NOTREADY", `${reason}; resume the stream on another server`)),
  );
  try {
    yield* queue;
  } finally {
    progress.stop();
    stopReset();
    stopServing();
    cleanup();
  }
}

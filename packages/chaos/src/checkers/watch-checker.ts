/**
 * The watch checker: persistent recursive watch streams against the writes made under the watched
 * path (docs/client.md "Watches": no event is missed and none is repeated). A stream covers the
 * zxids after the one it started from, up to the highest zxid it was told about (an event, or a
 * Progress notification: every event up to it was delivered, docs/api.md "Progress"). Per stream:
 * (a) events come in (zxid, path) order; (b) none twice; (c) every acknowledged write whose zxid the
 * stream covers arrives exactly once, with its path and type. Over all streams: (d) every event was
 * caused by a write that was acknowledged or left unknown, never by one refused (no phantom); and
 * (e) the final marker write reached every watcher still watching at the end. A watcher that lost
 * its stream starts a new one from a fresh read; the zxids between the two are excused because the
 * record shows the end of one stream and the start of the next.
 */
import type { Outcome } from "../history.js";
import type { WorkloadCheckResult, WorkloadVerdict } from "../workloads/workload.js";

export type WatchWriteKind = "set" | "create" | "delete";

export interface WatchWrite {
  readonly process: number;
  readonly kind: WatchWriteKind;
  readonly path: string;
  /** The last write of the run, which every live watcher must receive. */
  readonly marker: boolean;
  readonly invokeMs: number;
  /** Undefined for `unknown`. */
  readonly completeMs: number | undefined;
  readonly outcome: Outcome;
  /** For `ok`: the txn's zxid (set: stat.mzxid, create: stat.czxid, delete: the answer's zxid). Absent: unknown. */
  readonly zxid?: string;
  readonly error?: string;
}

export interface ReceivedEvent {
  readonly path: string;
  readonly type: string;
  readonly zxid: string;
  readonly receivedMs: number;
}

export interface WatchStreamEnd {
  readonly ms: number;
  /** `stopped`: the workload ended it after the marker; `failed`: it ended under the watcher. */
  readonly reason: "stopped" | "failed";
  readonly error?: string;
}

export interface WatchStreamRecord {
  readonly watcher: number;
  /** Which of the watcher's clients ran it (0, then 1 after a new session, ...). */
  readonly client: number;
  /** The stream delivers events with zxids above this one: the zxid of the read it started from. */
  readonly startZxid: string;
  readonly startMs: number;
  readonly events: readonly ReceivedEvent[];
  /** The highest zxid a Progress notification confirmed. */
  readonly progressZxid?: string;
  /** Absent when the workload was closed with the stream still open. */
  readonly end?: WatchStreamEnd;
}

export interface WatchRecord {
  readonly path: string;
  readonly watchers: number;
  readonly writes: readonly WatchWrite[];
  readonly streams: readonly WatchStreamRecord[];
  /** Times a watcher's client left the connected state (the SDK does not count its own resumes). */
  readonly reconnections: number;
}

const EXAMPLES_MAX = 10;

const EVENT_TYPE_OF: Readonly<Record<WatchWriteKind, string>> = {
  set: "NodeDataChanged",
  create: "NodeCreated",
  delete: "NodeDeleted",
};

export function expectedEventType(kind: WatchWriteKind): string {
  return EVENT_TYPE_OF[kind];
}

/** Zxids are 64-bit decimal strings: compare them as such. */
export function compareZxid(a: string, b: string): number {
  const difference = BigInt(a) - BigInt(b);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

const maxZxid = (a: string, b: string) => (compareZxid(a, b) >= 0 ? a : b);

export function coveredToZxid(stream: WatchStreamRecord): string {
  let covered = stream.startZxid;
  for (const event of stream.events) covered = maxZxid(covered, event.zxid);
  return stream.progressZxid === undefined ? covered : maxZxid(covered, stream.progressZxid);
}

export function checkWatch(record: WatchRecord): WorkloadCheckResult {
  const okByZxid = acknowledgedByZxid(record.writes);
  const perStream = record.streams.map((stream, index) => checkStream(stream, index, okByZxid.writes));
  const phantoms = phantomEvents(record, okByZxid.writes);
  const marker = markerDelivery(record);
  const anomalies = [
    ...okByZxid.anomalies,
    ...capped(
      perStream.flatMap((result) => result.anomalies),
      "stream anomalies",
    ),
    ...phantoms,
    ...marker.anomalies,
  ];
  const count = (outcome: Outcome) => record.writes.filter((write) => write.outcome === outcome).length;
  const verdict: WorkloadVerdict = anomalies.length > 0 ? "anomaly" : marker.checked ? "valid" : "unknown";
  return {
    checker: "watch",
    verdict,
    anomalies: marker.checked ? anomalies : [...anomalies, marker.note],
    stats: {
      events: record.streams.reduce((sum, stream) => sum + stream.events.length, 0),
      "write ok": count("ok"),
      "write fail": count("fail"),
      "write unknown": count("unknown"),
      "write ok with unknown zxid": record.writes.filter((w) => w.outcome === "ok" && w.zxid === undefined).length,
      streams: record.streams.length,
      "stream restarts": record.streams.length - new Set(record.streams.map((stream) => stream.watcher)).size,
      reconnections: record.reconnections,
      "live watchers at the end": marker.live,
      missed: perStream.reduce((sum, result) => sum + result.missed, 0),
      duplicated: perStream.reduce((sum, result) => sum + result.duplicated, 0),
      phantom: phantoms.length,
    },
  };
}

function capped(lines: readonly string[], what: string): string[] {
  if (lines.length <= EXAMPLES_MAX) return [...lines];
  return [...lines.slice(0, EXAMPLES_MAX), `… and ${lines.length - EXAMPLES_MAX} more ${what}`];
}

function describeWrite(write: WatchWrite): string {
  const completed = write.completeMs === undefined ? "no answer" : `${write.completeMs.toFixed(0)} ms`;
  const zxid = write.zxid === undefined ? "" : ` zxid ${write.zxid}`;
  const marker = write.marker ? " (the marker)" : "";
  return `${write.kind} ${write.path}${marker} by process ${write.process} (${write.outcome}${zxid}, invoked ${write.invokeMs.toFixed(0)} ms, completed ${completed})`;
}

function describeEvent(event: ReceivedEvent): string {
  return `${event.type} ${event.path} zxid ${event.zxid} (received ${event.receivedMs.toFixed(0)} ms)`;
}

function describeStream(stream: WatchStreamRecord, index: number): string {
  const end =
    stream.end === undefined
      ? "open at close"
      : `${stream.end.reason}${stream.end.error === undefined ? "" : `: ${stream.end.error}`} at ${stream.end.ms.toFixed(0)} ms`;
  return `watcher ${stream.watcher} stream ${index} (client ${stream.client}, after zxid ${stream.startZxid} from ${stream.startMs.toFixed(0)} ms, ${end})`;
}

/** Acknowledged writes by their zxid; two writes answered with one zxid is itself an anomaly. */
function acknowledgedByZxid(writes: readonly WatchWrite[]): {
  writes: ReadonlyMap<string, WatchWrite>;
  anomalies: string[];
} {
  const byZxid = new Map<string, WatchWrite>();
  const anomalies: string[] = [];
  for (const write of writes) {
    if (write.outcome !== "ok" || write.zxid === undefined) continue;
    const other = byZxid.get(write.zxid);
    if (other)
      anomalies.push(
        `two acknowledged writes share zxid ${write.zxid}: ${describeWrite(other)}; ${describeWrite(write)}`,
      );
    else byZxid.set(write.zxid, write);
  }
  return { writes: byZxid, anomalies };
}

interface StreamResult {
  readonly anomalies: string[];
  readonly missed: number;
  readonly duplicated: number;
}

/** (a), (b) and (c) for one stream. */
function checkStream(
  stream: WatchStreamRecord,
  index: number,
  okByZxid: ReadonlyMap<string, WatchWrite>,
): StreamResult {
  const label = describeStream(stream, index);
  const anomalies: string[] = [];
  const seen = new Set<string>();
  let duplicated = 0;
  let previous: ReceivedEvent | undefined;
  for (const event of stream.events) {
    if (compareZxid(event.zxid, stream.startZxid) <= 0) {
      anomalies.push(`${label}: event from before its start: ${describeEvent(event)}`);
    }
    const key = `${event.zxid} ${event.path} ${event.type}`;
    if (seen.has(key)) {
      duplicated++;
      anomalies.push(`${label}: duplicate event ${describeEvent(event)}`);
      continue;
    }
    seen.add(key);
    if (previous !== undefined && !isAfter(event, previous)) {
      anomalies.push(`${label}: events out of order: ${describeEvent(event)} came after ${describeEvent(previous)}`);
    }
    previous = event;
  }
  const missed = missedWrites(stream, okByZxid);
  for (const line of missed) anomalies.push(`${label}: ${line}`);
  return { anomalies, missed: missed.length, duplicated };
}

/** Strictly later in (zxid, path) order. */
function isAfter(event: ReceivedEvent, previous: ReceivedEvent): boolean {
  const byZxid = compareZxid(event.zxid, previous.zxid);
  return byZxid > 0 || (byZxid === 0 && event.path > previous.path);
}

/** (c) Every acknowledged write in the stream's covered range, with its path and type. */
function missedWrites(stream: WatchStreamRecord, okByZxid: ReadonlyMap<string, WatchWrite>): string[] {
  const coveredTo = coveredToZxid(stream);
  const eventsByZxid = new Map<string, ReceivedEvent[]>();
  for (const event of stream.events) eventsByZxid.set(event.zxid, [...(eventsByZxid.get(event.zxid) ?? []), event]);
  const lines: string[] = [];
  for (const [zxid, write] of okByZxid) {
    if (compareZxid(zxid, stream.startZxid) <= 0 || compareZxid(zxid, coveredTo) > 0) continue;
    const atZxid = eventsByZxid.get(zxid) ?? [];
    const type = expectedEventType(write.kind);
    if (atZxid.some((event) => event.path === write.path && event.type === type)) continue;
    lines.push(
      atZxid.length === 0
        ? `missed event: no ${type} for ${describeWrite(write)}, though the stream covered up to zxid ${coveredTo}`
        : `missed event: ${describeWrite(write)} arrived as ${atZxid.map(describeEvent).join(", ")}`,
    );
  }
  return lines;
}

/**
 * (d) Each distinct event (zxid, path, type) over all streams is explained by the acknowledged write
 * with that zxid, or else by an unknown write (or an acknowledged one whose zxid is not known) of
 * that path and type invoked before the event was first received, each such write explaining one
 * zxid. Matching in order of first receipt is optimal: a write that could explain an earlier event
 * can explain every later one too.
 */
function phantomEvents(record: WatchRecord, okByZxid: ReadonlyMap<string, WatchWrite>): string[] {
  const distinct = new Map<string, ReceivedEvent>();
  for (const stream of record.streams) {
    for (const event of stream.events) {
      const key = `${event.zxid} ${event.path} ${event.type}`;
      const known = distinct.get(key);
      if (known === undefined || event.receivedMs < known.receivedMs) distinct.set(key, event);
    }
  }
  const lines: string[] = [];
  const unexplained: ReceivedEvent[] = [];
  for (const event of distinct.values()) {
    const write = okByZxid.get(event.zxid);
    if (write === undefined) unexplained.push(event);
    else if (write.path !== event.path || expectedEventType(write.kind) !== event.type) {
      lines.push(`phantom event ${describeEvent(event)}: zxid ${event.zxid} was ${describeWrite(write)}`);
    }
  }
  const candidates = record.writes
    .filter((write) => write.outcome === "unknown" || (write.outcome === "ok" && write.zxid === undefined))
    .sort((a, b) => a.invokeMs - b.invokeMs);
  const used = new Set<WatchWrite>();
  for (const event of unexplained.sort((a, b) => a.receivedMs - b.receivedMs)) {
    const matches = (write: WatchWrite) => write.path === event.path && expectedEventType(write.kind) === event.type;
    const write = candidates.find((w) => !used.has(w) && matches(w) && w.invokeMs <= event.receivedMs);
    if (write !== undefined) {
      used.add(write);
      continue;
    }
    const refused = record.writes.find((w) => w.outcome === "fail" && matches(w));
    const hint =
      refused === undefined ? "no write of that path and type" : `a refused write matches: ${describeWrite(refused)}`;
    lines.push(`phantom event ${describeEvent(event)}: no acknowledged or unknown write explains it (${hint})`);
  }
  return capped(lines, "phantom events");
}

/** (e) The marker reached every watcher whose stream was open from before it until the end. */
function markerDelivery(record: WatchRecord): { anomalies: string[]; checked: boolean; note: string; live: number } {
  const markers = record.writes.filter((write) => write.marker && write.outcome === "ok" && write.zxid !== undefined);
  const marker = markers.reduce<WatchWrite | undefined>(
    (last, write) => (last === undefined || compareZxid(write.zxid ?? "0", last.zxid ?? "0") > 0 ? write : last),
    undefined,
  );
  const lastStreams = new Map<number, { stream: WatchStreamRecord; index: number }>();
  record.streams.forEach((stream, index) => {
    lastStreams.set(stream.watcher, { stream, index });
  });
  const live = [...lastStreams.values()].filter(({ stream }) => stream.end?.reason === "stopped");
  if (marker?.zxid === undefined) {
    return {
      anomalies: [],
      checked: false,
      note: "no acknowledged marker write: delivery to live watchers not checked",
      live: live.length,
    };
  }
  const markerZxid = marker.zxid;
  const anomalies = live
    .filter(({ stream }) => compareZxid(stream.startZxid, markerZxid) < 0)
    .filter(({ stream }) => !stream.events.some((event) => event.zxid === markerZxid && event.path === marker.path))
    .map(
      ({ stream, index }) =>
        `marker not delivered: ${describeWrite(marker)} never reached ${describeStream(stream, index)}, which covered up to zxid ${coveredToZxid(stream)}`,
    );
  return { anomalies, checked: true, note: "", live: live.length };
}

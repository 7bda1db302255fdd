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
 *
 * The workload also makes watchers' links misbehave (freeze, or cut and hold) while writers go on.
 * Those faults raise no anomaly of their own: a stream the SDK resumed across a cut is one stream,
 * so an event the server failed to replay is a missed event of (c), and its line names the fault.
 * They are counted, honestly: an event counts as delivered across a fault only if its write was
 * invoked after the fault began and acknowledged before it ended (committed while nothing could
 * reach the watcher) and the watcher received it after the thaw.
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

export type WatchLinkFaultKind = "freeze" | "cut";

/** One misbehaviour of a watcher's link (watch-workload.ts): nothing reached the watcher from startMs to endMs. */
export interface WatchLinkFault {
  readonly watcher: number;
  /**
   * `freeze`: bytes held and delivered at the thaw. `cut`: the link's connections closed and the
   * link held frozen, so the SDK must reconnect and resume its watch after the last zxid it saw,
   * and the server replay from its history what the watcher missed.
   */
  readonly kind: WatchLinkFaultKind;
  readonly startMs: number;
  /** The thaw; absent when the workload was closed during the fault (then nothing is counted). */
  readonly endMs?: number;
}

export interface WatchRecord {
  readonly path: string;
  readonly watchers: number;
  readonly writes: readonly WatchWrite[];
  readonly streams: readonly WatchStreamRecord[];
  /** Times a watcher's client left the connected state (the SDK does not count its own resumes). */
  readonly reconnections: number;
  readonly linkFaults: readonly WatchLinkFault[];
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
  const perStream = record.streams.map((stream, index) =>
    checkStream(
      stream,
      index,
      okByZxid.writes,
      record.linkFaults.filter((fault) => fault.watcher === stream.watcher),
    ),
  );
  const gaps = gapDeliveries(record, okByZxid.writes);
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
      "link freezes": record.linkFaults.filter((fault) => fault.kind === "freeze").length,
      "link cuts": record.linkFaults.filter((fault) => fault.kind === "cut").length,
      "events delivered late after a freeze": gaps.lateAfterFreeze,
      "events delivered after a cut (replayed)": gaps.afterCut,
      "resumes after a gap": gaps.resumesWithGap,
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

/** (a), (b) and (c) for one stream; `faults` are its watcher's link faults, to explain a missed event. */
function checkStream(
  stream: WatchStreamRecord,
  index: number,
  okByZxid: ReadonlyMap<string, WatchWrite>,
  faults: readonly WatchLinkFault[],
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
  const missed = missedWrites(stream, okByZxid, faults);
  for (const line of missed) anomalies.push(`${label}: ${line}`);
  return { anomalies, missed: missed.length, duplicated };
}

/** Strictly later in (zxid, path) order. */
function isAfter(event: ReceivedEvent, previous: ReceivedEvent): boolean {
  const byZxid = compareZxid(event.zxid, previous.zxid);
  return byZxid > 0 || (byZxid === 0 && event.path > previous.path);
}

/** (c) Every acknowledged write in the stream's covered range, with its path and type. */
function missedWrites(
  stream: WatchStreamRecord,
  okByZxid: ReadonlyMap<string, WatchWrite>,
  faults: readonly WatchLinkFault[],
): string[] {
  const coveredTo = coveredToZxid(stream);
  const eventsByZxid = new Map<string, ReceivedEvent[]>();
  for (const event of stream.events) eventsByZxid.set(event.zxid, [...(eventsByZxid.get(event.zxid) ?? []), event]);
  const lines: string[] = [];
  for (const [zxid, write] of okByZxid) {
    if (compareZxid(zxid, stream.startZxid) <= 0 || compareZxid(zxid, coveredTo) > 0) continue;
    const atZxid = eventsByZxid.get(zxid) ?? [];
    const type = expectedEventType(write.kind);
    if (atZxid.some((event) => event.path === write.path && event.type === type)) continue;
    const fault = faults.find((candidate) => madeDuring(write, candidate));
    const during = fault === undefined ? "" : `; it was committed during ${describeFault(fault)}`;
    lines.push(
      atZxid.length === 0
        ? `missed event: no ${type} for ${describeWrite(write)}, though the stream covered up to zxid ${coveredTo}${during}`
        : `missed event: ${describeWrite(write)} arrived as ${atZxid.map(describeEvent).join(", ")}${during}`,
    );
  }
  return lines;
}

/** Invoked after the fault began and acknowledged before it ended: committed while nothing reached the watcher. */
function madeDuring(write: WatchWrite, fault: WatchLinkFault): boolean {
  return (
    fault.endMs !== undefined &&
    write.completeMs !== undefined &&
    write.invokeMs >= fault.startMs &&
    write.completeMs <= fault.endMs
  );
}

function describeFault(fault: WatchLinkFault): string {
  const end = fault.endMs === undefined ? "the close" : `${fault.endMs.toFixed(0)} ms`;
  const replay = fault.kind === "cut" ? ", so a resume had to replay it" : "";
  return `the ${fault.kind} of watcher ${fault.watcher}'s link from ${fault.startMs.toFixed(0)} ms to ${end}${replay}`;
}

interface GapDeliveries {
  /** Distinct events committed during a freeze of their watcher's link and received after the thaw. */
  readonly lateAfterFreeze: number;
  /**
   * The same for cuts. The old connection was closed and any new one held, so such an event came
   * on a subscription resumed after an older zxid: from the server's history (or, on a member that
   * had not applied it yet at the resume, live just after it).
   */
  readonly afterCut: number;
  /** Cuts after which the watcher received at least one such event: resumes that had a gap to replay. */
  readonly resumesWithGap: number;
}

/** Counts what was delivered across the link faults (stats only: losses are (c)'s missed events). */
function gapDeliveries(record: WatchRecord, okByZxid: ReadonlyMap<string, WatchWrite>): GapDeliveries {
  let lateAfterFreeze = 0;
  let afterCut = 0;
  let resumesWithGap = 0;
  for (const fault of record.linkFaults) {
    const { endMs } = fault;
    if (endMs === undefined) continue;
    const delivered = new Set<string>();
    for (const stream of record.streams) {
      if (stream.watcher !== fault.watcher) continue;
      for (const event of stream.events) {
        const write = okByZxid.get(event.zxid);
        if (write === undefined || event.receivedMs < endMs || !madeDuring(write, fault)) continue;
        if (write.path === event.path && expectedEventType(write.kind) === event.type) {
          delivered.add(`${event.zxid} ${event.path} ${event.type}`);
        }
      }
    }
    if (fault.kind === "freeze") lateAfterFreeze += delivered.size;
    else {
      afterCut += delivered.size;
      if (delivered.size > 0) resumesWithGap++;
    }
  }
  return { lateAfterFreeze, afterCut, resumesWithGap };
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

/**
 * The watch checker on hand-written records: known-good ones (a restart with its gap excused, an
 * unknown write seen or not, coverage from a Progress notification) must be valid, and each
 * known-bad one must be an anomaly whose text names what broke (out-of-order, duplicate, missed
 * and phantom events, a refused write seen, the marker not delivered). Link faults only add
 * counts, and a name to a missed event committed during one: those are checked on records too.
 */
import { describe, expect, it } from "vitest";
import {
  checkWatch,
  compareZxid,
  type ReceivedEvent,
  type WatchLinkFault,
  type WatchRecord,
  type WatchStreamRecord,
  type WatchWrite,
} from "./watch-checker.js";

const K0 = "/chaos-watch/k0";
const K1 = "/chaos-watch/k1";
const MARKER = "/chaos-watch/marker";

function write(kind: WatchWrite["kind"], path: string, zxid: number, at: number): WatchWrite {
  return {
    process: 0,
    kind,
    path,
    marker: path === MARKER,
    invokeMs: at,
    completeMs: at + 5,
    outcome: "ok",
    zxid: String(zxid),
  };
}
function unknownWrite(kind: WatchWrite["kind"], path: string, at: number): WatchWrite {
  return { process: 1, kind, path, marker: false, invokeMs: at, completeMs: undefined, outcome: "unknown" };
}
function failWrite(kind: WatchWrite["kind"], path: string, at: number): WatchWrite {
  return {
    process: 1,
    kind,
    path,
    marker: false,
    invokeMs: at,
    completeMs: at + 5,
    outcome: "fail",
    error: "NOTREADY",
  };
}
const event = (type: string, path: string, zxid: number, at: number): ReceivedEvent => ({
  type,
  path,
  zxid: String(zxid),
  receivedMs: at,
});
const changed = (path: string, zxid: number, at = zxid * 10 + 7) => event("NodeDataChanged", path, zxid, at);

function stream(
  watcher: number,
  startZxid: number,
  events: ReceivedEvent[],
  end: WatchStreamRecord["end"] = { ms: 1000, reason: "stopped" },
  progressZxid?: number,
): WatchStreamRecord {
  return {
    watcher,
    client: 0,
    startZxid: String(startZxid),
    startMs: 0,
    events,
    ...(progressZxid === undefined ? {} : { progressZxid: String(progressZxid) }),
    ...(end === undefined ? {} : { end }),
  };
}

const record = (
  writes: WatchWrite[],
  streams: WatchStreamRecord[],
  linkFaults: WatchLinkFault[] = [],
): WatchRecord => ({
  path: "/chaos-watch",
  watchers: new Set(streams.map((s) => s.watcher)).size,
  writes,
  streams,
  reconnections: 0,
  linkFaults,
});

/** k0 set at 10, tmp created at 11 and deleted at 12, k1 set at 13, the marker at 20. */
const writes = [
  write("set", K0, 10, 100),
  write("create", "/chaos-watch/tmp-0", 11, 110),
  write("delete", "/chaos-watch/tmp-0", 12, 120),
  write("set", K1, 13, 130),
  write("set", MARKER, 20, 200),
];
const allEvents = () => [
  changed(K0, 10),
  event("NodeCreated", "/chaos-watch/tmp-0", 11, 117),
  event("NodeDeleted", "/chaos-watch/tmp-0", 12, 127),
  changed(K1, 13),
  changed(MARKER, 20),
];

describe("checkWatch: known-good records", () => {
  const cases: { name: string; record: WatchRecord }[] = [
    {
      name: "two watchers see every write",
      record: record(writes, [stream(0, 5, allEvents()), stream(1, 5, allEvents())]),
    },
    {
      name: "a stream that started later covers only what came after its start",
      record: record(writes, [stream(0, 12, allEvents().slice(3))]),
    },
    {
      name: "a failed stream and its restart: the zxids in between are excused",
      record: record(writes, [
        stream(0, 5, allEvents().slice(0, 1), { ms: 105, reason: "failed", error: "WatchResumeError" }),
        { ...stream(0, 12, allEvents().slice(3)), client: 1 },
      ]),
    },
    {
      name: "an unknown write that took effect, one that did not, a refused one",
      record: record(
        [...writes, unknownWrite("set", K0, 140), unknownWrite("set", K1, 141), failWrite("set", K1, 142)],
        [stream(0, 5, [...allEvents().slice(0, 4), changed(K0, 15), changed(MARKER, 20)])],
      ),
    },
    {
      name: "a Progress notification extends coverage without events",
      record: record([write("set", MARKER, 20, 200)], [stream(0, 5, [changed(MARKER, 20)], undefined, 30)]),
    },
  ];
  it.each(cases)("$name", ({ record }) => {
    const result = checkWatch(record);
    expect(result.anomalies).toEqual([]);
    expect(result.verdict).toBe("valid");
  });

  it("counts events, writes, streams and restarts", () => {
    const result = checkWatch(
      record(writes, [
        stream(0, 5, allEvents().slice(0, 1), { ms: 105, reason: "failed", error: "SessionExpiredError" }),
        stream(0, 12, allEvents().slice(3)),
        stream(1, 5, allEvents()),
      ]),
    );
    expect(result.stats).toMatchObject({
      events: 8,
      "write ok": 5,
      streams: 3,
      "stream restarts": 1,
      "live watchers at the end": 2,
      missed: 0,
      duplicated: 0,
      phantom: 0,
    });
  });
});

describe("checkWatch: known-bad records", () => {
  const [k0, created, deleted, k1, marker] = allEvents() as [
    ReceivedEvent,
    ReceivedEvent,
    ReceivedEvent,
    ReceivedEvent,
    ReceivedEvent,
  ];
  const cases: { name: string; record: WatchRecord; anomaly: RegExp }[] = [
    {
      name: "events out of order",
      record: record(writes, [stream(0, 5, [k0, deleted, created, k1, marker])]),
      anomaly:
        /watcher 0 stream 0 .*: events out of order: NodeCreated \/chaos-watch\/tmp-0 zxid 11 .* came after NodeDeleted \/chaos-watch\/tmp-0 zxid 12/,
    },
    {
      name: "a duplicate event",
      record: record(writes, [stream(0, 5, [k0, created, deleted, k1, { ...k1, receivedMs: 140 }, marker])]),
      anomaly: /watcher 0 stream 0 .*: duplicate event NodeDataChanged \/chaos-watch\/k1 zxid 13 \(received 140 ms\)/,
    },
    {
      name: "a missed event",
      record: record(writes, [stream(0, 5, [k0, created, k1, marker])]),
      anomaly:
        /watcher 0 stream 0 .*: missed event: no NodeDeleted for delete \/chaos-watch\/tmp-0 by process 0 \(ok zxid 12/,
    },
    {
      name: "an event of the wrong type for its write",
      record: record(writes, [stream(0, 5, [k0, created, { ...deleted, type: "NodeCreated" }, k1, marker])]),
      anomaly: /missed event: delete \/chaos-watch\/tmp-0 .* arrived as NodeCreated \/chaos-watch\/tmp-0 zxid 12/,
    },
    {
      name: "a phantom event no write explains",
      record: record(writes, [stream(0, 5, [...allEvents().slice(0, 4), changed(K0, 15), marker])]),
      anomaly:
        /phantom event NodeDataChanged \/chaos-watch\/k0 zxid 15 .*: no acknowledged or unknown write explains it \(no write of that path and type\)/,
    },
    {
      name: "a refused write seen",
      record: record(
        [...writes, failWrite("set", K1, 140)],
        [stream(0, 5, [...allEvents().slice(0, 4), changed(K1, 15), marker])],
      ),
      anomaly:
        /phantom event NodeDataChanged \/chaos-watch\/k1 zxid 15 .*a refused write matches: set \/chaos-watch\/k1 .*fail/,
    },
    {
      name: "an unknown write explains an event only once",
      record: record(
        [...writes, unknownWrite("set", K1, 140)],
        [stream(0, 5, [...allEvents().slice(0, 4), changed(K1, 15), changed(K1, 16), marker])],
      ),
      anomaly: /phantom event NodeDataChanged \/chaos-watch\/k1 zxid 16/,
    },
    {
      name: "an event before its write was invoked",
      record: record(
        [...writes, unknownWrite("set", K1, 400)],
        [stream(0, 5, [...allEvents().slice(0, 4), changed(K1, 15, 150), marker])],
      ),
      anomaly: /phantom event NodeDataChanged \/chaos-watch\/k1 zxid 15 \(received 150 ms\)/,
    },
    {
      name: "an event from before the stream's start",
      record: record(writes, [stream(0, 11, allEvents())]),
      anomaly: /watcher 0 stream 0 .*: event from before its start: NodeDataChanged \/chaos-watch\/k0 zxid 10/,
    },
    {
      name: "a missed event inside the range a Progress notification covered",
      record: record(
        [write("set", MARKER, 20, 200), write("set", K0, 25, 250)],
        [stream(0, 5, [changed(MARKER, 20)], undefined, 30)],
      ),
      anomaly: /missed event: no NodeDataChanged for set \/chaos-watch\/k0 .*zxid 25.*covered up to zxid 30/,
    },
    {
      name: "the marker never reached a live watcher",
      record: record(writes, [stream(0, 5, allEvents()), stream(1, 5, allEvents().slice(0, 4))]),
      anomaly:
        /marker not delivered: set \/chaos-watch\/marker \(the marker\) .*never reached watcher 1 stream 1 .*covered up to zxid 13/,
    },
  ];
  it.each(cases)("$name", ({ record, anomaly }) => {
    const result = checkWatch(record);
    expect(result.verdict).toBe("anomaly");
    expect(result.anomalies.join("\n")).toMatch(anomaly);
  });

  it("counts what was missed and duplicated", () => {
    const result = checkWatch(record(writes, [stream(0, 5, [k0, k0, created, k1, marker])]));
    expect(result.stats).toMatchObject({ missed: 1, duplicated: 1 });
  });

  it("is unknown, not valid, without an acknowledged marker", () => {
    const result = checkWatch(record(writes.slice(0, 4), [stream(0, 5, allEvents().slice(0, 4))]));
    expect(result.verdict).toBe("unknown");
    expect(result.anomalies).toEqual(["no acknowledged marker write: delivery to live watchers not checked"]);
  });
});

describe("checkWatch: link faults", () => {
  /** zxids 10, 11 and 12 were invoked and acknowledged within 100..130 ms; 13 only began at 130. */
  const fault = (watcher: number, kind: WatchLinkFault["kind"]): WatchLinkFault => ({
    watcher,
    kind,
    startMs: 100,
    endMs: 130,
  });
  /** Every event received at `from` ms or later, one ms apart. */
  const receivedFrom = (from: number) => allEvents().map((e, i) => ({ ...e, receivedMs: from + i }));
  const gapStats = (result: ReturnType<typeof checkWatch>) => ({
    freezes: result.stats["link freezes"],
    cuts: result.stats["link cuts"],
    late: result.stats["events delivered late after a freeze"],
    replayed: result.stats["events delivered after a cut (replayed)"],
    resumes: result.stats["resumes after a gap"],
  });
  const cases: {
    name: string;
    record: WatchRecord;
    counts: ReturnType<typeof gapStats>;
  }[] = [
    {
      name: "a cut whose resume delivered the three writes made during it",
      record: record(writes, [stream(0, 5, receivedFrom(140)), stream(1, 5, allEvents())], [fault(0, "cut")]),
      counts: { freezes: 0, cuts: 1, late: 0, replayed: 3, resumes: 1 },
    },
    {
      name: "a freeze whose thaw delivered them late",
      record: record(writes, [stream(0, 5, receivedFrom(140))], [fault(0, "freeze")]),
      counts: { freezes: 1, cuts: 0, late: 3, replayed: 0, resumes: 0 },
    },
    {
      name: "another watcher's events do not count for a cut",
      record: record(writes, [stream(0, 5, allEvents()), stream(1, 5, receivedFrom(140))], [fault(0, "cut")]),
      counts: { freezes: 0, cuts: 1, late: 0, replayed: 0, resumes: 0 },
    },
    {
      name: "a write not made entirely during the cut does not count",
      record: record(writes, [stream(0, 5, receivedFrom(140))], [{ ...fault(0, "cut"), startMs: 111 }]),
      counts: { freezes: 0, cuts: 1, late: 0, replayed: 1, resumes: 1 },
    },
    {
      name: "a cut still open at the close counts nothing",
      record: record(writes, [stream(0, 5, receivedFrom(140))], [{ watcher: 0, kind: "cut", startMs: 100 }]),
      counts: { freezes: 0, cuts: 1, late: 0, replayed: 0, resumes: 0 },
    },
    {
      name: "an event received twice after a cut counts once (the duplicate is an anomaly elsewhere)",
      record: record(
        writes,
        [stream(0, 5, receivedFrom(140)), stream(0, 12, receivedFrom(150).slice(3))],
        [fault(0, "cut")],
      ),
      counts: { freezes: 0, cuts: 1, late: 0, replayed: 3, resumes: 1 },
    },
  ];
  it.each(cases)("$name", ({ record, counts }) => {
    expect(gapStats(checkWatch(record))).toEqual(counts);
  });

  it("stays valid across a cut with everything replayed", () => {
    const result = checkWatch(record(writes, [stream(0, 5, receivedFrom(140))], [fault(0, "cut")]));
    expect(result.anomalies).toEqual([]);
    expect(result.verdict).toBe("valid");
  });

  it("names the cut when its resume lost an event", () => {
    const [k0, , deleted, k1, marker] = receivedFrom(140) as ReceivedEvent[];
    const result = checkWatch(
      record(writes, [stream(0, 5, [k0, deleted, k1, marker] as ReceivedEvent[])], [fault(0, "cut")]),
    );
    expect(result.verdict).toBe("anomaly");
    expect(result.anomalies.join("\n")).toMatch(
      /watcher 0 stream 0 .*: missed event: no NodeCreated for create \/chaos-watch\/tmp-0 .*zxid 11.*; it was committed during the cut of watcher 0's link from 100 ms to 130 ms, so a resume had to replay it/,
    );
    expect(gapStats(result)).toMatchObject({ replayed: 2, resumes: 1 });
  });
});

describe("compareZxid", () => {
  it("compares 64-bit zxids beyond 2^53", () => {
    expect(compareZxid("9007199254740993", "9007199254740992")).toBe(1);
    expect(compareZxid("4294967296", "4294967296")).toBe(0);
    expect(compareZxid("99", "100")).toBe(-1);
  });
});

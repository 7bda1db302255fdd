/**
 * The hand-off replay: scripted audit feeds (creates, releases, an operator's force release with
 * its reason, session expiry and close, a multi, strays) for each queue recipe, and the grants and
 * releases the replay reads from them, written one event per line.
 */
import { describe, expect, it } from "vitest";
import { type AuditEntry, type HandOff, type HandOffOptions, handOffHistory } from "./hand-off-history.js";

const DIR = "/keel/locks/jobs";
const at = (dir: string, name: string) => `${dir}/${name}`;
const node = (dir: string, prefix: string, n: number) => at(dir, `${prefix}${String(n).padStart(10, "0")}`);
const lock = (n: number) => node(DIR, "lock-", n);

let zxid = 0;
function entry(op: string, paths: string[], sessionId: string, causes?: AuditEntry["causes"]): AuditEntry {
  zxid++;
  return { zxid: String(zxid), timeMs: zxid * 10, op, paths, sessionId, ...(causes ? { causes } : {}) };
}
const create = (path: string, session: string) => entry("create", [path], session);
const release = (path: string, session: string) =>
  entry("delete", [path], session, [{ kind: "delete", sessionId: session }]);
const forceRelease = (path: string, operator: string, reason: string) =>
  entry("delete", [path], operator, [{ kind: "forceRelease", sessionId: operator, reason }]);
const expire = (paths: string[], session: string) =>
  entry(
    "expireSession",
    paths,
    "0",
    paths.map(() => ({ kind: "sessionExpired", sessionId: session })),
  );

/** `acquired lock-0000000001 s1`, then ` "reason"` and ` by s9` when present. */
function line(event: HandOff): string {
  const name = event.node.slice(event.node.lastIndexOf("/") + 1).replace(/0{2,}/, "");
  const reason = event.reason === undefined ? "" : ` "${event.reason}"`;
  const by = event.bySessionId === undefined ? "" : ` by ${event.bySessionId}`;
  return `${event.kind} ${name} ${event.sessionId}${reason}${by}`;
}

interface Scenario {
  readonly case: string;
  readonly feed: () => AuditEntry[];
  readonly options?: HandOffOptions;
  readonly expected: string[];
}

const scenarios: Scenario[] = [
  {
    case: "a lock passes down its queue in order; a waiter withdraws",
    feed: () => [
      create(lock(1), "s1"),
      create(lock(2), "s2"),
      create(lock(3), "s3"),
      release(lock(1), "s1"),
      release(lock(3), "s3"),
      release(lock(2), "s2"),
    ],
    expected: [
      "acquired lock-1 s1",
      "queued lock-2 s2",
      "queued lock-3 s3",
      "released lock-1 s1",
      "acquired lock-2 s2",
      "withdrawn lock-3 s3",
      "released lock-2 s2",
    ],
  },
  {
    case: "an operator's force release says who and why, and the next waiter acquires",
    feed: () => [create(lock(1), "s1"), create(lock(2), "s2"), forceRelease(lock(1), "s9", "stuck since Monday")],
    expected: [
      "acquired lock-1 s1",
      "queued lock-2 s2",
      'forceReleased lock-1 s1 "stuck since Monday" by s9',
      "acquired lock-2 s2",
    ],
  },
  {
    case: "a forceRelease op without causes still counts as one",
    feed: () => [create(lock(1), "s1"), entry("forceRelease", [lock(1)], "s9")],
    expected: ["acquired lock-1 s1", 'forceReleased lock-1 s1 "force-released" by s9'],
  },
  {
    case: "the holder's session expires: its node goes and the next waiter acquires",
    feed: () => [create(lock(1), "s1"), create(lock(2), "s2"), expire([lock(1)], "s1")],
    expected: ["acquired lock-1 s1", "queued lock-2 s2", 'expired lock-1 s1 "session expired"', "acquired lock-2 s2"],
  },
  {
    case: "a waiter's session expires: nothing changes hands until the holder releases",
    feed: () => [
      create(lock(1), "s1"),
      create(lock(2), "s2"),
      create(lock(3), "s3"),
      expire([lock(2)], "s2"),
      release(lock(1), "s1"),
    ],
    expected: [
      "acquired lock-1 s1",
      "queued lock-2 s2",
      "queued lock-3 s3",
      'withdrawn lock-2 s2 "session expired"',
      "released lock-1 s1",
      "acquired lock-3 s3",
    ],
  },
  {
    case: "a closed session releases its hold",
    feed: () => [
      create(lock(1), "s1"),
      create(lock(2), "s2"),
      entry("closeSession", [lock(1)], "s1", [{ kind: "sessionClosed", sessionId: "s1" }]),
    ],
    expected: ["acquired lock-1 s1", "queued lock-2 s2", 'released lock-1 s1 "session closed"', "acquired lock-2 s2"],
  },
  {
    case: "one multi deletes the holder and queues a new node: the live set tells which is which",
    feed: () => [create(lock(1), "s1"), entry("multi", [lock(1), lock(5)], "s1")],
    expected: ["acquired lock-1 s1", "released lock-1 s1", "acquired lock-5 s1"],
  },
  {
    case: "the container, strays, other prefixes and other instances take no part",
    feed: () => [
      entry("create", [DIR], "s1"),
      create(at(DIR, "notes"), "s1"),
      create(at(DIR, "read-0000000001"), "s1"),
      create(lock(2), "s1"),
      create(node("/keel/locks/other", "lock-", 1), "s4"),
      release(lock(2), "s1"),
      entry("delete", [DIR], "0", [{ kind: "containerEmpty" }]),
    ],
    expected: ["acquired lock-2 s1", "released lock-2 s1"],
  },
  {
    case: "without the initial queue, a node never seen created is skipped",
    feed: () => [create(lock(2), "s2"), release(lock(1), "s1")],
    expected: ["acquired lock-2 s2"],
  },
  {
    case: "with the initial queue, the feed can start mid-hold",
    feed: () => [create(lock(2), "s2"), release(lock(1), "s1")],
    options: { initial: [{ node: lock(1), sessionId: "s1" }] },
    expected: ["queued lock-2 s2", "released lock-1 s1", "acquired lock-2 s2"],
  },
  {
    case: "an election follows the same lowest-sequence rule",
    feed: () => {
      const candidate = (n: number) => node("/keel/elections/s", "candidate-", n);
      return [create(candidate(1), "s1"), create(candidate(2), "s2"), expire([candidate(1)], "s1")];
    },
    expected: [
      "acquired candidate-1 s1",
      "queued candidate-2 s2",
      'expired candidate-1 s1 "session expired"',
      "acquired candidate-2 s2",
    ],
  },
  {
    case: "read/write lock: readers share, a writer waits for them, readers behind it wait for it",
    feed: () => {
      const rw = (prefix: string, n: number) => node("/keel/rwlocks/cat", prefix, n);
      return [
        create(rw("read-", 1), "s1"),
        create(rw("read-", 2), "s2"),
        create(rw("write-", 3), "s3"),
        create(rw("read-", 4), "s4"),
        release(rw("read-", 1), "s1"),
        release(rw("read-", 2), "s2"),
        release(rw("write-", 3), "s3"),
      ];
    },
    expected: [
      "acquired read-1 s1",
      "acquired read-2 s2",
      "queued write-3 s3",
      "queued read-4 s4",
      "released read-1 s1",
      "released read-2 s2",
      "acquired write-3 s3",
      "released write-3 s3",
      "acquired read-4 s4",
    ],
  },
  {
    case: "semaphore with its permits: the first two hold, a release lets the third in",
    feed: () => {
      const lease = (n: number) => node("/keel/semaphores/gpu", "lease-", n);
      return [create(lease(1), "s1"), create(lease(2), "s2"), create(lease(3), "s3"), release(lease(1), "s1")];
    },
    options: { permits: 2 },
    expected: [
      "acquired lease-1 s1",
      "acquired lease-2 s2",
      "queued lease-3 s3",
      "released lease-1 s1",
      "acquired lease-3 s3",
    ],
  },
  {
    case: "semaphore without permits: only the head is known to hold (a lower bound)",
    feed: () => {
      const lease = (n: number) => node("/keel/semaphores/gpu", "lease-", n);
      return [create(lease(1), "s1"), create(lease(2), "s2"), release(lease(1), "s1")];
    },
    expected: ["acquired lease-1 s1", "queued lease-2 s2", "released lease-1 s1", "acquired lease-2 s2"],
  },
  {
    case: "an explicit recipe ignores paths of the others",
    feed: () => [create(node("/keel/elections/s", "candidate-", 1), "s1"), create(lock(1), "s2")],
    options: { recipe: "lock" },
    expected: ["acquired lock-1 s2"],
  },
];

describe("handOffHistory", () => {
  it.each(scenarios)("$case", ({ feed, options, expected }) => {
    zxid = 0;
    const entries = feed();
    const events = handOffHistory(entries, options);
    expect(events.map(line)).toEqual(expected);
    // every event carries the zxid and time of the entry that caused it
    for (const event of events) {
      const source = entries.find((candidate) => candidate.zxid === event.zxid);
      expect(source?.timeMs).toBe(event.timeMs);
    }
  });

  it("a grant is dated by the change that caused it: the predecessor's release", () => {
    zxid = 0;
    const events = handOffHistory([create(lock(1), "s1"), create(lock(2), "s2"), release(lock(1), "s1")]);
    const grant = events.find((event) => event.kind === "acquired" && event.sessionId === "s2");
    expect(grant).toMatchObject({ zxid: "3", timeMs: 30 });
  });
});

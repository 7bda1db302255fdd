/**
 * The snapshot views against the SDK's rules (hold.ts, rwlock.ts, semaphore.ts, election.ts):
 * tables of queues, each listed in reverse so only the sequence can give the order, with the
 * holders and waiters (and what each waits for) that the SDK's contenders would see.
 */
import { describe, expect, it } from "vitest";
import type { Contender, RecipeChild, Waiter } from "./contenders.js";
import { electionView, lockView, readWriteLockView, semaphoreView } from "./recipe-views.js";
import { child, holderJson, seq, shuffled } from "./test-children.js";

const sequences = (entries: readonly Contender[]): number[] => entries.map((entry) => entry.sequence);
const blockerOf = (waiter: Waiter): string =>
  waiter.waitsFor.type === "node" ? waiter.waitsFor.node.slice(waiter.waitsFor.node.lastIndexOf("/") + 1) : "queue";

describe("lockView", () => {
  it("shows locks taken by ZooKeeper clients' recipes (kazoo, Curator) by their sequence", () => {
    // kazoo's Lock names its nodes <uuid>__lock__<seq>; Curator's InterProcessMutex _c_<uuid>-lock-<seq>.
    const kazoo = seq("4b7f0c2e__lock__", 4);
    const curator = seq("_c_9d1e-lock-", 2);
    const view = lockView("jobs", shuffled([child(kazoo, "21", "worker-1"), child(curator, "22", undefined)]));
    expect(view.holder).toMatchObject({ name: curator, sessionId: "22", sequence: 2 });
    expect(view.waiters.map((waiter) => [waiter.name, waiter.sessionId])).toEqual([[kazoo, "21"]]);
  });

  it("gives the holder's node, session, time, fencing token and metadata", () => {
    const view = lockView("jobs", [child(seq("lock-", 3), "10", holderJson("c1", { label: "nightly" }), 2000)]);
    expect(view.holder).toEqual({
      node: "/keel/locks/jobs/lock-0000000003",
      name: "lock-0000000003",
      prefix: "lock-",
      sequence: 3,
      sessionId: "10",
      since: 2000,
      fencingToken: "103",
      metadata: { clientId: "c1", host: "h", pid: 7, label: "nightly" },
    });
    expect(view.waiters).toEqual([]);
  });

  it.each([
    { case: "free", names: [], holder: undefined, waiters: [] },
    {
      case: "one waiter",
      names: [seq("lock-", 1), seq("lock-", 2)],
      holder: 1,
      waiters: ["lock-0000000002>lock-0000000001"],
    },
    {
      case: "each waits for its predecessor, gaps and all",
      names: [seq("lock-", 4), seq("lock-", 9), seq("lock-", 12)],
      holder: 4,
      waiters: ["lock-0000000009>lock-0000000004", "lock-0000000012>lock-0000000009"],
    },
    {
      case: "strays and other prefixes take no part",
      names: ["notes", "lock-42", seq("read-", 1), seq("_c_abc-block", 2), seq("lock-", 5), seq("lock-", 8)],
      holder: 5,
      waiters: ["lock-0000000008>lock-0000000005"],
    },
  ])("$case", ({ names, holder, waiters }) => {
    const view = lockView("jobs", shuffled(names.map((name) => child(name))));
    expect(view.holder?.sequence).toBe(holder);
    expect(view.waiters.map((waiter) => `${waiter.name}>${blockerOf(waiter)}`)).toEqual(waiters);
  });

  it("keeps a contender whose data is not the documented JSON, without metadata", () => {
    const view = lockView("jobs", [child(seq("lock-", 1), "1", "garbage"), child(seq("lock-", 2), "2", undefined)]);
    expect(view.holder?.metadata).toBeUndefined();
    expect(view.waiters[0]?.metadata).toBeUndefined();
  });
});

/** `r1 w2` → read-0000000001, write-0000000002. */
const rwChildren = (queue: string): RecipeChild[] =>
  queue
    .split(" ")
    .filter((token) => token !== "")
    .map((token) => child(seq(token[0] === "r" ? "read-" : "write-", Number(token.slice(1)))));
const rwToken = (entry: Contender): string => `${entry.prefix[0]}${entry.sequence}`;

describe("readWriteLockView", () => {
  it.each([
    ["", "", ""],
    ["r1 r2 r3", "r1 r2 r3", ""],
    ["w1", "w1", ""],
    ["w1 w2", "w1", "w2>w1"],
    ["w1 r2 r3", "w1", "r2>w1 r3>w1"],
    // a reader behind a waiting writer waits for it: writers do not starve
    ["r1 w2 r3", "r1", "w2>r1 r3>w2"],
    ["r1 r2 w3 r4 r5 w6 r7", "r1 r2", "w3>r2 r4>w3 r5>w3 w6>r5 r7>w6"],
    ["w1 r2 w3 r4", "w1", "r2>w1 w3>r2 r4>w3"],
    ["r2 r5 w9", "r2 r5", "w9>r5"],
  ])("queue %j holds %j, waits %j", (queue, holders, waiters) => {
    const view = readWriteLockView("catalog", shuffled(rwChildren(queue)));
    expect(view.holders.map(rwToken).join(" ")).toBe(holders);
    const blocker = (waiter: Waiter) => {
      const name = blockerOf(waiter);
      return `${name[0]}${Number(name.slice(-10))}`;
    };
    expect(view.waiters.map((waiter) => `${rwToken(waiter)}>${blocker(waiter)}`).join(" ")).toBe(waiters);
    for (const entry of [...view.holders, ...view.waiters]) {
      expect(entry.mode).toBe(entry.prefix === "read-" ? "read" : "write");
      expect(entry.node).toBe(`/keel/rwlocks/catalog/${entry.name}`);
    }
  });

  it("ignores the lock recipe's prefix and strays", () => {
    const view = readWriteLockView("catalog", [child(seq("lock-", 1)), child("write"), ...rwChildren("r2")]);
    expect(view.holders.map(rwToken)).toEqual(["r2"]);
  });
});

describe("semaphoreView", () => {
  it.each([
    { permits: 2, queue: [1, 2, 3], holders: [1, 2], waiters: [3] },
    { permits: 5, queue: [1, 2], holders: [1, 2], waiters: [] },
    { permits: 1, queue: [4, 9, 11], holders: [4], waiters: [9, 11] },
    { permits: 3, queue: [], holders: [], waiters: [] },
  ])("$permits permits over $queue", ({ permits, queue, holders, waiters }) => {
    const view = semaphoreView("gpu", permits, shuffled(queue.map((n) => child(seq("lease-", n)))));
    if (view.type !== "counted") throw new Error(`expected a counted view, got ${view.type}`);
    expect(view.permits).toBe(permits);
    expect(view.permitsFrom).toBe("caller");
    expect(sequences(view.holders)).toEqual(holders);
    expect(sequences(view.waiters)).toEqual(waiters);
    // any of those ahead may leave, so a waiter waits for the queue to change, not one node
    for (const waiter of view.waiters) expect(waiter.waitsFor).toEqual({ type: "queueChange" });
  });

  it.each([
    { permits: undefined, queue: [1, 2, 3], surely: 1, undecided: [2, 3] },
    { permits: 0, queue: [5, 6], surely: 5, undecided: [6] },
    { permits: 1.5, queue: [5], surely: 5, undecided: [] },
    { permits: -2, queue: [], surely: undefined, undecided: [] },
  ])("unknown permits ($permits): only the first surely holds", ({ permits, queue, surely, undecided }) => {
    const view = semaphoreView("gpu", permits, shuffled(queue.map((n) => child(seq("lease-", n)))));
    if (view.type !== "permitsUnknown") throw new Error(`expected permitsUnknown, got ${view.type}`);
    expect(view.surelyHolding?.sequence).toBe(surely);
    expect(sequences(view.undecided)).toEqual(undecided);
  });

  it.each([
    { given: undefined, recorded: 2, permits: 2, from: "node", holders: [1, 2] },
    { given: 1, recorded: 2, permits: 1, from: "caller", holders: [1] },
    { given: undefined, recorded: 0, permits: undefined, from: undefined, holders: [1] },
  ])("permits recorded in the head's node ($recorded, given $given)", ({ given, recorded, permits, from, holders }) => {
    const data = holderJson("c", { permits: recorded });
    const view = semaphoreView(
      "gpu",
      given,
      [1, 2, 3].map((n) => child(seq("lease-", n), "1", data)),
    );
    expect(view.type === "counted" ? view.permits : undefined).toBe(permits);
    expect(view.type === "counted" ? view.permitsFrom : undefined).toBe(from);
    expect(sequences(view.type === "counted" ? view.holders : [view.surelyHolding as Contender])).toEqual(holders);
  });
});

describe("electionView", () => {
  it("elects the lowest candidate, its term the czxid; the rest queue behind their predecessors", () => {
    const view = electionView(
      "scheduler",
      shuffled([
        child(seq("candidate-", 3), "30", holderJson("a")),
        child(seq("candidate-", 8), "80", holderJson("b")),
        child(seq("candidate-", 20), "200", "{"),
        child(seq("lock-", 1)),
        child("leader"),
      ]),
    );
    expect(view.leader?.node).toBe("/keel/elections/scheduler/candidate-0000000003");
    expect(view.leader?.term).toBe("103");
    expect(view.leader?.term).toBe(view.leader?.fencingToken);
    expect(view.leader?.metadata?.clientId).toBe("a");
    expect(sequences(view.candidates)).toEqual([3, 8, 20]);
    expect(view.waiters.map((waiter) => `${waiter.sequence}>${blockerOf(waiter)}`)).toEqual([
      "8>candidate-0000000003",
      "20>candidate-0000000008",
    ]);
  });

  it("has no leader without candidates", () => {
    const view = electionView("scheduler", [child("stray")]);
    expect(view.leader).toBeUndefined();
    expect(view.candidates).toEqual([]);
  });
});

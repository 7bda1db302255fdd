// Checks which change fires which watch event (docs/data-model.md §7): one-shot data/exist/
// child watches fire once, persistent ones stay, recursive ones see descendants but never
// childrenChanged, a watcher gets one event per (type, path), removal and NOWATCHER, the limit,
// and the persistent-event filter (ZooKeeper's CVE-2024-23944: persistent watchers must not learn
// of nodes they cannot read; one-shot watches were checked when set and are not filtered).
import { describe, expect, it } from "vitest";
import type { SessionId, Zxid } from "../ids.js";
import type { DeleteCause } from "../tree/delete-cause.js";
import type { NodeChange } from "../tree/results.js";
import { WatchTable } from "./watch-table.js";

const z = 7n as Zxid;
const byFive: DeleteCause = { kind: "delete", sessionId: 5n as SessionId };
// A nodeDeleted event carries its deletion's cause; no other event has one.
const ev = (type: string, path: string) =>
  type === "nodeDeleted" ? { type, path, zxid: z, cause: byFive } : { type, path, zxid: z };
const created = (path: string): NodeChange => ({ type: "created", path });
const deleted = (path: string, cause: DeleteCause = byFive): NodeChange => ({ type: "deleted", path, cause });
const changed = (path: string): NodeChange => ({ type: "dataChanged", path });

describe("WatchTable deletion causes", () => {
  it("hands every kind of watcher of a deleted node the same cause, and the parent's event none", () => {
    const w = new WatchTable();
    w.addOneShot(1, "/l/a", "data");
    w.addOneShot(2, "/l/a", "child");
    w.addPersistent(3, "/l/a", "persistent");
    w.addPersistent(4, "/", "persistentRecursive");
    w.addOneShot(5, "/l", "child");
    const expired: DeleteCause = { kind: "sessionExpired", sessionId: 9n as SessionId };
    const events = w.trigger([deleted("/l/a", expired)], z);
    const deletedEvent = { type: "nodeDeleted", path: "/l/a", zxid: z, cause: expired };
    for (const watcher of [1, 2, 3, 4]) expect(events.get(watcher), `watcher ${watcher}`).toEqual([deletedEvent]);
    expect(events.get(5)).toEqual([{ type: "nodeChildrenChanged", path: "/l", zxid: z }]);
  });
});

describe("WatchTable one-shot watches", () => {
  it("fires exist/data on create and child on the parent, once", () => {
    const w = new WatchTable();
    w.addOneShot(1, "/a", "exist");
    w.addOneShot(2, "/", "child");
    expect(Object.fromEntries(w.trigger([created("/a")], z))).toEqual({
      1: [ev("nodeCreated", "/a")],
      2: [ev("nodeChildrenChanged", "/")],
    });
    expect(w.trigger([deleted("/a")], z).size).toBe(0);
    expect(w.watchCount()).toBe(0);
  });

  it("fires data and child watches on delete, data watches on setData, nothing on aclChanged", () => {
    const w = new WatchTable();
    w.addOneShot(1, "/a", "data");
    w.addOneShot(1, "/a", "child");
    w.addOneShot(1, "/a", "data"); // same watch twice fires once
    expect(w.trigger([{ type: "aclChanged", path: "/a" }], z).size).toBe(0);
    expect(w.trigger([deleted("/a")], z).get(1)).toEqual([ev("nodeDeleted", "/a")]);
    w.addOneShot(3, "/b", "data");
    w.addOneShot(4, "/b", "child");
    expect(Object.fromEntries(w.trigger([changed("/b")], z))).toEqual({ 3: [ev("nodeDataChanged", "/b")] });
  });

  it("keeps events in change order", () => {
    const w = new WatchTable();
    w.addOneShot(1, "/m", "exist");
    w.addOneShot(1, "/m/x", "exist");
    w.addOneShot(1, "/m", "child");
    expect(w.trigger([created("/m"), created("/m/x")], z).get(1)).toEqual([
      ev("nodeCreated", "/m"),
      ev("nodeCreated", "/m/x"),
      ev("nodeChildrenChanged", "/m"),
    ]);
  });
});

describe("WatchTable persistent watches", () => {
  it("persistent: data and child events on the path, staying set", () => {
    const w = new WatchTable();
    w.addPersistent(1, "/p", "persistent");
    w.addOneShot(1, "/p", "exist"); // deduplicated with the persistent one
    expect(w.trigger([created("/p")], z).get(1)).toEqual([ev("nodeCreated", "/p")]);
    expect(w.trigger([created("/p/c")], z).get(1)).toEqual([ev("nodeChildrenChanged", "/p")]);
    expect(w.trigger([changed("/p")], z).get(1)).toEqual([ev("nodeDataChanged", "/p")]);
    expect(w.trigger([changed("/p/c")], z).size).toBe(0);
  });

  it("recursive: created/deleted/dataChanged for the path and descendants, no childrenChanged", () => {
    const w = new WatchTable();
    w.addPersistent(1, "/r", "persistentRecursive");
    expect(w.trigger([created("/r/a/b"), changed("/r"), deleted("/r/a/b"), created("/rx")], z).get(1)).toEqual([
      ev("nodeCreated", "/r/a/b"),
      ev("nodeDataChanged", "/r"),
      ev("nodeDeleted", "/r/a/b"),
    ]);
  });
});

describe("WatchTable persistent-event filter", () => {
  // The filter a ZooKeeper connection installs: here, it may see anything but /s and below.
  const notSecret = (path: string) => path !== "/s" && !path.startsWith("/s/");
  const asked: string[] = [];
  const recording = (path: string) => {
    asked.push(path);
    return notSecret(path);
  };

  // watches of watcher 1 (filtered), changes → events watcher 1 gets
  const cases: [
    string,
    [string, "persistent" | "persistentRecursive" | "data" | "exist" | "child"][],
    NodeChange[],
    [string, string][],
  ][] = [
    [
      "recursive on / skips a secret node",
      [["/", "persistentRecursive"]],
      [created("/s"), created("/o")],
      [["nodeCreated", "/o"]],
    ],
    [
      "recursive on / skips every event below it",
      [["/", "persistentRecursive"]],
      [created("/s/x"), changed("/s/x"), deleted("/s/x"), changed("/o")],
      [["nodeDataChanged", "/o"]],
    ],
    [
      "persistent on the secret parent: no childrenChanged",
      [["/s", "persistent"]],
      [created("/s/x"), changed("/s")],
      [],
    ],
    [
      "persistent on an open parent: childrenChanged",
      [["/", "persistent"]],
      [created("/s")],
      [["nodeChildrenChanged", "/"]],
    ],
    ["a one-shot watch is not filtered", [["/s", "exist"]], [created("/s")], [["nodeCreated", "/s"]]],
    ["a one-shot child watch is not filtered", [["/s", "child"]], [created("/s/x")], [["nodeChildrenChanged", "/s"]]],
    [
      "one-shot and persistent on one path: the one-shot fires, the filtered persistent does not",
      [
        ["/s", "data"],
        ["/", "persistentRecursive"],
      ],
      [changed("/s"), changed("/s")],
      [["nodeDataChanged", "/s"]],
    ],
  ];
  it.each(cases)("%s", (_, watches, changes, expected) => {
    const w = new WatchTable();
    for (const [path, kind] of watches) {
      if (kind === "persistent" || kind === "persistentRecursive") w.addPersistent(1, path, kind);
      else w.addOneShot(1, path, kind);
      w.addPersistent(2, path === "/s" ? "/" : path, "persistentRecursive"); // an unfiltered watcher
    }
    w.setPersistentEventFilter(1, notSecret);
    const events = w.trigger(changes, z);
    expect((events.get(1) ?? []).map((e) => [e.type, e.path])).toEqual(expected);
    expect(events.get(2)?.length ?? 0).toBeGreaterThan(0); // watcher 2 has no filter: it sees the secret too
  });

  it("asks the filter when the event fires, only for watchers it would reach, and forgets it with the watcher", () => {
    const w = new WatchTable();
    w.addPersistent(1, "/", "persistentRecursive");
    w.addPersistent(3, "/elsewhere", "persistent");
    w.setPersistentEventFilter(1, recording);
    w.setPersistentEventFilter(3, recording);
    asked.length = 0;
    w.trigger([changed("/o"), changed("/s")], z);
    expect(asked).toEqual(["/o", "/s"]);
    w.setPersistentEventFilter(1, undefined);
    expect(w.trigger([changed("/s")], z).get(1)).toEqual([ev("nodeDataChanged", "/s")]);
    w.setPersistentEventFilter(1, recording);
    w.removeWatcher(1);
    w.addPersistent(1, "/", "persistentRecursive"); // a new watcher reusing the id starts unfiltered
    expect(w.trigger([changed("/s")], z).get(1)).toEqual([ev("nodeDataChanged", "/s")]);
  });
});

describe("WatchTable removal and limits", () => {
  it("removes by type and says NOWATCHER when absent", () => {
    const w = new WatchTable();
    w.addOneShot(1, "/a", "data");
    w.addOneShot(1, "/a", "child");
    expect(w.remove(1, "/a", "children")).toBeUndefined();
    expect(w.remove(1, "/a", "children")?.code).toBe("NOWATCHER");
    expect(w.remove(1, "/a", "data")).toBeUndefined();
    w.addPersistent(1, "/a", "persistentRecursive");
    expect(w.remove(1, "/a", "data")?.code).toBe("NOWATCHER");
    expect(w.remove(1, "/a", "any")).toBeUndefined();
    expect(w.watchCount(1)).toBe(0);
  });

  it("drops a watcher's watches and enforces the per-watcher limit", () => {
    const w = new WatchTable(2);
    expect(w.addOneShot(1, "/a", "data")).toBeUndefined();
    expect(w.addOneShot(1, "/b", "data")).toBeUndefined();
    expect(w.addOneShot(1, "/c", "data")?.code).toBe("THROTTLEDOP");
    w.removeWatcher(1);
    expect(w.watchCount()).toBe(0);
    expect(w.trigger([changed("/a")], z).size).toBe(0);
  });
});

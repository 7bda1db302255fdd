// Checks which change fires which watch event (docs/data-model.md §7): one-shot data/exist/
// child watches fire once, persistent ones stay, recursive ones see descendants but never
// childrenChanged, a watcher gets one event per (type, path), removal and NOWATCHER, the limit.
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

/**
 * Core's recipe views flattened for the cards: holders, then waiters in queue order with their
 * position and the blocking node named with its owner. Built from real `RecipeChild` listings.
 */
import { lockView, type RecipeChild, readWriteLockView, semaphoreView } from "@keel/core";
import { describe, expect, it } from "vitest";
import { contenderOrigin, contenderTitle, lockDisplay, readWriteLockDisplay, semaphoreDisplay } from "./queue-display";

const child = (name: string, session: string, metadata?: object): RecipeChild => ({
  name,
  stat: { czxid: String(100 + Number(name.slice(-2))), ctime: 1000, ephemeralOwner: session },
  data: metadata === undefined ? undefined : JSON.stringify(metadata),
});

describe("lockDisplay", () => {
  it("shows the lowest as holder and the rest in order, each waiting for the one ahead", () => {
    const display = lockDisplay(
      lockView("orders", [
        child("lock-0000000012", "3"),
        child("lock-0000000010", "1", { clientId: "c1", label: "worker-a", host: "h", pid: 7 }),
        child("lock-0000000011", "2"),
      ]),
    );
    expect(display.holders.map((row) => [row.sessionId, row.label, row.fencingToken])).toEqual([
      ["1", "worker-a", "110"],
    ]);
    expect(display.waiters.map((row) => [row.position, row.sessionId, row.waitsFor])).toEqual([
      [1, "2", { type: "node", name: "lock-0000000010", sessionId: "1" }],
      [2, "3", { type: "node", name: "lock-0000000011", sessionId: "2" }],
    ]);
  });

  it("is free with no contenders", () => {
    const display = lockDisplay(lockView("orders", []));
    expect(display.holders).toEqual([]);
    expect(display.waiters).toEqual([]);
  });
});

describe("readWriteLockDisplay", () => {
  it("lets readers share until a writer queues, and says what the writer waits for", () => {
    const display = readWriteLockDisplay(
      readWriteLockView("catalog", [
        child("read-0000000001", "1"),
        child("read-0000000002", "2"),
        child("write-0000000003", "3"),
        child("read-0000000004", "4"),
      ]),
    );
    expect(display.holders.map((row) => [row.sessionId, row.mode])).toEqual([
      ["1", "read"],
      ["2", "read"],
    ]);
    expect(display.waiters.map((row) => [row.sessionId, row.mode, row.waitsFor])).toEqual([
      ["3", "write", { type: "node", name: "read-0000000002", sessionId: "2" }],
      ["4", "read", { type: "node", name: "write-0000000003", sessionId: "3" }],
    ]);
  });
});

describe("semaphoreDisplay", () => {
  const children = [child("lease-0000000001", "1"), child("lease-0000000002", "2"), child("lease-0000000003", "3")];

  it("with known permits splits holders from waiters for any queue change", () => {
    const display = semaphoreDisplay(semaphoreView("gpu", 2, children));
    expect(display.holders.map((row) => row.sessionId)).toEqual(["1", "2"]);
    expect(display.waiters.map((row) => [row.sessionId, row.waitsFor.type])).toEqual([["3", "queueChange"]]);
  });

  it("takes the permits the head contender's node records, and says so", () => {
    const recorded = [child("lease-0000000001", "1", { clientId: "c", permits: 1 }), ...children.slice(1)];
    const display = semaphoreDisplay(semaphoreView("gpu", undefined, recorded));
    expect(display.permits).toEqual({ count: 1, from: "node" });
    expect(display.waiters.map((row) => row.sessionId)).toEqual(["2", "3"]);
  });

  it("without permits only the first surely holds; the others are undecided", () => {
    const display = semaphoreDisplay(semaphoreView("gpu", undefined, children));
    expect(display.holders.map((row) => row.sessionId)).toEqual(["1"]);
    expect(display.permits).toBeUndefined();
    expect(display.waiters.map((row) => [row.position, row.waitsFor.type])).toEqual([
      [1, "unknown"],
      [2, "unknown"],
    ]);
  });
});

describe("contender naming", () => {
  it.each([
    [{ label: "a", clientId: "c" }, "a"],
    [{ label: undefined, clientId: "c" }, "c"],
    [{ label: undefined, clientId: undefined }, "–"],
  ] as const)("title of %o is %s", (row, expected) => {
    expect(contenderTitle(row)).toBe(expected);
  });

  it.each([
    [{ host: "h", pid: 3 }, "h · pid 3"],
    [{ host: undefined, pid: 3 }, "pid 3"],
    [{ host: undefined, pid: undefined }, "–"],
  ] as const)("origin of %o is %s", (row, expected) => {
    expect(contenderOrigin(row)).toBe(expected);
  });
});

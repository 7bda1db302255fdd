/**
 * kazoo 2.8 (Debian's python3-kazoo) runs its recipes against a 3-node ensemble through the
 * ZooKeeper wire port: Lock, Election, Counter, Queue, LockingQueue, Barrier, DoubleBarrier,
 * DataWatch, ChildrenWatch and a transaction that commits and one that fails. One python process
 * with two sessions on different members runs them all (clients/kazoo/recipes.py) and prints what it observed per
 * recipe; each test below asserts one recipe's line.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ClientProcesses, jsonLines } from "./client-process.js";
import { startKazoo } from "./kazoo.js";
import { startTarget, type Target } from "./target.js";

type RecipeReport = Record<string, unknown> & { recipe: string; error?: string };

const recipes = [
  "lock",
  "election",
  "counter",
  "queue",
  "lockingqueue",
  "barrier",
  "doublebarrier",
  "datawatch",
  "childrenwatch",
  "transaction",
] as const;

let target: Target;
const processes = new ClientProcesses();
const reports = new Map<string, RecipeReport>();
let diagnostics = "";

beforeAll(async () => {
  target = await startTarget();
});

// A hook of its own, so the program gets the whole hook timeout after the ensemble is up.
beforeAll(async () => {
  // Session a starts at member 1 and b at member 2: each recipe crosses members.
  const program = startKazoo(processes, "kazoo recipes", "recipes.py", [
    target.connectStringFrom(1),
    target.connectStringFrom(2),
    "/kazoo",
    ...recipes,
  ]);
  const result = await program.succeeded(170_000);
  diagnostics = program.diagnostics();
  for (const report of jsonLines<RecipeReport>(result.stdout)) reports.set(report.recipe, report);
});

afterAll(async () => {
  await processes.killAll();
  await target?.close();
});

function report(recipe: (typeof recipes)[number]): RecipeReport {
  const found = reports.get(recipe);
  if (!found) throw new Error(`kazoo printed nothing for ${recipe}\n${diagnostics}`);
  if (found.error) throw new Error(`kazoo ${recipe} failed:\n${found.error}\n${diagnostics}`);
  return found;
}

describe("kazoo recipes", () => {
  it("Lock: one holder; the second waits, queued, until the first releases", () => {
    expect(report("lock")).toEqual({
      recipe: "lock",
      first: true,
      secondWhileHeld: false,
      contendersWhileHeld: ["a"],
      bHeldBeforeRelease: false,
      secondAfterRelease: true,
      contendersAfter: ["b"],
    });
  });

  it("Election: the first contender leads alone; the second leads only after it steps down", () => {
    expect(report("election")).toMatchObject({
      contenders: ["a", "b"],
      leadersWhileA: ["a"],
      leadersAfter: ["a", "b"],
    });
  });

  it("Counter: increments from two sessions, sequential and concurrent, all count", () => {
    const counter = report("counter");
    expect(counter.sequential).toBe(6);
    expect(counter.final).toBe(6 + (counter.concurrentIncrements as number));
  });

  it("Queue: items come out by priority, then in order; an empty queue gives None", () => {
    expect(report("queue")).toMatchObject({ lengthAfterPuts: 3, got: ["urgent", "one", "two", null] });
  });

  it("LockingQueue: each item is taken under its lock, consumed once, in order", () => {
    expect(report("lockingqueue")).toMatchObject({
      consumed: ["job-1", "job-2", "job-3"].map((item) => ({ item, held: true, done: true })),
      lengthAfter: 0,
    });
  });

  it("Barrier: wait blocks while the barrier stands and passes once it is removed", () => {
    expect(report("barrier")).toMatchObject({ waitWhileUp: false, waitAfterRemove: true });
  });

  it("DoubleBarrier: nobody enters before both arrive; both leave and clean up", () => {
    expect(report("doublebarrier")).toMatchObject({ aEnteredAfterBCalled: true, bothLeft: true, childrenAfter: [] });
  });

  it("DataWatch: sees the value, each change with its version, and the delete", () => {
    expect(report("datawatch").events).toEqual([
      { data: "v0", version: 0 },
      { data: "v1", version: 1 },
      { data: "v2", version: 2 },
      { data: null, version: null },
    ]);
  });

  it("ChildrenWatch: sees every change to the children", () => {
    expect(report("childrenwatch").seen).toEqual([[], ["c1"], ["c1", "c2"], ["c2"]]);
  });

  it("TransactionRequest: a commit applies every op; a failed check rolls back the rest", () => {
    expect(report("transaction")).toMatchObject({
      committed: ["/kazoo/txn/t1", "ZnodeStat", true, true, "/kazoo/txn/t2"],
      existing: "new",
      t1: false,
      t2: "y",
      failed: ["RolledBackError", "BadVersionError", "RuntimeInconsistency"],
      t3: false,
    });
  });
});

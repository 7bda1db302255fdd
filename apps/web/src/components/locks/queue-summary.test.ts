/** The Locks page's headline: held instances, clients waiting, and the longest wait, over every queue. */
import { lockView, type RecipeChild, semaphoreView } from "@keel/core";
import { describe, expect, it } from "vitest";
import { lockDisplay, semaphoreDisplay } from "./queue-display";
import { summarizeQueues } from "./queue-summary";

const child = (name: string, session: string, ctime: number): RecipeChild => ({
  name,
  stat: { czxid: "1", ctime, ephemeralOwner: session },
  data: undefined,
});

describe("summarizeQueues", () => {
  it("counts held instances, holders and waiters, and finds the longest wait", () => {
    const summary = summarizeQueues([
      lockDisplay(lockView("orders", [child("lock-0000000001", "1", 10), child("lock-0000000002", "2", 50)])),
      lockDisplay(lockView("idle", [])),
      lockDisplay(
        lockView("reports", [
          child("lock-0000000001", "3", 5),
          child("lock-0000000002", "4", 20),
          child("lock-0000000003", "5", 30),
        ]),
      ),
    ]);
    expect(summary).toEqual({
      instances: 3,
      held: 2,
      holders: 2,
      waiting: 3,
      longestWait: { name: "reports", kind: "lock", sinceMs: 20 },
    });
  });

  it("does not count a semaphore's undecided contenders as waiting", () => {
    const display = semaphoreDisplay(
      semaphoreView("gpu", undefined, [child("lease-0000000001", "1", 1), child("lease-0000000002", "2", 2)]),
    );
    expect(summarizeQueues([display])).toMatchObject({ holders: 1, waiting: 0, longestWait: undefined });
  });
});

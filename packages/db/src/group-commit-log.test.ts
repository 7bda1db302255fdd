// Checks group commit: appends made in one event-loop turn share one write (one transaction,
// one fsync) and all resolve after it; the next turn starts a new group; a failed commit rejects
// every append of its group and leaves the store as it was.
import { zxid } from "@keel/core";
import { describe, expect, it, vi } from "vitest";
import { GroupCommitLog } from "./group-commit-log.js";
import { entries, epochs, open, tempDir } from "./test-helpers.js";

describe("GroupCommitLog", () => {
  it("coalesces one turn's appends into one durable write", async () => {
    const store = open(tempDir());
    store.write({ entries: [], ...epochs(1) });
    const write = vi.spyOn(store, "write");
    const log = new GroupCommitLog(store);
    const first = [1, 2, 3, 4, 5].map((counter) => log.append(entries(1, counter, counter)));
    expect(store.lastLoggedZxid()).toBe(0n); // nothing written until the turn ends
    await Promise.all(first);
    expect(write).toHaveBeenCalledTimes(1);
    expect(store.lastLoggedZxid()).toBe(zxid(1, 5));
    await Promise.all([log.append(entries(1, 6, 7)), log.append(entries(1, 8, 8))]);
    expect(write).toHaveBeenCalledTimes(2);
    expect(log.stats()).toEqual({ commits: 2, entries: 8 });
  });

  it("rejects the whole group when its commit fails", async () => {
    const store = open(tempDir());
    store.write({ entries: entries(1, 1, 3), ...epochs(1) });
    const log = new GroupCommitLog(store);
    const results = await Promise.allSettled([log.append(entries(1, 4, 4)), log.append(entries(2, 1, 1))]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
    expect(store.lastLoggedZxid()).toBe(zxid(1, 3));
  });
});

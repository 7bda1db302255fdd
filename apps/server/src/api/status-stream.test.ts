// Checks cluster.events' pacing with a fake host and status source: a status at once, another soon
// after a change (never sooner than the coalescing gap), periodic pushes without changes, a burst of
// changes coalesced into one push, and the stream (its timer and listener) gone once aborted.
import type { MemberStatusView } from "@keel/api";
import { describe, expect, it } from "vitest";
import { STATUS_PUSH_GAP_MS_MIN, statusStream } from "./status-stream.js";

function fakes() {
  const listeners = new Set<() => void>();
  let taken = 0;
  const host = {
    onStatusChange(listener: () => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const status = {
    clusterStatus: async () => ({ serverId: ++taken }) as unknown as MemberStatusView,
  };
  return {
    host,
    status,
    listeners,
    change: () => {
      for (const listener of listeners) listener();
    },
  };
}

describe("statusStream", () => {
  it("pushes at once, after a change (coalesced), periodically, and stops on abort", async () => {
    const { host, status, listeners, change } = fakes();
    const controller = new AbortController();
    const stream = statusStream(host, status, controller.signal, 60_000)[Symbol.asyncIterator]();
    const started = performance.now();
    expect((await stream.next()).value?.serverId).toBe(1);
    expect(listeners.size).toBe(1);
    // Three changes in a burst: one push, no sooner than the gap after the previous one.
    const next = stream.next();
    change();
    change();
    change();
    expect((await next).value?.serverId).toBe(2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(STATUS_PUSH_GAP_MS_MIN - 5);
    const aborted = stream.next();
    controller.abort();
    expect((await aborted).done).toBe(true);
    expect(listeners.size).toBe(0);
  });

  it("pushes every period without changes", async () => {
    const { host, status } = fakes();
    const controller = new AbortController();
    const stream = statusStream(host, status, controller.signal, 150)[Symbol.asyncIterator]();
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) seen.push((await stream.next()).value?.serverId ?? 0);
    expect(seen).toEqual([1, 2, 3]);
    controller.abort();
    expect((await stream.next()).done).toBe(true);
  });
});

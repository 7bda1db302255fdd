import type { LogEntry, Zxid } from "@keel/core";
import { describe, expect, it } from "vitest";
import { SNAPSHOT_SIZE_DIVISOR, SnapshotTrigger } from "./snapshot-trigger.js";

/** `count` entries of `bytes` bytes each. */
function entries(count: number, bytes: number): LogEntry[] {
  return Array.from({ length: count }, (_, i) => ({ zxid: BigInt(i + 1) as Zxid, txn: new Uint8Array(bytes) }));
}

describe("SnapshotTrigger", () => {
  const policy = { everyTxns: 100, everyBytes: 10_000 };

  it.each([
    { case: "nothing applied", applied: [] as [number, number][], lastSnapshot: 0, due: undefined },
    { case: "few small txns", applied: [[99, 10]] as [number, number][], lastSnapshot: 0, due: undefined },
    {
      case: "txn count reached",
      applied: [
        [60, 10],
        [40, 10],
      ] as [number, number][],
      lastSnapshot: 0,
      due: "txns",
    },
    // One multi of many creates is one txn: only the bytes make it due.
    { case: "few big txns", applied: [[3, 4000]] as [number, number][], lastSnapshot: 0, due: "bytes" },
    { case: "just under the bytes", applied: [[2, 4999]] as [number, number][], lastSnapshot: 0, due: undefined },
    // A big snapshot raises the bytes threshold to an eighth of its size.
    { case: "big tree, little log", applied: [[3, 4000]] as [number, number][], lastSnapshot: 160_000, due: undefined },
    { case: "big tree, enough log", applied: [[5, 4000]] as [number, number][], lastSnapshot: 160_000, due: "bytes" },
  ])("$case → $due", ({ applied, lastSnapshot, due }) => {
    const trigger = new SnapshotTrigger(policy, lastSnapshot);
    for (const [count, bytes] of applied) trigger.applied(entries(count, bytes));
    expect(trigger.due()).toBe(due);
  });

  it("counts afresh once a snapshot starts, and follows the size of the last one written", () => {
    const trigger = new SnapshotTrigger(policy);
    trigger.applied(entries(2, 6000));
    expect(trigger.due()).toBe("bytes");
    trigger.started();
    expect(trigger.due()).toBeUndefined();
    expect(trigger.bytesSince).toBe(0);
    trigger.written(200_000);
    expect(trigger.bytesThreshold).toBe(200_000 / SNAPSHOT_SIZE_DIVISOR);
    trigger.applied(entries(2, 12_000));
    expect(trigger.due()).toBeUndefined();
    trigger.applied(entries(1, 1000));
    expect(trigger.due()).toBe("bytes");
  });
});

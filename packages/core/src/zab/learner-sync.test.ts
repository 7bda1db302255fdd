/** Table test of the DIFF / TRUNC / SNAP choice (docs/protocol.md §3.2) against a memory log. */
import { describe, expect, it } from "vitest";
import type { Zxid } from "../ids.js";
import { zxid } from "../ids.js";
import { MemoryDisk } from "../sim/disk.js";
import { planSync } from "./learner-sync.js";
import { ReplicaLog } from "./replica-log.js";

function leaderLog(zxids: Zxid[], snapshotAt?: Zxid): ReplicaLog {
  const disk = new MemoryDisk();
  disk.write({ entries: zxids.map((z) => ({ zxid: z, txn: new Uint8Array([1]) })) });
  if (snapshotAt !== undefined) disk.takeSnapshot({ zxid: snapshotAt, chunks: [] });
  return new ReplicaLog(disk);
}

const history = [zxid(1, 1), zxid(1, 2), zxid(1, 3), zxid(3, 1), zxid(3, 2)];

describe("planSync", () => {
  const cases: [string, Zxid, string, Zxid | undefined][] = [
    ["learner exactly up to date: empty DIFF", zxid(3, 2), "DIFF", zxid(3, 2)],
    ["learner behind inside the log: DIFF", zxid(1, 2), "DIFF", zxid(1, 2)],
    ["empty learner, no snapshot: DIFF from 0", 0n as Zxid, "DIFF", 0n as Zxid],
    ["learner ahead (uncommitted tail): TRUNC to the leader's last", zxid(3, 5), "TRUNC", zxid(3, 2)],
    ["learner diverged in epoch 2: TRUNC to the predecessor", zxid(2, 4), "TRUNC", zxid(1, 3)],
  ];
  for (const [name, peerLast, type, at] of cases) {
    it(name, () => {
      const plan = planSync(leaderLog(history), peerLast);
      expect(plan.type).toBe(type);
      if (plan.type !== "SNAP") expect(plan.zxid).toBe(at);
    });
  }

  it("learner behind the retained log: SNAP", () => {
    const plan = planSync(leaderLog(history, zxid(1, 3)), zxid(1, 1));
    expect(plan.type).toBe("SNAP");
    if (plan.type === "SNAP") expect(plan.snapshot.zxid).toBe(zxid(1, 3));
  });

  it("learner exactly at the snapshot: DIFF", () => {
    expect(planSync(leaderLog(history, zxid(1, 3)), zxid(1, 3))).toEqual({ type: "DIFF", zxid: zxid(1, 3) });
  });
});

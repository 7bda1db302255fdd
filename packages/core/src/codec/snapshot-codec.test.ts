// Checks snapshots: write → read gives a tree with the same digest, Stats and sessions (also with
// tiny chunks, so nodes span many chunks), and corrupt, reordered or missing chunks are typed errors.
import { describe, expect, it } from "vitest";
import { KeelState } from "../app/keel-state.js";
import { create, TestDriver } from "../app/test-driver.js";
import { isKeelError } from "../errors.js";
import { treeDigest } from "../tree/digest.js";
import { readSnapshot, SnapshotReader, snapshotChunks } from "./snapshot-codec.js";

function populated(): TestDriver {
  const d = new TestDriver();
  const s = d.openSession();
  d.submit(create("/a", "persistent", "alpha"));
  d.submit(create("/a/b", "container"));
  d.submit(create("/a/b/c-", "ephemeralSequential", "x"), { sessionId: s });
  d.submit(create("/t", "ttl", "", { ttlMs: 60_000 }));
  d.submit({ type: "setData", path: "/a", data: new Uint8Array([1, 2]), version: 0 });
  for (let i = 0; i < 50; i++) d.submit(create(`/n${i}`, "persistent", "y".repeat(i)));
  return d;
}

describe("snapshot codec", () => {
  it("round-trips tree and sessions with the same digest and Stats", () => {
    const d = populated();
    const snapshot = d.state.snapshot();
    expect(snapshot.zxid).toBe(d.state.lastAppliedZxid);
    const restored = KeelState.restore(snapshot);
    if (isKeelError(restored)) throw restored;
    expect(restored.digest()).toBe(d.state.digest());
    expect(restored.lastAppliedZxid).toBe(d.state.lastAppliedZxid);
    expect(restored.get("/a")).toEqual(d.state.get("/a"));
    expect(restored.getEphemerals([...d.log][0]?.zxid as never)).toEqual(["/a/b/c-0000000000"]);
    expect(restored.sessionCount).toBe(1);
    // Housekeeping indexes came back: the restored leader can expire the TTL node later.
    restored.startLeading(0);
    expect(restored.housekeeping(10_000_000, 10).length).toBe(2); // the session and the TTL node
  });

  it("restores chunk by chunk with tiny chunks", () => {
    const d = populated();
    const tree = (d.state as unknown as { tree: Parameters<typeof snapshotChunks>[0] }).tree;
    const chunks = [...snapshotChunks(tree, 64)];
    expect(chunks.length).toBeGreaterThan(10);
    const reader = new SnapshotReader();
    for (const chunk of chunks) expect(reader.push(chunk)).toBeUndefined();
    const restored = reader.finish();
    if (isKeelError(restored)) throw restored;
    expect(treeDigest(restored.tree)).toBe(d.state.digest());
  });

  it("rejects corrupt, reordered and incomplete snapshots with MARSHALLINGERROR", () => {
    const snapshot = populated().state.snapshot();
    const flipped = snapshot.chunks.map((c, i) => (i === 1 ? c.map((b, j) => (j === 10 ? b ^ 1 : b)) : c));
    const cases = [
      { zxid: snapshot.zxid, chunks: flipped },
      { zxid: snapshot.zxid, chunks: [...snapshot.chunks].reverse() },
      { zxid: snapshot.zxid, chunks: snapshot.chunks.slice(0, -1) },
      { zxid: snapshot.zxid, chunks: [] },
      { zxid: 1n as never, chunks: snapshot.chunks },
    ];
    for (const bad of cases) {
      const result = readSnapshot(bad);
      expect(isKeelError(result) && result.code).toBe("MARSHALLINGERROR");
    }
  });
});

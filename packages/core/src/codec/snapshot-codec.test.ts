// Checks snapshots: write → read gives a tree with the same digest, Stats and sessions (also with
// tiny chunks, so nodes span many chunks), every node's fields come back exactly, format 1
// snapshots (written before format 2) still load, and corrupt, reordered or missing chunks and
// malformed format-2 records are typed errors.
import { describe, expect, it } from "vitest";
import { KeelState } from "../app/keel-state.js";
import { create, TestDriver } from "../app/test-driver.js";
import { isKeelError } from "../errors.js";
import type { Zxid } from "../ids.js";
import type { DataTree } from "../tree/data-tree.js";
import { treeDigest } from "../tree/digest.js";
import { childPath } from "../tree/path.js";
import { INLINE_DATA_BYTES_MAX } from "../tree/znode-data.js";
import { ByteWriter } from "./bytes.js";
import { crc32c } from "./crc32c.js";
import { readSnapshot, SNAPSHOT_FORMAT_VERSION, SnapshotReader, snapshotChunks } from "./snapshot-codec.js";
import { kindCode, writeAcl } from "./txn-common.js";

function populated(): TestDriver {
  const d = new TestDriver();
  const s = d.openSession();
  d.submit(create("/a", "persistent", "alpha"));
  d.submit(create("/a/b", "container"));
  d.submit(create("/a/b/c-", "ephemeralSequential", "x"), { sessionId: s });
  d.submit(create("/t", "ttl", "", { ttlMs: 60_000 }));
  d.submit({ type: "setData", path: "/a", data: new Uint8Array([1, 2]), version: 0 });
  for (let i = 0; i < 50; i++) d.submit(create(`/n${i}`, "persistent", "y".repeat(i)));
  // Every byte value, the largest inline value and the smallest stored as an array (znode-data.ts).
  const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
  d.submit({ ...create("/bin"), data: allBytes });
  d.submit({ ...create("/inline-max"), data: new Uint8Array(INLINE_DATA_BYTES_MAX).fill(0xff) });
  d.submit({ ...create("/array-min"), data: new Uint8Array(INLINE_DATA_BYTES_MAX + 1).fill(0x80) });
  const digestAcl = [{ perms: 31, scheme: "digest", id: "user:hash" }];
  d.submit({ ...create("/acl-a"), acl: digestAcl });
  d.submit({ ...create("/acl-a/under"), acl: digestAcl });
  d.submit({ type: "setACL", path: "/n3", acl: [{ perms: 1, scheme: "world", id: "anyone" }], aversion: 0 });
  d.submit(create("/n3/child"));
  return d;
}

function treeOf(state: KeelState): DataTree {
  return (state as unknown as { tree: DataTree }).tree;
}

/** Every node's path, kind, data, ACL and Stat, depth-first: what a snapshot must carry exactly. */
function nodeFields(tree: DataTree): unknown[] {
  const out: unknown[] = [];
  const walk = (path: string) => {
    const node = tree.node(path);
    if (node === undefined) return;
    out.push({ path, kind: node.kind, ttlMs: node.ttlMs, data: [...node.data], acl: node.acl, stat: node.stat() });
    for (const name of tree.childrenSorted(path) ?? []) walk(childPath(path, name));
  };
  walk("/");
  return out;
}

/** Format 1 as the previous build wrote it: every field and the full ACL in each node record. */
function formatOneChunks(tree: DataTree): Uint8Array[] {
  const seal = (writer: ByteWriter) => {
    const body = writer.finish();
    const out = new Uint8Array(body.length + 4);
    out.set(body);
    new DataView(out.buffer).setUint32(body.length, crc32c(body));
    return out;
  };
  const nodes = nodeFields(tree) as { path: string }[];
  const writer = new ByteWriter().u8(2).u32(nodes.length);
  for (const { path } of nodes) {
    const node = tree.node(path);
    if (node === undefined) throw new Error("walked a missing node");
    writer.string(path).u8(kindCode(node.kind)).bytes(node.data);
    writeAcl(writer, node.acl);
    writer.u64(node.czxid).u64(node.mzxid).u64(node.pzxid).f64(node.ctime).f64(node.mtime);
    writer.i32(node.version).i32(node.cversion).i32(node.aversion).u64(node.ephemeralOwner).f64(node.ttlMs);
  }
  const sessions = tree.sortedSessions();
  const sessionWriter = new ByteWriter().u8(3).u32(sessions.length);
  for (const s of sessions) sessionWriter.u64(s.sessionId).f64(s.timeoutMs).bytes(s.password);
  return [
    seal(new ByteWriter().u8(1).u8(1).u64(tree.lastAppliedZxid)),
    seal(writer),
    seal(sessionWriter),
    seal(new ByteWriter().u8(4).u32(nodes.length).u32(sessions.length)),
  ];
}

/** A format-2 snapshot of the root alone whose one node record is `record` (after the path). */
function formatTwoWithRoot(record: (w: ByteWriter) => void): { zxid: Zxid; chunks: Uint8Array[] } {
  const seal = (writer: ByteWriter) => {
    const body = writer.finish();
    const out = new Uint8Array(body.length + 4);
    out.set(body);
    new DataView(out.buffer).setUint32(body.length, crc32c(body));
    return out;
  };
  const nodes = new ByteWriter().u8(2).u32(1).string("/");
  record(nodes);
  return {
    zxid: 5n as Zxid,
    chunks: [seal(new ByteWriter().u8(1).u8(2).u64(5n)), seal(nodes), seal(new ByteWriter().u8(4).u32(1).u32(0))],
  };
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
    restored.startLeading(0, undefined);
    expect(restored.housekeeping(10_000_000, 10).length).toBe(2); // the session and the TTL node
  });

  it("restores every node's kind, data, ACL and Stat exactly, and writes format 3", () => {
    const d = populated();
    const snapshot = d.state.snapshot();
    expect(snapshot.chunks[0]?.[1]).toBe(SNAPSHOT_FORMAT_VERSION);
    expect(SNAPSHOT_FORMAT_VERSION).toBe(3);
    const restored = KeelState.restore(snapshot);
    if (isKeelError(restored)) throw restored;
    expect(nodeFields(treeOf(restored))).toEqual(nodeFields(treeOf(d.state)));
    // A restored tree re-snapshots to the same bytes: the format is canonical.
    expect(restored.snapshot().chunks).toEqual(snapshot.chunks);
  });

  it("still loads format 1 snapshots, to the same state", () => {
    const d = populated();
    const original = treeOf(d.state);
    const restored = readSnapshot({ zxid: original.lastAppliedZxid, chunks: formatOneChunks(original) });
    if (isKeelError(restored)) throw restored;
    expect(nodeFields(restored.tree)).toEqual(nodeFields(original));
    // Format 1 sessions carry no creation time or client address: the rest comes back.
    const [session] = restored.tree.sortedSessions();
    const [originalSession] = original.sortedSessions();
    expect(session).toEqual({
      sessionId: originalSession?.sessionId,
      timeoutMs: originalSession?.timeoutMs,
      password: originalSession?.password,
    });
  });

  it("round-trips a session's creation time and client address (format 3)", () => {
    const d = new TestDriver();
    d.submit({
      type: "createSession",
      timeoutMs: 10_000,
      password: new Uint8Array([7]),
      clientAddress: "10.0.0.9:5555",
    });
    d.openSession();
    const restored = KeelState.restore(d.state.snapshot());
    if (isKeelError(restored)) throw restored;
    const listing = restored.listSessions(10);
    expect(listing.sessions.map((s) => [s.clientAddress, typeof s.createdAtMs])).toEqual([
      ["10.0.0.9:5555", "number"],
      [undefined, "number"],
    ]);
    expect(restored.listSessions(10)).toEqual(d.state.listSessions(10));
    expect(restored.digest()).toBe(d.state.digest());
  });

  it("writes small znodes in about half the bytes of format 1", () => {
    const d = new TestDriver();
    for (let i = 0; i < 200; i++) d.submit(create(`/k${i}`, "persistent", "0123456789"));
    const tree = treeOf(d.state);
    const bytes = (chunks: Uint8Array[]) => chunks.reduce((sum, c) => sum + c.length, 0);
    const v2 = bytes([...snapshotChunks(tree)]);
    const v1 = bytes(formatOneChunks(tree));
    expect(v2).toBeLessThan(v1 * 0.6);
  });

  it.each([
    {
      case: "an ACL ref ahead of the ACLs seen",
      record: (w: ByteWriter) => w.u8(0).u8(0).u32(0).u32(1),
      message: "ACL ref 1 before ACL 0",
    },
    {
      case: "unknown node flags",
      record: (w: ByteWriter) => w.u8(0).u8(64).u32(0).u32(0).u32(0),
      message: "unknown node flags 64",
    },
  ])("rejects a format-2 record with $case", ({ record, message }) => {
    const result = readSnapshot(formatTwoWithRoot(record));
    expect(isKeelError(result) && result.code).toBe("MARSHALLINGERROR");
    expect(isKeelError(result) && result.message).toContain(message);
  });

  it("rejects a duplicate node and a node before its parent", () => {
    const d = new TestDriver();
    d.submit(create("/a"));
    d.submit(create("/a/b"));
    const tree = treeOf(d.state);
    const chunks = formatOneChunks(tree);
    // Re-encode the nodes chunk with one record repeated, and with a child before its parent.
    const orders = [
      ["/", "/a", "/a/b", "/a/b"],
      ["/", "/a/b", "/a"],
    ];
    for (const order of orders) {
      const writer = new ByteWriter().u8(2).u32(order.length);
      for (const path of order) {
        const node = tree.node(path);
        if (node === undefined) throw new Error("missing");
        writer.string(path).u8(kindCode(node.kind)).bytes(node.data);
        writeAcl(writer, node.acl);
        writer.u64(node.czxid).u64(node.mzxid).u64(node.pzxid).f64(node.ctime).f64(node.mtime);
        writer.i32(node.version).i32(node.cversion).i32(node.aversion).u64(node.ephemeralOwner).f64(node.ttlMs);
      }
      const body = writer.finish();
      const sealed = new Uint8Array(body.length + 4);
      sealed.set(body);
      new DataView(sealed.buffer).setUint32(body.length, crc32c(body));
      const result = readSnapshot({ zxid: tree.lastAppliedZxid, chunks: [chunks[0] as Uint8Array, sealed] });
      expect(isKeelError(result) && result.message).toMatch(/out of order/);
    }
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

// A snapshot written from a capture while txns keep applying equals the snapshot taken at the
// capture's zxid, byte for byte: creates, deletes, re-creates, data and ACL changes, ephemerals
// and sessions after the capture are invisible to it; the capture stops copying once released.
import { describe, expect, it } from "vitest";
import { create, TestDriver } from "../app/test-driver.js";
import { OPEN_ACL_UNSAFE, PERMS } from "./acl.js";

const enc = (s: string) => new TextEncoder().encode(s);

function populated(): TestDriver {
  const d = new TestDriver();
  for (let i = 0; i < 30; i++) d.submit(create(`/n${i}`, "persistent", `v${i}`));
  for (let i = 0; i < 10; i++) d.submit(create(`/n3/c${i}`, "persistent", `c${i}`));
  const session = d.openSession();
  d.submit(create("/eph", "ephemeral", "e"), { sessionId: session });
  return d;
}

describe("TreeCapture", () => {
  it("serializes the state at its zxid while later txns apply, chunk by chunk in between", () => {
    const d = populated();
    const expected = [...d.state.snapshotChunks(64)]; // consumed at once, before any apply
    const zxidAtCapture = d.state.lastAppliedZxid;
    const progress = d.state.snapshotInBackground(64);
    expect(progress.zxid).toBe(zxidAtCapture);
    const chunks: Uint8Array[] = [];
    const step = () => {
      const next = progress.chunks.next();
      if (!next.done) chunks.push(next.value);
      return next.done !== true;
    };
    step();
    d.submit(create("/new", "persistent", "x"));
    d.submit({ type: "delete", path: "/n7", version: -1 });
    step();
    d.submit({ type: "setData", path: "/n3/c4", data: enc("changed"), version: -1 });
    d.submit({
      type: "setACL",
      path: "/n12",
      acl: [{ perms: PERMS.READ, scheme: "world", id: "anyone" }],
      aversion: -1,
    });
    d.submit({ type: "delete", path: "/n20", version: -1 });
    d.submit(create("/n20", "persistent", "reborn"));
    d.submit(create("/n3/c99", "persistent", "late child"));
    d.openSession();
    step();
    d.submit({ type: "delete", path: "/n3/c0", version: -1 });
    d.submit(create("/n0/deep", "persistent", "", { acl: OPEN_ACL_UNSAFE }));
    while (step()) d.submit(create(`/more${chunks.length}`, "persistent", "y"));
    progress.release();
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks).toEqual(expected);
    expect(d.state.lastAppliedZxid > zxidAtCapture).toBe(true);
    // And the live tree did change: a snapshot now differs.
    expect([...d.state.snapshotChunks(64)]).not.toEqual(expected);
  });

  it("keeps pre-images only while held", () => {
    const d = populated();
    const tree = (
      d.state as unknown as { tree: { captureCount: number; capture(): { preservedCount: number; release(): void } } }
    ).tree;
    const capture = tree.capture();
    d.submit({ type: "setData", path: "/n1", data: enc("a"), version: -1 });
    d.submit({ type: "setData", path: "/n1", data: enc("b"), version: -1 });
    expect(capture.preservedCount).toBe(1);
    capture.release();
    expect(tree.captureCount).toBe(0);
    d.submit({ type: "setData", path: "/n2", data: enc("c"), version: -1 });
    expect(capture.preservedCount).toBe(1);
  });
});

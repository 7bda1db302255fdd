/**
 * The SDK over the server's deletion causes and Progress notifications (docs/api.md): a
 * force-released lock holder learns who released it and why, NodeDeleted carries sessionClosed,
 * and Progress moves a watch's resume point.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { LockLostError, type WatchEvent } from "./index.js";
import { eventually, Harness } from "./test/harness.js";

let harness: Harness;
beforeAll(async () => {
  harness = await Harness.start({ serverArgs: ["--watch-progress-ms", "300"] });
});
afterAll(async () => {
  await harness?.close();
});

it("a lock holder whose node is force-released learns who released it and why", async () => {
  const holder = await harness.client();
  const operator = await harness.client();
  const lease = await holder.lock("forced").acquire();
  await operator.delete(lease.path, { forceRelease: "holder hung, released by on-call" });
  await eventually(() => lease.signal.aborted, "the lost signal");
  const reason = lease.signal.reason as LockLostError;
  expect(reason).toBeInstanceOf(LockLostError);
  expect(reason.message).toContain("force-released");
  expect(reason.message).toContain("holder hung, released by on-call");
  expect(reason.message).toContain(operator.sessionId);
});

it("NodeDeleted events carry the cause: an expired owner's ephemeral", async () => {
  const watcher = await harness.client();
  const owner = await harness.client();
  await owner.create("/cause-eph", "", { kind: "ephemeral" });
  const watch = watcher.watch("/cause-eph", { mode: "persistent" });
  await watch.ready;
  const ownerSession = owner.sessionId;
  await owner.close();
  let deleted: WatchEvent | undefined;
  for await (const event of watch) {
    if (event.type === "NodeDeleted") {
      deleted = event;
      break;
    }
  }
  expect(deleted?.cause).toEqual({ kind: "sessionClosed", sessionId: ownerSession });
});

it("Progress notifications move an idle watch's resume point and are yielded only when asked", async () => {
  const keel = await harness.client();
  const writer = await harness.client();
  await writer.create("/idle", "");
  await writer.create("/elsewhere", "");
  // The watcher has seen /idle; later writes elsewhere move the server on without touching it.
  expect(await keel.exists("/idle", { linearizable: true })).not.toBeNull();
  for (let index = 0; index < 3; index++) await writer.set("/elsewhere", String(index));
  const quiet = keel.watch("/idle", { mode: "persistent" });
  const chatty = keel.watch("/idle", { mode: "persistent", progress: true });
  const startedAt = chatty.afterZxid;
  const first = await chatty.next();
  expect(first.value?.type).toBe("Progress");
  expect(BigInt(first.value?.zxid ?? "0")).toBeGreaterThanOrEqual(BigInt(startedAt));
  await eventually(
    () => BigInt(quiet.afterZxid) > BigInt(startedAt) || BigInt(chatty.afterZxid) > BigInt(startedAt),
    "the resume point to move",
  );
  // The quiet watch yields the next real event, not the Progress before it.
  await writer.set("/idle", "changed");
  const real = await quiet.next();
  expect(real.value?.type).toBe("NodeDataChanged");
  quiet.close();
  chatty.close();
});

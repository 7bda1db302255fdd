/**
 * The client at the servers' limits, on an ensemble with small ones so tests cross them cheaply:
 * - the message cap (256 KiB here): the server closes a socket that sends a bigger message, and
 *   tRPC's wsLink packs every call queued in one tick into one message;
 * - the watch history (50 txns here): a stream resumed from a zxid older than that fails, and a
 *   long-held lock must not mistake that for losing its node.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import WebSocket from "ws";
import { BadArgumentsError, WatchResumeError } from "./index.js";
import { eventually, Harness } from "./test/harness.js";

const CAP = 256 * 1024;
const HISTORY = 50;
let harness: Harness;
beforeAll(async () => {
  harness = await Harness.start({
    serverArgs: [
      "--request-bytes-max",
      String(CAP),
      "--data-bytes-max",
      String(64 * 1024),
      "--history-txns-max",
      String(HISTORY),
    ],
  });
});
afterAll(async () => {
  await harness?.close();
});

it("the cap is real: one message over it gets the socket closed (what the SDK must avoid)", async () => {
  const socket = new WebSocket(harness.url(1).replace("http", "ws"));
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  const data = "x".repeat(100_000);
  const batch = [1, 2, 3].map((id) => ({
    id,
    method: "mutation",
    params: { path: "node.create", input: { path: `/raw${id}`, data } },
  }));
  const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
  socket.send(JSON.stringify(batch));
  expect(await closed).toBe(1009); // "message too big"
});

it("splits a burst of large concurrent writes into messages under the cap, on one socket", async () => {
  const keel = await harness.client({ requestBytesMax: CAP });
  const member = keel.member;
  await keel.create("/burst", "");
  // 10 writes of 60 KB queued in one tick: one ~600 KB message unsplit.
  const data = "y".repeat(60_000);
  const results = await Promise.all(Array.from({ length: 10 }, (_, index) => keel.create(`/burst/n${index}`, data)));
  expect(results.map((result) => result.stat.dataLength)).toEqual(Array(10).fill(60_000));
  expect(keel.member).toBe(member);
  expect(keel.state.name).toBe("connected");
  expect(await keel.children("/burst")).toHaveLength(10);
});

it("refuses a single call over the cap before sending, and the connection lives on", async () => {
  const keel = await harness.client({ requestBytesMax: CAP });
  const member = keel.member;
  await expect(keel.create("/too-large", "z".repeat(CAP))).rejects.toBeInstanceOf(BadArgumentsError);
  expect(keel.member).toBe(member);
  expect(await keel.exists("/too-large")).toBeNull();
});

it("a watch resumed from a zxid that left the history fails with WatchResumeError", async () => {
  const keel = await harness.client();
  const old = keel.lastZxidSeen;
  await keel.create("/churn", "");
  for (let index = 0; index < HISTORY + 10; index++) await keel.set("/churn", String(index));
  const watch = keel.watch("/churn", { mode: "persistent", afterZxid: old });
  await expect(watch.next()).rejects.toBeInstanceOf(WatchResumeError);
});

it("a lock held past the history survives a failover: its node is checked, not presumed lost", async () => {
  const holder = await harness.client({ sessionTimeoutMs: 6000 });
  const writer = await harness.client();
  const lease = await holder.lock("long-held").acquire();
  await writer.create("/churn2", "");
  for (let index = 0; index < HISTORY + 10; index++) await writer.set("/churn2", String(index));
  const states: string[] = [];
  holder.onStateChange((state) => states.push(state.name));
  const member = harness.memberIdOf(holder.member);
  await harness.ensemble.kill(member);
  await eventually(() => states.includes("disconnected"), "the disconnect");
  await eventually(() => holder.state.name === "connected", "the reconnect");
  // The lease's watch resumed from its czxid, which left the history; it must still hold.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(lease.held).toBe(true);
  // And it still watches: an operator's delete is noticed.
  await writer.delete(lease.path);
  await eventually(() => lease.signal.aborted, "the lost signal after the delete");
  harness.ensemble.startMember(member);
  await harness.ensemble.waitForLeader();
});

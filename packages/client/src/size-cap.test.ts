/**
 * The server caps one WebSocket message at its requestBytesMax and closes a socket that sends a
 * bigger one; tRPC's wsLink packs every call queued in one tick into one message. These tests run
 * an ensemble with a small cap (256 KiB) so that a modest burst crosses it.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import WebSocket from "ws";
import { BadArgumentsError } from "./index.js";
import { Harness } from "./test/harness.js";

const CAP = 256 * 1024;
let harness: Harness;
beforeAll(async () => {
  harness = await Harness.start({
    serverArgs: ["--request-bytes-max", String(CAP), "--data-bytes-max", String(64 * 1024)],
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

/**
 * Watch streams over WebSocket against a real ensemble: a persistent recursive watch delivers
 * every change in zxid order; a stream resumed from the last zxid it saw receives every later
 * event exactly once and in order, even for changes made while it was disconnected; a one-shot
 * data watch fires once; and resuming from a zxid that has left the history fails clearly.
 */
import type { WatchEventView } from "@keel/api";
import { Ensemble, httpClient, wsClient } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOnce, eventually } from "./helpers.js";

let ensemble: Ensemble;
beforeAll(async () => {
  // A short history, so that resuming from an old zxid is certain to be refused below.
  ensemble = await Ensemble.start({ voters: 3, serverArgs: ["--history-txns-max", "40"] });
  await ensemble.waitForLeader();
});
afterAll(async () => {
  await ensemble?.close();
});

function collect(url: string, input: { path: string; mode: "persistent_recursive" | "data"; afterZxid?: string }) {
  const ws = wsClient(url);
  const events: WatchEventView[] = [];
  const errors: unknown[] = [];
  let completed = false;
  const subscription = ws.client.watch.events.subscribe(input, {
    // Progress events (an idle stream's heartbeat) are checked in watch-causes.test.ts; ignored here.
    onData: (tracked) => {
      if (tracked.data.type !== "Progress") events.push(tracked.data);
    },
    onError: (error) => errors.push(error),
    onComplete: () => {
      completed = true;
    },
  });
  return {
    events,
    errors,
    isCompleted: () => completed,
    stop: async () => {
      subscription.unsubscribe();
      await ws.close();
    },
  };
}

describe("watch streams", () => {
  it("a resumed stream misses nothing and repeats nothing", async () => {
    const url = ensemble.members[0]?.clientUrl as string;
    const writer = httpClient(ensemble.members[1]?.clientUrl as string);
    await createOnce(writer, { path: "/w" });

    const first = collect(url, { path: "/w", mode: "persistent_recursive" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let i = 0; i < 5; i++) await writer.node.create.mutate({ path: `/w/a${i}` });
    await eventually(async () => first.events.length === 5, 10_000, "5 events");
    await first.stop();
    const lastSeen = first.events.at(-1)?.zxid as string;

    // While disconnected: more changes.
    for (let i = 0; i < 5; i++) await writer.node.set.mutate({ path: `/w/a${i}`, data: "changed" });
    await writer.node.delete.mutate({ path: "/w/a0" });

    const resumed = collect(url, { path: "/w", mode: "persistent_recursive", afterZxid: lastSeen });
    await writer.node.create.mutate({ path: "/w/live" });
    await eventually(async () => resumed.events.length === 7, 10_000, "7 resumed events");
    await resumed.stop();

    const all = [...first.events, ...resumed.events];
    expect(all.map((e) => `${e.type} ${e.path}`)).toEqual([
      ...[0, 1, 2, 3, 4].map((i) => `NodeCreated /w/a${i}`),
      ...[0, 1, 2, 3, 4].map((i) => `NodeDataChanged /w/a${i}`),
      "NodeDeleted /w/a0",
      "NodeCreated /w/live",
    ]);
    const zxids = all.map((e) => BigInt(e.zxid));
    for (let i = 1; i < zxids.length; i++) expect((zxids[i] as bigint) > (zxids[i - 1] as bigint)).toBe(true);
  });

  it("a one-shot data watch fires once and ends", async () => {
    const writer = httpClient(ensemble.members[2]?.clientUrl as string);
    await createOnce(writer, { path: "/once", data: "0" });
    const watch = collect(ensemble.members[2]?.clientUrl as string, { path: "/once", mode: "data" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await writer.node.set.mutate({ path: "/once", data: "1" });
    await writer.node.set.mutate({ path: "/once", data: "2" });
    await eventually(async () => watch.isCompleted(), 10_000, "the one-shot watch to complete");
    expect(watch.events.map((e) => e.type)).toEqual(["NodeDataChanged"]);
    await watch.stop();
  });

  it("resuming from a zxid older than the history fails with a clear error", async () => {
    const url = ensemble.members[0]?.clientUrl as string;
    const writer = httpClient(url);
    const first = await createOnce(writer, { path: "/old" });
    for (let i = 0; i < 60; i++) await writer.node.set.mutate({ path: "/old", data: String(i) });
    const watch = collect(url, { path: "/", mode: "persistent_recursive", afterZxid: first.stat.czxid });
    await eventually(async () => watch.errors.length > 0, 10_000, "the stream to be refused");
    expect(String(watch.errors[0])).toMatch(/left this server's history/);
    expect(watch.events).toEqual([]);
    await watch.stop();
  });
});

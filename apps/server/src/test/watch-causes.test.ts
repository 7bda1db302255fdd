/**
 * Issue 17's server additions on a real ensemble:
 * - every kind of deletion (explicit delete with and without a session, operator force-release,
 *   session close, session expiry, container clean-up, TTL expiry) reaches watchers as NodeDeleted
 *   with its cause, the same cause on two different members and on a stream resumed from history;
 * - an idle stream gets Progress events whose zxid advances after an unrelated write, and a stream
 *   resumed from a Progress zxid neither misses nor repeats an event;
 * - session.list lists live sessions with their timeout and ephemeral count, bounded by `limit`.
 * Streams are known to be registered once they have sent a Progress, so no test sleeps for it.
 */
import type { DeleteCauseView, WatchEventView } from "@keel/api";
import { Ensemble, httpClient, type KeelHttpClient, wsClient } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, retry } from "./helpers.js";

const PROGRESS_MS = 250;

let ensemble: Ensemble;
beforeAll(async () => {
  ensemble = await Ensemble.start({ voters: 3, serverArgs: ["--watch-progress-ms", String(PROGRESS_MS)] });
  await ensemble.waitForLeader();
});
afterAll(async () => {
  await ensemble?.close();
});

function member(index: number): string {
  return ensemble.members[index]?.clientUrl as string;
}

type Mode = "persistent" | "persistent_recursive";

function collect(url: string, input: { path: string; mode: Mode; afterZxid?: string }) {
  const ws = wsClient(url);
  const events: WatchEventView[] = [];
  const errors: unknown[] = [];
  const subscription = ws.client.watch.events.subscribe(input, {
    onData: (tracked) => events.push(tracked.data),
    onError: (error) => errors.push(error),
  });
  const changes = () => events.filter((e) => e.type !== "Progress");
  const progress = () => events.filter((e) => e.type === "Progress");
  return {
    events,
    errors,
    changes,
    progress,
    /** Resolves once the stream has sent a Progress: its watch is registered and it is current. */
    ready: () => eventually(async () => progress().length > 0, 15_000, "a first Progress event"),
    stop: async () => {
      subscription.unsubscribe();
      await ws.close();
    },
  };
}

async function openSession(client: KeelHttpClient, timeoutMs: number) {
  const session = await retry(() => client.session.open.mutate({ timeoutMs }));
  return { sessionId: session.sessionId, secret: session.secret };
}

function causesByPath(events: readonly WatchEventView[]): Record<string, DeleteCauseView | undefined> {
  return Object.fromEntries(events.filter((e) => e.type === "NodeDeleted").map((e) => [e.path, e.cause]));
}

describe("deletion causes", () => {
  it("every kind of deletion carries its cause, the same on two members and after a resume", async () => {
    const client = httpClient(member(1));
    await client.node.create.mutate({ path: "/causes" });
    const start = (await client.node.sync.mutate({ path: "/" })).zxid;
    const onZero = collect(member(0), { path: "/causes", mode: "persistent_recursive" });
    const onTwo = collect(member(2), { path: "/causes", mode: "persistent_recursive" });
    await Promise.all([onZero.ready(), onTwo.ready()]);

    const deleter = await openSession(client, 30_000);
    const operator = await openSession(client, 30_000);
    const closer = await openSession(client, 30_000);
    const expiring = await openSession(client, 2_000); // never kept alive: the leader expires it

    await client.node.create.mutate({ path: "/causes/explicit" });
    await client.node.delete.mutate({ path: "/causes/explicit", session: deleter });
    await client.node.create.mutate({ path: "/causes/plain" });
    await client.node.delete.mutate({ path: "/causes/plain" });
    await client.node.create.mutate({ path: "/causes/held", kind: "ephemeral", session: deleter });
    await client.node.delete.mutate({
      path: "/causes/held",
      session: operator,
      forceRelease: { reason: "holder hung; released by on-call" },
    });
    await client.node.create.mutate({ path: "/causes/closed", kind: "ephemeral", session: closer });
    await client.session.close.mutate(closer);
    await client.node.create.mutate({ path: "/causes/expired", kind: "ephemeral", session: expiring });
    await client.node.create.mutate({ path: "/causes/box", kind: "container" });
    await client.node.create.mutate({ path: "/causes/box/item" });
    await client.node.delete.mutate({ path: "/causes/box/item", session: deleter });
    await client.node.create.mutate({ path: "/causes/ttl", kind: "ttl", ttlMs: 300 });

    const expected: Record<string, DeleteCauseView> = {
      "/causes/explicit": { kind: "delete", sessionId: deleter.sessionId },
      "/causes/plain": { kind: "delete", sessionId: "0" },
      "/causes/held": {
        kind: "forceRelease",
        sessionId: operator.sessionId,
        reason: "holder hung; released by on-call",
      },
      "/causes/closed": { kind: "sessionClosed", sessionId: closer.sessionId },
      "/causes/expired": { kind: "sessionExpired", sessionId: expiring.sessionId },
      "/causes/box/item": { kind: "delete", sessionId: deleter.sessionId },
      "/causes/box": { kind: "containerEmpty" },
      "/causes/ttl": { kind: "ttlExpired" },
    };
    const all = Object.keys(expected).length;
    for (const stream of [onZero, onTwo]) {
      await eventually(async () => Object.keys(causesByPath(stream.events)).length === all, 30_000, "every deletion");
    }
    expect(causesByPath(onZero.events)).toEqual(expected);
    expect(onTwo.changes()).toEqual(onZero.changes());
    for (const event of onZero.changes()) if (event.type !== "NodeDeleted") expect(event.cause).toBeUndefined();
    await Promise.all([onZero.stop(), onTwo.stop()]);

    // A third member replays the same history to a resumed stream: the very same events and causes.
    const resumed = collect(member(1), { path: "/causes", mode: "persistent_recursive", afterZxid: start });
    await eventually(async () => resumed.changes().length === onZero.changes().length, 15_000, "the replay");
    expect(resumed.changes()).toEqual(onZero.changes());
    await resumed.stop();
  });
});

describe("progress notifications", () => {
  it("an idle stream gets Progress whose zxid advances after an unrelated write", async () => {
    const stream = collect(member(0), { path: "/quiet", mode: "persistent" });
    await stream.ready();
    const first = BigInt(stream.progress()[0]?.zxid as string);
    expect(stream.progress()[0]?.path).toBe("/quiet");

    const { stat } = await httpClient(member(1)).node.create.mutate({ path: "/unrelated" });
    const written = BigInt(stat.czxid);
    expect(written > first).toBe(true);
    await eventually(
      async () => stream.progress().some((p) => BigInt(p.zxid) >= written),
      15_000,
      "a Progress at or after the unrelated write",
    );
    expect(stream.changes()).toEqual([]);
    const zxids = stream.progress().map((p) => BigInt(p.zxid));
    for (let i = 1; i < zxids.length; i++) expect((zxids[i] as bigint) >= (zxids[i - 1] as bigint)).toBe(true);
    expect(stream.errors).toEqual([]);
    await stream.stop();
  });

  it("a stream resumed from a Progress zxid neither misses nor repeats an event", async () => {
    const writer = httpClient(member(2));
    const first = collect(member(0), { path: "/resume-p", mode: "persistent_recursive" });
    await first.ready();
    const created = await writer.node.create.mutate({ path: "/resume-p" });
    await writer.node.create.mutate({ path: "/resume-p/a" });
    const lastWrite = BigInt((await writer.node.set.mutate({ path: "/resume-p/a", data: "1" })).stat.mzxid);
    // Wait for a Progress that covers every write so far, then cut the stream there.
    await eventually(
      async () => first.progress().some((p) => BigInt(p.zxid) >= lastWrite),
      15_000,
      "a Progress covering the writes",
    );
    await first.stop();
    const lastProgress = first.progress().at(-1)?.zxid as string;
    const before = first.changes().filter((e) => BigInt(e.zxid) <= BigInt(lastProgress));

    // While no stream is open: more changes, then resume after the Progress zxid.
    await writer.node.set.mutate({ path: "/resume-p/a", data: "2" });
    await writer.node.delete.mutate({ path: "/resume-p/a" });
    const resumed = collect(member(1), { path: "/resume-p", mode: "persistent_recursive", afterZxid: lastProgress });
    await writer.node.create.mutate({ path: "/resume-p/live" });
    await eventually(async () => resumed.changes().length === 3, 15_000, "3 resumed events");

    const all = [...before, ...resumed.changes()];
    expect(all.map((e) => `${e.type} ${e.path}`)).toEqual([
      "NodeCreated /resume-p",
      "NodeCreated /resume-p/a",
      "NodeDataChanged /resume-p/a",
      "NodeDataChanged /resume-p/a",
      "NodeDeleted /resume-p/a",
      "NodeCreated /resume-p/live",
    ]);
    expect(all[0]?.zxid).toBe(created.stat.czxid);
    const zxids = all.map((e) => BigInt(e.zxid));
    for (let i = 1; i < zxids.length; i++) expect((zxids[i] as bigint) > (zxids[i - 1] as bigint)).toBe(true);
    await resumed.stop();
  });
});

describe("session.list", () => {
  it("lists live sessions with their timeout and ephemeral count, bounded by limit", async () => {
    const client = httpClient(member(0));
    const one = await openSession(client, 20_000);
    const two = await openSession(client, 30_000);
    await client.node.create.mutate({ path: "/listed-1", kind: "ephemeral", session: one });
    await client.node.create.mutate({ path: "/listed-2", kind: "ephemeral", session: one });
    await client.node.create.mutate({ path: "/listed-3", kind: "ephemeral", session: two });

    const reader = httpClient(member(2));
    await reader.node.sync.mutate({ path: "/" });
    const listing = await reader.session.list.query();
    expect(listing.truncated).toBe(false);
    expect(listing.sessions).toContainEqual(
      expect.objectContaining({ sessionId: one.sessionId, timeoutMs: 20_000, ephemerals: 2 }),
    );
    expect(listing.sessions).toContainEqual(
      expect.objectContaining({ sessionId: two.sessionId, timeoutMs: 30_000, ephemerals: 1 }),
    );
    const ids = listing.sessions.map((s) => BigInt(s.sessionId));
    for (let i = 1; i < ids.length; i++) expect((ids[i] as bigint) > (ids[i - 1] as bigint)).toBe(true);

    const first = await reader.session.list.query({ limit: 1 });
    expect(first.sessions).toEqual(listing.sessions.slice(0, 1));
    expect(first.truncated).toBe(true);

    await client.session.close.mutate(one);
    await reader.node.sync.mutate({ path: "/" });
    const after = await reader.session.list.query();
    expect(after.sessions.map((s) => s.sessionId)).not.toContain(one.sessionId);
  });
});

/**
 * The console's procedures on a real 3-member ensemble (docs/api.md, "Console procedures"):
 * - node.get reports each node kind (sequential variants by their suffix) and a TTL node's ttlMs;
 * - node.find matches by name and by content under a path, within its bounds;
 * - session.list shows where and when a session was opened, and the member holding its attach
 *   stream shows the attachment with its watch streams; session.expire ends a session as expiry
 *   does (ephemerals deleted with cause sessionExpired, the attach stream told "expired");
 * - log.events replays then goes live with no gap or duplicate, filters by path, resumes after a
 *   zxid, and fails typed for a zxid that left the history;
 * - cluster.metrics counts grow with requests; cluster.events shows the learners on the leader
 *   and, after the leader is killed, a new leader and the leader change.
 * Every wait polls a condition; streams are known to be live once they delivered something.
 */
import type { LogEntryView, MemberStatusView, MetricsSampleView, WatchEventView } from "@keel/api";
import { Ensemble, httpClient, type KeelHttpClient, wsClient } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, expectKeelError, retry } from "./helpers.js";

const HISTORY_TXNS = 300;

let ensemble: Ensemble;
beforeAll(async () => {
  ensemble = await Ensemble.start({ voters: 3, serverArgs: ["--history-txns-max", String(HISTORY_TXNS)] });
  await ensemble.waitForLeader();
});
afterAll(async () => {
  await ensemble?.close();
});

function member(index: number): string {
  return ensemble.members[index]?.clientUrl as string;
}

async function openSession(client: KeelHttpClient, timeoutMs = 30_000) {
  const session = await retry(() => client.session.open.mutate({ timeoutMs }));
  return { sessionId: session.sessionId, secret: session.secret };
}

/** Subscribes to log.events and collects entries and errors. */
function followLog(url: string, input: { afterZxid?: string; backlog?: number; pathPrefix?: string }) {
  const ws = wsClient(url);
  const entries: LogEntryView[] = [];
  const errors: unknown[] = [];
  const subscription = ws.client.log.events.subscribe(input, {
    onData: (tracked) => entries.push(tracked.data),
    onError: (error) => errors.push(error),
  });
  return {
    entries,
    errors,
    stop: async () => {
      subscription.unsubscribe();
      await ws.close();
    },
  };
}

describe("node.get kinds", () => {
  it("reports every create mode, and a TTL node's ttlMs", async () => {
    const client = httpClient(member(0));
    const session = await openSession(client);
    await client.node.create.mutate({ path: "/kinds" });
    const cases = [
      { kind: "persistent", path: "/kinds/p" },
      { kind: "persistent_sequential", path: "/kinds/ps-" },
      { kind: "ephemeral", path: "/kinds/e", session },
      { kind: "ephemeral_sequential", path: "/kinds/es-", session },
      { kind: "container", path: "/kinds/c" },
      { kind: "ttl", path: "/kinds/t", ttlMs: 600_000 },
      { kind: "ttl_sequential", path: "/kinds/ts-", ttlMs: 600_000 },
    ] as const;
    for (const { kind, ...input } of cases) {
      const created = await client.node.create.mutate({ kind, ...input });
      const node = await client.node.get.query({ path: created.path });
      expect(node.kind, created.path).toBe(kind);
      expect(node.ttlMs, created.path).toBe(kind.startsWith("ttl") ? 600_000 : undefined);
    }
  });
});

describe("node.find", () => {
  it("finds by name prefix and by content under a path, sorted, within its limit", async () => {
    const client = httpClient(member(1));
    await client.node.create.mutate({ path: "/find" });
    await client.node.create.mutate({ path: "/find/a1", data: "hello" });
    await client.node.create.mutate({ path: "/find/a2", data: "world" });
    await client.node.create.mutate({ path: "/find/b" });
    await client.node.create.mutate({ path: "/find/b/a3", data: "hello world" });
    await client.node.create.mutate({ path: "/find-not-under", data: "hello" });
    const paths = async (input: { namePrefix?: string; contains?: string; limit?: number }) =>
      (await client.node.find.query({ path: "/find", ...input })).matches.map((m) => m.path);
    expect(await paths({ namePrefix: "a" })).toEqual(["/find/a1", "/find/a2", "/find/b/a3"]);
    expect(await paths({ contains: "hello" })).toEqual(["/find/a1", "/find/b/a3"]);
    expect(await paths({ namePrefix: "a", contains: "world" })).toEqual(["/find/a2", "/find/b/a3"]);
    const limited = await client.node.find.query({ path: "/find", limit: 2 });
    expect(limited.matches).toHaveLength(2);
    expect(limited.truncated).toBe(true);
    const all = await client.node.find.query({ path: "/find" });
    expect(all).toMatchObject({ scanned: 5, truncated: false });
    await expectKeelError(client.node.find.query({ path: "/find/missing" }), "NONODE");
  });
});

describe("sessions", () => {
  it("lists where and when a session was opened, and its attachment on the member holding it", async () => {
    const http = httpClient(member(0));
    const before = Date.now();
    const session = await openSession(http);
    const after = Date.now();
    const listed = async (index: number) => {
      const { sessions } = await httpClient(member(index)).session.list.query({});
      return sessions.find((s) => s.sessionId === session.sessionId);
    };
    const summary = await listed(0);
    expect(summary?.clientAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(summary?.createdAtMs).toBeGreaterThanOrEqual(before - 1000);
    expect(summary?.createdAtMs).toBeLessThanOrEqual(after + 1000);
    expect(summary?.attached).toBeNull();

    const ws = wsClient(member(0));
    const attach = ws.client.session.attach.subscribe({ ...session, lastZxidSeen: "0" }, { onData: () => {} });
    const watch = ws.client.watch.events.subscribe({ path: "/", mode: "persistent" }, { onData: () => {} });
    await eventually(async () => (await listed(0))?.attached?.watches === 1, 15_000, "the attachment with a watch");
    const attached = (await listed(0))?.attached;
    expect(attached?.serverId).toBe(ensemble.members[0]?.id);
    expect(attached?.clientAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(attached?.lastHeartbeatMs).toBeGreaterThanOrEqual(attached?.sinceMs ?? Number.POSITIVE_INFINITY);
    // Only the member holding the connection knows of it; every member knows the replicated fields.
    await eventually(async () => (await listed(1)) !== undefined, 15_000, "the session on member 1");
    expect((await listed(1))?.attached).toBeNull();
    expect((await listed(1))?.clientAddress).toBe(summary?.clientAddress);
    watch.unsubscribe();
    attach.unsubscribe();
    await ws.close();
    await eventually(async () => (await listed(0))?.attached === null, 15_000, "the attachment gone");
  });

  it("session.expire deletes the ephemerals with cause sessionExpired and tells the attach stream", async () => {
    const http = httpClient(member(1));
    const session = await openSession(http);
    await http.node.create.mutate({ path: "/expire" });
    await http.node.create.mutate({ path: "/expire/e", kind: "ephemeral", session });
    const ws = wsClient(member(1));
    const sessionEvents: string[] = [];
    const watchEvents: WatchEventView[] = [];
    const attach = ws.client.session.attach.subscribe(
      { ...session, lastZxidSeen: "0" },
      { onData: (event) => sessionEvents.push(event.type) },
    );
    const watch = ws.client.watch.events.subscribe(
      { path: "/expire", mode: "persistent_recursive" },
      { onData: (tracked) => watchEvents.push(tracked.data) },
    );
    await eventually(async () => sessionEvents.includes("attached"), 15_000, "attached");
    // The watch is registered once a write under it reaches the stream.
    await http.node.create.mutate({ path: "/expire/marker" });
    await eventually(async () => watchEvents.some((e) => e.path === "/expire/marker"), 15_000, "the marker event");

    // An operator lists the session's ephemerals by id alone (no secret), on any member.
    await http.node.create.mutate({ path: "/expire/f", kind: "ephemeral", session });
    await expect(
      httpClient(member(2)).session.ephemerals.query({ sessionId: session.sessionId, limit: 1 }),
    ).resolves.toEqual({ paths: ["/expire/e"], truncated: true });
    await eventually(
      async () => {
        const listed = await httpClient(member(2)).session.ephemerals.query({ sessionId: session.sessionId });
        return listed.paths.join() === "/expire/e,/expire/f" && !listed.truncated;
      },
      15_000,
      "both ephemerals listed by a follower",
    );
    const feed = followLog(member(0), { afterZxid: (await http.node.sync.mutate({ path: "/" })).zxid });
    await expect(httpClient(member(2)).session.expire.mutate({ sessionId: session.sessionId })).resolves.toEqual({
      expired: true,
    });
    await eventually(async () => sessionEvents.includes("expired"), 15_000, "the expired event");
    await eventually(
      async () => watchEvents.some((e) => e.type === "NodeDeleted" && e.path === "/expire/e"),
      15_000,
      "the ephemeral's deletion",
    );
    const deleted = watchEvents.find((e) => e.type === "NodeDeleted" && e.path === "/expire/e");
    expect(deleted?.cause).toEqual({ kind: "sessionExpired", sessionId: session.sessionId });
    const { sessions } = await http.session.list.query({});
    expect(sessions.map((s) => s.sessionId)).not.toContain(session.sessionId);
    await expectKeelError(http.session.expire.mutate({ sessionId: session.sessionId }), "SESSIONEXPIRED");
    await expectKeelError(http.session.ephemerals.query({ sessionId: session.sessionId }), "SESSIONEXPIRED");
    await eventually(async () => feed.entries.some((e) => e.op === "expireSession"), 15_000, "the log entry");
    const expiry = feed.entries.find((e) => e.op === "expireSession");
    expect(expiry).toMatchObject({ sessionId: session.sessionId, result: "ok" });
    expect([...(expiry?.paths ?? [])].sort()).toEqual(["/expire/e", "/expire/f"]);
    expect(expiry?.causes).toEqual([
      { kind: "sessionExpired", sessionId: session.sessionId },
      { kind: "sessionExpired", sessionId: session.sessionId },
    ]);
    await feed.stop();
    watch.unsubscribe();
    attach.unsubscribe();
    await ws.close();
  });
});

describe("log.events", () => {
  it("replays after a zxid then goes live, with no gap or duplicate, only under the prefix", async () => {
    const client = httpClient(member(0));
    await client.node.create.mutate({ path: "/log" });
    const start = (await client.node.sync.mutate({ path: "/" })).zxid;
    const session = await openSession(client);
    const address = (await client.session.list.query({})).sessions.find(
      (s) => s.sessionId === session.sessionId,
    )?.clientAddress;
    // Writes before the subscription (replayed) and during it (live): 40 under /log, 10 elsewhere.
    const write = async (i: number) => {
      await client.node.create.mutate({ path: `/log/n${i}`, data: String(i), session });
      if (i % 4 === 0) await client.node.create.mutate({ path: `/log-other-${i}` });
    };
    for (let i = 0; i < 20; i++) await write(i);
    const feed = followLog(member(2), { afterZxid: start, pathPrefix: "/log" });
    await Promise.all(Array.from({ length: 20 }, (_, k) => write(20 + k)));
    await client.node.delete.mutate({ path: "/log/n0", session });
    await eventually(async () => feed.entries.length >= 41, 15_000, "41 entries under /log");

    const zxids = feed.entries.map((e) => BigInt(e.zxid));
    expect(zxids.every((z, i) => i === 0 || z > (zxids[i - 1] as bigint))).toBe(true);
    expect(feed.entries.every((e) => e.paths.every((p) => p.startsWith("/log/")))).toBe(true);
    const created = feed.entries.filter((e) => e.op === "create").map((e) => e.paths[0]);
    expect(new Set(created)).toEqual(new Set(Array.from({ length: 40 }, (_, i) => `/log/n${i}`)));
    expect(created).toHaveLength(40);
    expect(feed.entries.at(-1)).toMatchObject({ op: "delete", paths: ["/log/n0"], result: "ok" });
    expect(feed.entries[0]).toMatchObject({ sessionId: session.sessionId, clientAddress: address });
    expect(feed.errors).toEqual([]);

    // Resuming after an entry's zxid gives exactly the entries after it.
    const middle = feed.entries[10] as LogEntryView;
    const resumed = followLog(member(1), { afterZxid: middle.zxid, pathPrefix: "/log" });
    await eventually(async () => resumed.entries.length >= 30, 15_000, "the resumed entries");
    expect(resumed.entries.map((e) => e.zxid)).toEqual(feed.entries.slice(11).map((e) => e.zxid));

    // Without afterZxid: the last `backlog` matching entries, then live.
    const tail = followLog(member(0), { backlog: 3, pathPrefix: "/log" });
    await eventually(async () => tail.entries.length >= 3, 15_000, "the backlog");
    expect(tail.entries.map((e) => e.zxid)).toEqual(feed.entries.slice(-3).map((e) => e.zxid));
    await client.node.set.mutate({ path: "/log/n1", data: "x" });
    await eventually(async () => tail.entries.some((e) => e.op === "setData"), 15_000, "the live setData");
    await Promise.all([feed.stop(), resumed.stop(), tail.stop()]);
  });

  it("records session ends, and fails typed for a zxid that left the history", async () => {
    const client = httpClient(member(1));
    const before = (await client.node.sync.mutate({ path: "/" })).zxid;
    const feed = followLog(member(1), { afterZxid: before });
    const session = await openSession(client);
    await client.session.close.mutate(session);
    await eventually(async () => feed.entries.some((e) => e.op === "closeSession"), 15_000, "the closeSession entry");
    expect(feed.entries.find((e) => e.op === "createSession")?.sessionId).toBe(session.sessionId);
    await feed.stop();

    // Push the history past its bound, then ask for a zxid from before it.
    const first = (await client.node.sync.mutate({ path: "/" })).zxid;
    await client.node.create.mutate({ path: "/old" });
    for (let batch = 0; batch < HISTORY_TXNS / 50 + 1; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) => client.node.set.mutate({ path: "/old", data: `${batch}.${i}` })),
      );
    }
    const tooOld = followLog(member(1), { afterZxid: first });
    await eventually(async () => tooOld.errors.length > 0, 15_000, "the error");
    expect(JSON.stringify((tooOld.errors[0] as { data?: unknown }).data)).toContain("BADARGUMENTS");
    await tooOld.stop();
  });
});

describe("cluster.metrics", () => {
  it("counts requests, commits and fsyncs as they happen", async () => {
    const ws = wsClient(member(0));
    const samples: MetricsSampleView[] = [];
    const subscription = ws.client.cluster.metrics.subscribe(
      { intervalMs: 250 },
      { onData: (sample) => samples.push(sample) },
    );
    await eventually(async () => samples.length > 0, 15_000, "a first sample");
    const first = samples[0] as MetricsSampleView;
    const countOf = (sample: MetricsSampleView | undefined, op: string) =>
      sample?.ops.find((o) => o.op === op)?.count ?? 0;
    const client = httpClient(member(0));
    await client.node.create.mutate({ path: "/metrics" });
    for (let i = 0; i < 20; i++) await client.node.get.query({ path: "/metrics" });
    await expectKeelError(client.node.get.query({ path: "/metrics/missing" }), "NONODE");
    await eventually(async () => countOf(samples.at(-1), "get") >= countOf(first, "get") + 21, 15_000, "21 more gets");
    const last = samples.at(-1) as MetricsSampleView;
    expect(last.serverId).toBe(ensemble.members[0]?.id);
    expect(last.commits).toBeGreaterThan(first.commits);
    expect(last.fsyncs).toBeGreaterThan(first.fsyncs);
    expect(last.znodes).toBeGreaterThanOrEqual(first.znodes + 1);
    expect(last.ops.find((o) => o.op === "get")?.errors).toBeGreaterThanOrEqual(1);
    expect(samples.some((s) => (s.ops.find((o) => o.op === "get")?.latencyMsP99 ?? 0) > 0)).toBe(true);
    expect(samples.some((s) => s.fsyncMsP99 > 0)).toBe(true);
    expect(last.atMs).toBeGreaterThan(first.atMs);
    subscription.unsubscribe();
    await ws.close();
  });
});

describe("cluster.events", () => {
  it("shows the learners on the leader, and a new leader after the leader is killed", async () => {
    const leaderId = await ensemble.waitForLeader();
    const leaderIndex = ensemble.members.findIndex((m) => m.id === leaderId);
    const followerIndex = (leaderIndex + 1) % 3;
    const onLeader = wsClient(member(leaderIndex));
    const onFollower = wsClient(member(followerIndex));
    const leaderEvents: MemberStatusView[] = [];
    const followerEvents: MemberStatusView[] = [];
    const leaderSub = onLeader.client.cluster.events.subscribe(undefined, { onData: (s) => leaderEvents.push(s) });
    const followerSub = onFollower.client.cluster.events.subscribe(undefined, {
      onData: (s) => followerEvents.push(s),
    });
    const client = httpClient(member(leaderIndex));
    await client.node.create.mutate({ path: "/events" });
    const { zxid } = await client.node.sync.mutate({ path: "/" });
    // Every learner acknowledges everything in time: lag falls to zero.
    await eventually(
      async () => {
        const last = leaderEvents.at(-1);
        return (
          last?.learners.length === 2 &&
          last.learners.every((l) => l.stage === "UPTODATE" && l.lagTxns === 0 && BigInt(l.ackedZxid) >= BigInt(zxid))
        );
      },
      15_000,
      "both learners caught up on the leader",
    );
    const leaderView = leaderEvents.at(-1) as MemberStatusView;
    expect(leaderView).toMatchObject({ state: "serving", role: "leading", serverId: leaderId });
    expect(leaderView.learners.map((l) => l.id).sort()).toEqual(
      ensemble.members
        .map((m) => m.id)
        .filter((id) => id !== leaderId)
        .sort(),
    );
    expect(leaderView.leaderChanges.at(-1)).toMatchObject({ leaderId });
    expect(followerEvents.at(-1)?.learners).toEqual([]);
    // Pushed at least every API_STATUS_PUSH_MS while nothing changes.
    const count = followerEvents.length;
    await eventually(async () => followerEvents.length >= count + 2, 5_000, "periodic pushes");

    const oldEpoch = followerEvents.at(-1)?.currentEpoch ?? 0;
    const oldElections = followerEvents.at(-1)?.electionCount ?? 0;
    leaderSub.unsubscribe();
    await onLeader.close();
    await ensemble.kill(leaderId);
    await eventually(
      async () => {
        const last = followerEvents.at(-1);
        return last?.state === "serving" && last.leaderId !== null && last.leaderId !== leaderId;
      },
      30_000,
      "a new leader on the follower's stream",
    );
    const latest = followerEvents.at(-1) as MemberStatusView;
    // The follower went through an election. (Its "looking" status itself may never be pushed:
    // a push is a snapshot taken when the client pulls, and a 200 ms election can fall between two.)
    expect(latest.electionCount).toBeGreaterThan(oldElections);
    expect(latest.leaderChanges.at(-1)).toMatchObject({ leaderId: latest.leaderId });
    expect(latest.leaderChanges.at(-1)?.epoch).toBeGreaterThan(oldEpoch);
    followerSub.unsubscribe();
    await onFollower.close();
  });
});

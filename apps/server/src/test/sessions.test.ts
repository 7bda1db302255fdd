/**
 * Sessions on a real ensemble: an ephemeral node lives exactly as long as its session (it survives
 * while the session is kept alive, and disappears once the session expires); a session bound to a
 * WebSocket survives its server dying by re-attaching to another server within the timeout; and a
 * server refuses a client that has seen a newer zxid than it has.
 */
import { Ensemble, httpClient, wsClient } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, expectKeelError, retry } from "./helpers.js";

let ensemble: Ensemble;
beforeAll(async () => {
  ensemble = await Ensemble.start({ voters: 3 });
  await ensemble.waitForLeader();
});
afterAll(async () => {
  await ensemble?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("sessions", () => {
  it("an ephemeral disappears after its session expires, and not before", async () => {
    const client = httpClient(ensemble.members[0]?.clientUrl as string);
    const session = await retry(() => client.session.open.mutate({ timeoutMs: 2000 }));
    expect(session.timeoutMs).toBe(2000);
    const ref = { sessionId: session.sessionId, secret: session.secret };
    await client.node.create.mutate({ path: "/lease", kind: "ephemeral", session: ref });
    const stat = (await client.node.exists.query({ path: "/lease" })).stat;
    expect(stat?.ephemeralOwner).toBe(session.sessionId);

    // Kept alive for three timeouts: the node must stay.
    for (let i = 0; i < 12; i++) {
      await sleep(500);
      await client.session.keepAlive.mutate(ref);
    }
    // The leader learns of that last touch after this reply, so the session may expire no earlier
    // than a full timeout from now.
    const lastTouch = Date.now();
    expect((await client.node.exists.query({ path: "/lease" })).stat).not.toBeNull();

    // Stop the keep-alives: the node must go, on every member.
    for (const member of ensemble.members) {
      await eventually(
        async () => (await httpClient(member.clientUrl).node.exists.query({ path: "/lease" })).stat === null,
        15_000,
        `the ephemeral to vanish on member ${member.id}`,
      );
    }
    expect(Date.now() - lastTouch).toBeGreaterThanOrEqual(2000);
    await expectKeelError(client.session.keepAlive.mutate(ref), "SESSIONEXPIRED");
  });

  it("a keep-alive near the deadline either keeps the session for a full timeout or says SESSIONEXPIRED, on every member", async () => {
    // Each session goes silent, then one keep-alive reaches some member around the moment the
    // leader gives the session up. An "ok" promises timeoutMs from the call, so the ephemeral must
    // still be there half a timeout later. (A follower used to answer ok to a session the leader was
    // already closing: its touch was fire-and-forget.)
    const timeoutMs = 2000;
    const offsetsMs = [-80, -40, -20, 0, 10, 20, 30, 40, 60, 80, 120, 160];
    const trials = offsetsMs.map(async (offsetMs, i) => {
      const member = ensemble.members[i % ensemble.members.length];
      if (!member) throw new Error("no member");
      const client = httpClient(member.clientUrl);
      const session = await retry(() => client.session.open.mutate({ timeoutMs }));
      const ref = { sessionId: session.sessionId, secret: session.secret };
      const path = `/near-deadline-${i}`;
      await client.node.create.mutate({ path, kind: "ephemeral", session: ref });
      const lastActivity = performance.now(); // the create touched the session no later than this
      await sleep(lastActivity + timeoutMs + offsetMs - performance.now());
      const invokedAt = performance.now();
      const outcome = await client.session.keepAlive.mutate(ref).then(
        () => "ok" as const,
        (error: unknown) => error,
      );
      if (outcome !== "ok") {
        await expectKeelError(Promise.reject(outcome), "SESSIONEXPIRED");
        return { offsetMs, outcome: "expired", inconclusive: false };
      }
      await sleep(invokedAt + timeoutMs / 2 - performance.now());
      const stat = (await client.node.exists.query({ path, linearizable: true })).stat;
      // A read answered after the promised deadline proves nothing (a busy machine): not judged.
      const answeredInTime = performance.now() < invokedAt + timeoutMs;
      if (answeredInTime)
        expect(stat, `ok at offset ${offsetMs} ms on member ${member.id}, then expired`).not.toBeNull();
      return { offsetMs, outcome: "ok", inconclusive: !answeredInTime };
    });
    const results = await Promise.all(trials);
    expect(results.filter((r) => r.inconclusive).length).toBeLessThan(results.length);
  });

  it("closing a session deletes its ephemerals at once", async () => {
    const client = httpClient(ensemble.members[1]?.clientUrl as string);
    const session = await retry(() => client.session.open.mutate({ timeoutMs: 30_000 }));
    const ref = { sessionId: session.sessionId, secret: session.secret };
    await client.node.create.mutate({ path: "/closing", kind: "ephemeral", session: ref });
    const { paths } = await client.node.ephemerals.query({ session: ref, prefix: "/" });
    expect(paths).toEqual(["/closing"]);
    await client.session.close.mutate(ref);
    expect((await client.node.exists.query({ path: "/closing", linearizable: true })).stat).toBeNull();
  });

  it("a WebSocket-bound session survives its server dying", async () => {
    const leader = await ensemble.waitForLeader();
    const [first, second] = ensemble.members.filter((m) => m.id !== leader);
    if (!first || !second) throw new Error("need two followers");
    const http = httpClient(first.clientUrl);
    const session = await retry(() => http.session.open.mutate({ timeoutMs: 4000 }));
    const ref = { sessionId: session.sessionId, secret: session.secret };

    const ws1 = wsClient(first.clientUrl);
    const attached1 = new Promise<void>((resolve, reject) => {
      ws1.client.session.attach.subscribe(
        { ...ref, lastZxidSeen: "0" },
        { onData: (event) => event.type === "attached" && resolve(), onError: reject },
      );
    });
    await attached1;
    const created = await http.node.create.mutate({ path: "/survivor", kind: "ephemeral", session: ref });

    // The server holding the connection dies; the client re-attaches elsewhere within the timeout.
    await ensemble.kill(first.id);
    await ws1.close();
    const ws2 = wsClient(second.clientUrl);
    const expired: string[] = [];
    await new Promise<void>((resolve, reject) => {
      ws2.client.session.attach.subscribe(
        { ...ref, lastZxidSeen: created.stat.czxid },
        {
          onData: (event) => (event.type === "attached" ? resolve() : expired.push(event.type)),
          onError: reject,
        },
      );
    });
    // Well past the timeout, the session and its ephemeral are still there.
    await sleep(6000);
    expect(expired).toEqual([]);
    const stat = (await httpClient(second.clientUrl).node.exists.query({ path: "/survivor", linearizable: true })).stat;
    expect(stat?.ephemeralOwner).toBe(session.sessionId);
    await ws2.close();
    ensemble.startMember(first.id);
    await ensemble.waitForLeader();
  });

  it("refuses a client that has seen a newer zxid than the server", async () => {
    const client = httpClient(ensemble.members[0]?.clientUrl as string);
    const session = await retry(() => client.session.open.mutate({ timeoutMs: 5000 }));
    const ws = wsClient(ensemble.members[0]?.clientUrl as string);
    const error = await new Promise<unknown>((resolve) => {
      ws.client.session.attach.subscribe(
        { sessionId: session.sessionId, secret: session.secret, lastZxidSeen: String(2n ** 62n) },
        { onData: () => resolve(undefined), onError: resolve },
      );
    });
    await ws.close();
    expect(String(error)).toMatch(/behind/i);
  });
  it("a server cut off from the quorum tells its attached client and ends its watch streams, during the partition", async () => {
    const leader = await ensemble.waitForLeader();
    const isolated = ensemble.members.find((m) => m.id !== leader);
    if (!isolated) throw new Error("need a follower");
    const others = ensemble.members.filter((m) => m.id !== isolated.id);
    const http = httpClient(isolated.clientUrl);
    const session = await retry(() => http.session.open.mutate({ timeoutMs: 4000 }));
    const ref = { sessionId: session.sessionId, secret: session.secret };
    const ws = wsClient(isolated.clientUrl, { retryDelayMs: 60_000 });
    const events: string[] = [];
    let watchError: unknown;
    const attached = new Promise<void>((resolve, reject) => {
      ws.client.session.attach.subscribe(
        { ...ref, lastZxidSeen: "0" },
        { onData: (event) => (event.type === "attached" ? resolve() : events.push(event.type)), onError: reject },
      );
    });
    await attached;
    ws.client.watch.events.subscribe(
      { path: "/", mode: "persistent_recursive" },
      { onData: () => {}, onError: (error) => (watchError = error) },
    );

    // Freeze the other two: the isolated server loses its leader and stops serving.
    for (const member of others) member.process?.kill("SIGSTOP");
    try {
      await eventually(async () => events.includes("disconnected"), 30_000, "the disconnected event");
      await eventually(async () => watchError !== undefined, 30_000, "the watch stream to end");
      expect(events).toEqual(["disconnected"]);
      expect(String(watchError)).toMatch(/stopped serving/);
    } finally {
      for (const member of others) member.process?.kill("SIGCONT");
      await ws.close();
    }
    await ensemble.waitForLeader();
  });
});

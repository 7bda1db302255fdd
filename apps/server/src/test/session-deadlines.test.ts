/**
 * A session's deadline survives its leader (docs/protocol.md §3.5): ZooKeeper and etcd give every
 * session a fresh full timeout when a new leader takes over (etcd#9395), so a client that went
 * silent just before the leader died keeps its ephemerals for up to a whole extra timeout. Keel's
 * new leader keeps the deadline the old one confirmed: the ephemeral goes at (last keep-alive +
 * timeout), which a reset could not do before (kill + timeout). And never before it either.
 */
import { Ensemble, httpClient } from "@keel/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, retry } from "./helpers.js";

let ensemble: Ensemble | undefined;
afterEach(async () => {
  await ensemble?.close();
  ensemble = undefined;
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

describe("session deadlines across a leader change", () => {
  it("a silent session expires at its own deadline after the leader is killed, not a full timeout after the new leader", async () => {
    ensemble = await Ensemble.start({ voters: 3 });
    const leader = await ensemble.waitForLeader();
    const follower = ensemble.members.find((m) => m.id !== leader);
    if (!follower) throw new Error("no follower");
    const client = httpClient(follower.clientUrl);
    const timeoutMs = 8000;
    const session = await retry(() => client.session.open.mutate({ timeoutMs }));
    const ref = { sessionId: session.sessionId, secret: session.secret };
    await client.node.create.mutate({ path: "/silent", kind: "ephemeral", session: ref });

    // The last keep-alive: "ok" promises the session until at least lastKeepAlive + timeout.
    const lastKeepAlive = performance.now();
    await client.session.keepAlive.mutate(ref);
    await sleep(lastKeepAlive + timeoutMs / 2 - performance.now());
    const killedAt = performance.now();
    await ensemble.kill(leader);
    const survivors = ensemble.members.filter((m) => m.id !== leader).map((m) => m.id);
    await ensemble.waitForLeader({ ids: survivors });

    // Not early: present while the promise holds (a read answered after it proves nothing).
    const beforeDeadline = await retry(() => client.node.exists.query({ path: "/silent", linearizable: true }));
    if (performance.now() < lastKeepAlive + timeoutMs) expect(beforeDeadline.stat).not.toBeNull();

    await eventually(
      async () => (await client.node.exists.query({ path: "/silent", linearizable: true })).stat === null,
      3 * timeoutMs,
      "the silent session's ephemeral to go",
    );
    const goneAt = performance.now();
    expect(goneAt).toBeGreaterThanOrEqual(lastKeepAlive + timeoutMs);
    // A reset would give the session a full timeout from the new leader's start, after the kill.
    expect(goneAt - killedAt).toBeLessThan(timeoutMs);
  });
});

/**
 * Fast failover through LINK_DOWN (docs/protocol.md §3.3, "Lost links"): when the leader's process
 * dies, its peer connections close, PeerNetwork reports them down, and the followers go LOOKING at
 * once instead of waiting out syncLimit. syncLimit and initLimit are set to 2,000 ticks (100 s at
 * 50 ms) here, so without the link signal no new leader could be elected for 100 s; the test waits
 * at most 30 s.
 */
import { Ensemble, httpClient } from "@keel/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { retry } from "./helpers.js";

let ensemble: Ensemble | undefined;

/** The leader's id once it leads and at least one follower is ready (a quorum of three). */
async function waitForLeaderWithQuorum(members: Ensemble): Promise<number> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const statuses = await Promise.all(members.members.map((m) => members.status(m.id)));
    const leader = statuses.find((status) => status?.role === "leading" && status.ready);
    const readyFollowers = statuses.filter((status) => status?.role === "following" && status.ready);
    if (leader !== undefined && readyFollowers.length >= 1) return leader.serverId;
    if (Date.now() > deadline)
      throw new Error(`no leader with a quorum: ${JSON.stringify(statuses.map((s) => s?.role))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
afterEach(async () => {
  await ensemble?.close();
  ensemble = undefined;
});

describe("lost peer links", () => {
  it("followers of a killed leader elect a new one long before syncLimit", async () => {
    ensemble = await Ensemble.start({
      voters: 3,
      serverArgs: ["--sync-limit-ticks", "2000", "--init-limit-ticks", "2000"],
    });
    // A leader with a quorum is enough to start from. With initLimit at 100 s a follower whose
    // first handshake stalls stays unsynced for the whole test (seen once in CI; an open liveness
    // problem, see docs/protocol.md §3.3); it still takes part in the election below.
    const oldLeader = await waitForLeaderWithQuorum(ensemble);
    const survivors = ensemble.members.filter((m) => m.id !== oldLeader).map((m) => m.id);

    await ensemble.kill(oldLeader);
    const newLeader = await ensemble.waitForLeader({ ids: survivors, timeoutMs: 30_000 });
    expect(survivors).toContain(newLeader);

    const client = httpClient(ensemble.member(newLeader).clientUrl);
    await retry(() => client.node.create.mutate({ path: "/after-failover", data: "x" }));
    const node = await retry(() => client.node.get.query({ path: "/after-failover", linearizable: true }));
    expect(node.path).toBe("/after-failover");
  });
});

/**
 * Failures of real processes: kill -9 the leader and the survivors elect a new one and keep
 * accepting writes without losing acknowledged ones; a killed follower catches up by DIFF when it
 * returns; a follower that falls behind the leader's retained log is brought back by SNAP; and a
 * restart of all three servers keeps every acknowledged write.
 */
import { Ensemble, httpClient } from "@keel/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { createOnce, eventually, retryRead } from "./helpers.js";

let ensemble: Ensemble | undefined;
afterEach(async () => {
  await ensemble?.close();
  ensemble = undefined;
});

async function writeMany(url: string, prefix: string, count: number): Promise<string[]> {
  const client = httpClient(url);
  const paths: string[] = [];
  for (let i = 0; i < count; i++) {
    const path = `${prefix}-${i}`;
    await createOnce(client, { path, data: String(i) });
    paths.push(path);
  }
  return paths;
}

async function expectAllPresent(url: string, paths: readonly string[]): Promise<void> {
  const client = httpClient(url);
  for (const path of paths) {
    const node = await retryRead(() => client.node.get.query({ path, linearizable: true }));
    expect(node.path).toBe(path);
  }
}

describe("failover and recovery", () => {
  it("kill -9 the leader: a new leader is elected and writes continue", async () => {
    ensemble = await Ensemble.start({ voters: 3 });
    const oldLeader = await ensemble.waitForLeader();
    const follower = ensemble.members.find((m) => m.id !== oldLeader);
    if (!follower) throw new Error("no follower");
    const before = await writeMany(follower.clientUrl, "/before", 20);

    await ensemble.kill(oldLeader);
    const survivors = ensemble.members.filter((m) => m.id !== oldLeader).map((m) => m.id);
    const newLeader = await ensemble.waitForLeader({ ids: survivors });
    expect(newLeader).not.toBe(oldLeader);

    const after = await writeMany(follower.clientUrl, "/after", 20);
    await expectAllPresent(ensemble.member(newLeader).clientUrl, [...before, ...after]);
    const status = await ensemble.status(newLeader);
    expect(status?.currentEpoch).toBeGreaterThan(0);

    // The old leader comes back as a follower and catches up on what it missed.
    ensemble.startMember(oldLeader);
    await ensemble.waitForLeader();
    const rejoined = await ensemble.status(oldLeader);
    expect(rejoined?.role).toBe("following");
    await expectAllPresent(ensemble.member(oldLeader).clientUrl, [...before, ...after]);
  });

  it("a killed follower catches up (DIFF) and a far-behind one gets a snapshot (SNAP)", async () => {
    // Snapshot every 40 txns and keep one, so a follower that misses ~200 txns is behind the log.
    ensemble = await Ensemble.start({
      voters: 3,
      serverArgs: ["--snapshot-every-txns", "40", "--snapshots-to-keep", "1"],
    });
    const leader = await ensemble.waitForLeader();
    const [lagging] = ensemble.members.filter((m) => m.id !== leader);
    if (!lagging) throw new Error("no follower");
    const leaderUrl = ensemble.member(leader).clientUrl;

    await ensemble.kill(lagging.id);
    const few = await writeMany(leaderUrl, "/diff", 5);
    ensemble.startMember(lagging.id);
    await ensemble.waitForLeader();
    await expectAllPresent(lagging.clientUrl, few);
    const afterDiff = await ensemble.status(lagging.id);

    await ensemble.kill(lagging.id);
    const many = await writeMany(leaderUrl, "/snap", 200);
    ensemble.startMember(lagging.id);
    await ensemble.waitForLeader();
    await expectAllPresent(lagging.clientUrl, [...few, ...many]);
    const afterSnap = await ensemble.status(lagging.id);
    expect(afterDiff?.lastSyncType).toBe("DIFF");
    expect(afterSnap?.lastSyncType).toBe("SNAP");
  });

  it("restarting all three servers keeps every acknowledged write", async () => {
    ensemble = await Ensemble.start({ voters: 3 });
    const leader = await ensemble.waitForLeader();
    const written = await writeMany(ensemble.member(leader).clientUrl, "/durable", 30);
    for (const member of ensemble.members) await ensemble.kill(member.id);
    for (const member of ensemble.members) ensemble.startMember(member.id);
    await ensemble.waitForLeader();
    for (const member of ensemble.members) {
      await eventually(
        async () => {
          const { children } = await httpClient(member.clientUrl).node.children.query({ path: "/" });
          return children.filter((c) => c.name.startsWith("durable-")).length === written.length;
        },
        20_000,
        `member ${member.id} to hold all ${written.length} writes`,
      );
    }
  });
});

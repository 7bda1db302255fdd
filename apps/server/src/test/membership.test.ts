/**
 * Membership changes online (docs/operations.md, "Membership changes"), with real server processes
 * under a write load: 3 voters grow to 5 (each new server started with --join, synced as a
 * non-voting follower, then added), then shrink back to 3 by removing the leader and one more
 * original voter. No acknowledged write is lost; the final members agree on every write; the
 * removed leader handed over to an elected one. Also: the refusals a careless change meets.
 */
import { connect, type KeelClient } from "@keel/client";
import { basicAuth, Ensemble, httpClient, type KeelHttpClient, keelCodeOf } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, retry } from "./helpers.js";

const SPARES = [4, 5];

describe("membership changes under load", () => {
  let ensemble: Ensemble;
  let admin: (id: number) => KeelHttpClient;

  beforeAll(async () => {
    ensemble = await Ensemble.start({ voters: 3, spares: SPARES.length, superPassword: true });
    await ensemble.waitForLeader();
    const headers = basicAuth("super", ensemble.superPassword as string);
    admin = (id) => httpClient(ensemble.member(id).clientUrl, { headers });
  }, 60_000);

  afterAll(async () => {
    await ensemble?.close();
  });

  /** Waits until member `id` reports following (or leading) and ready. */
  async function waitUntilSynced(id: number): Promise<void> {
    await eventually(async () => (await ensemble.status(id))?.ready === true, 30_000, `member ${id} synced`);
  }

  async function membersOf(id: number): Promise<{ id: number; role: string }[]> {
    const view = await admin(id).members.list.query();
    return view.members.map((member) => ({ id: member.id, role: member.role }));
  }

  it("refuses a change from anyone but an admin, and a voter that is not synced", async () => {
    const leader = await ensemble.waitForLeader();
    const anonymous = httpClient(ensemble.member(leader).clientUrl);
    const spare = ensemble.member(4);
    const add = { id: 4, host: "127.0.0.1", peerPort: spare.peerPort, clientPort: spare.clientPort };
    await expect(anonymous.members.add.mutate(add)).rejects.toSatisfy((error) => keelCodeOf(error) === "NOAUTH");
    // Member 4 is not running: it cannot have synced, so adding it as a voter would weaken the quorum.
    await expect(admin(leader).members.add.mutate(add)).rejects.toSatisfy(
      (error) => keelCodeOf(error) === "NEWCONFIGNOQUORUM",
    );
    await expect(admin(leader).members.remove.mutate({ id: 9 })).rejects.toSatisfy(
      (error) => keelCodeOf(error) === "BADARGUMENTS",
    );
    await expect(admin(leader).members.remove.mutate({ id: 3, fromVersion: "12345" })).rejects.toSatisfy(
      (error) => keelCodeOf(error) === "BADVERSION",
    );
    expect(await membersOf(leader)).toEqual([
      { id: 1, role: "voter" },
      { id: 2, role: "voter" },
      { id: 3, role: "voter" },
    ]);
  });

  it("grows 3 → 5 and shrinks back to 3 (the leader removed) without losing an acknowledged write", async () => {
    const servers = ensemble.members.map((member) => member.clientUrl);
    const writer: KeelClient = await connect({ servers, sessionTimeoutMs: 8000, requestTimeoutMs: 5000 });
    await writer.create("/members-load", "");
    const acknowledged: string[] = [];
    let failures = 0;
    let writing = true;
    const load = (async () => {
      for (let index = 0; writing; index++) {
        try {
          const created = await writer.create("/members-load/w-", String(index), { kind: "persistent_sequential" });
          acknowledged.push(created.path);
        } catch {
          failures += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    })();
    try {
      // 3 → 5: each spare joins as a non-voting follower, syncs, then is added.
      for (const id of SPARES) {
        ensemble.startMember(id);
        await waitUntilSynced(id);
        const spare = ensemble.member(id);
        const leader = await ensemble.waitForLeader({ ids: [1, 2, 3] });
        const after = await retry(() =>
          admin(leader).members.add.mutate({
            id,
            host: "127.0.0.1",
            peerPort: spare.peerPort,
            clientPort: spare.clientPort,
          }),
        );
        expect(after.members.map((member) => member.id)).toContain(id);
      }
      const grown = await ensemble.waitForLeader();
      expect(await membersOf(grown)).toEqual([1, 2, 3, 4, 5].map((id) => ({ id, role: "voter" })));
      const writesAtFive = acknowledged.length;

      // 5 → 3: remove the leader first (it hands over), then another original voter.
      const removedLeader = grown;
      await retry(() => admin(removedLeader).members.remove.mutate({ id: removedLeader }));
      const remaining = [1, 2, 3, 4, 5].filter((id) => id !== removedLeader);
      const newLeader = await ensemble.waitForLeader({ ids: remaining });
      expect(newLeader).not.toBe(removedLeader);
      const secondRemoved = [1, 2, 3].find((id) => id !== removedLeader && id !== newLeader) as number;
      await retry(() => admin(newLeader).members.remove.mutate({ id: secondRemoved }));
      const finalIds = remaining.filter((id) => id !== secondRemoved);
      const finalLeader = await ensemble.waitForLeader({ ids: finalIds });
      expect(await membersOf(finalLeader)).toEqual(finalIds.map((id) => ({ id, role: "voter" })));
      // The load kept going through every change.
      await eventually(async () => acknowledged.length >= writesAtFive + 50, 30_000, "the load making progress");

      // The removed members are no longer voters: the three left keep the quorum on their own.
      await ensemble.kill(removedLeader);
      await ensemble.kill(secondRemoved);
      const count = acknowledged.length;
      await eventually(async () => acknowledged.length >= count + 20, 30_000, "progress without the removed members");
    } finally {
      writing = false;
      await load;
    }
    // Every acknowledged write is on every final member.
    const finalIds = ensemble.members.map((member) => member.id).filter((id) => ensemble.isRunning(id));
    expect(finalIds).toHaveLength(3);
    for (const id of finalIds) {
      const reader = await connect({ servers: [ensemble.member(id).clientUrl] });
      try {
        await reader.sync("/members-load");
        const names = new Set((await reader.children("/members-load")).map((name) => `/members-load/${name}`));
        const missing = acknowledged.filter((path) => !names.has(path));
        expect(missing, `member ${id} lost acknowledged writes`).toEqual([]);
      } finally {
        await reader.close();
      }
    }
    await writer.close();
    console.log(
      `membership 3→5→3 under load: ${acknowledged.length} writes acknowledged, ${failures} failed in flight, none lost`,
    );
  }, 180_000);
});

/**
 * The full fault run of issue 17 (about 40 s): 8 contenders for 30 s with the leader killed twice
 * and, in between, the member of a ninth contender (which can reach only that member) SIGSTOPped
 * for 6 s. No two critical sections overlap in token order, and fenced writes land in token order.
 * The run is sized by time because the faults are; nothing asserts how long anything took.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { KeelClientError } from "./index.js";
import { Harness } from "./test/harness.js";
import { maxToken, overlaps, runContenders, type Section } from "./test/mutex-run.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let harness: Harness;
beforeAll(async () => {
  harness = await Harness.start();
});
afterAll(async () => {
  await harness?.close();
});

it("30 s, 8 contenders, the leader killed twice, one holder's member paused: mutual exclusion holds", async () => {
  const setup = await harness.client();
  await setup.create("/long-resource", "");
  const stop = new AbortController();
  const run = runContenders(harness, { contenders: 8, lockName: "long", stop: stop.signal, holdMs: 20 });
  // The ninth contender can reach only one follower, which will hang.
  const leader = await harness.leaderId();
  const pausedId = harness.ensemble.members.find((member) => member.id !== leader)?.id as number;
  const lonely = await harness.client({ servers: [harness.url(pausedId)], sessionTimeoutMs: 4000 });
  const lonelySections: Section[] = [];
  const lonelyRun = (async () => {
    while (!stop.signal.aborted && lonely.state.name !== "expired") {
      try {
        const lease = await lonely.lock("long").acquire({ signal: stop.signal });
        const section: Section = {
          contender: 8,
          token: lease.fencingToken,
          enteredAt: performance.now(),
          exitedAt: Number.POSITIVE_INFINITY,
          lost: false,
          fencedWriteAccepted: false,
        };
        lonelySections.push(section);
        const onLost = () => {
          section.lost = true;
          section.exitedAt = Math.min(section.exitedAt, performance.now());
        };
        lease.signal.addEventListener("abort", onLost, { once: true });
        await lease
          .fenced([{ type: "set", path: "/long-resource", data: String(lease.fencingToken), version: -1 }])
          .then(() => {
            section.fencedWriteAccepted = true;
          })
          .catch((error: unknown) => {
            if (!(error instanceof KeelClientError)) throw error;
          });
        // Hold long enough to be holding when the member hangs.
        await sleep(500);
        section.exitedAt = Math.min(section.exitedAt, performance.now());
        lease.signal.removeEventListener("abort", onLost);
        await lease.release().catch(() => undefined);
      } catch {
        await sleep(100);
      }
    }
  })();
  const started = Date.now();
  const at = async (ms: number) => sleep(Math.max(0, started + ms - Date.now()));
  await at(5_000);
  const firstLeader = await harness.leaderId();
  await harness.ensemble.kill(firstLeader);
  await at(9_000);
  harness.ensemble.startMember(firstLeader);
  await at(12_000);
  harness.pause(pausedId);
  await at(18_000);
  harness.resume(pausedId);
  await at(21_000);
  const secondLeader = await harness.leaderId();
  await harness.ensemble.kill(secondLeader);
  await at(25_000);
  harness.ensemble.startMember(secondLeader);
  await at(30_000);
  stop.abort();
  const { sections } = await run;
  await lonelyRun;
  const all = [...sections, ...lonelySections];
  expect(overlaps(all)).toEqual([]);
  expect(sections.length).toBeGreaterThanOrEqual(50);
  const last = (await setup.get("/long-resource", { linearizable: true })).data;
  const written = all.filter((section) => section.fencedWriteAccepted).map((section) => section.token);
  expect(BigInt(last)).toBe(maxToken(written));
  console.log(
    `long run: ${all.length} grants, ${all.filter((s) => s.lost).length} lost, ${written.length} fenced writes accepted, no overlap`,
  );
});

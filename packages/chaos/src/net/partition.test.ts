/**
 * Real network faults between real servers: three Keel members, each in its own network namespace
 * on a private bridge (NetworkLab), faulted with iptables rules and a delaying relay while the test
 * talks to them from the root namespace over HTTP.
 *
 * Checks, in one ensemble, polling for every outcome (no timing assertions):
 * - isolating the leader: the other two elect a new leader and take writes, the old leader stops
 *   being ready; after heal it rejoins as a follower and a linearizable read on it sees the write;
 * - a bridge partition (1 and 3 cut, 2 sees both): writes through 2 still succeed;
 * - 20 ms (± 5) of delay on the leader's peer links: writes through every member still succeed,
 *   the links really pass the relay, and isolating the delayed leader still replaces it;
 * - destroy leaves no namespace, veth or bridge with the lab's tag.
 */
import { createOnce, httpClient, retryRead } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keelPeerPort, NamespacedEnsemble } from "./namespaced-ensemble.js";
import { NetworkLab } from "./network-lab.js";

const lab = NetworkLab.create({ members: 3, tag: `kcn${process.pid % 1000}`, peerPorts: [keelPeerPort] });
let ensemble: NamespacedEnsemble | undefined;

const pollMs = 100;

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

function running(): NamespacedEnsemble {
  if (ensemble === undefined) throw new Error("ensemble not started");
  return ensemble;
}

async function write(id: number, path: string, data: string): Promise<void> {
  const created = await createOnce(httpClient(running().clientUrl(id)), { path, data }, { timeoutMs: 60_000 });
  expect(created.path).toBe(path);
}

async function linearizableRead(id: number, path: string): Promise<string> {
  const client = httpClient(running().clientUrl(id));
  const node = await retryRead(() => client.node.get.query({ path, linearizable: true }), { timeoutMs: 60_000 });
  return node.data;
}

beforeAll(() => {
  ensemble = NamespacedEnsemble.start({ lab });
});

afterAll(async () => {
  await ensemble?.close();
  await lab.destroy();
  expect(lab.leftovers()).toEqual([]);
});

describe("network partitions between namespaced members", () => {
  it("an isolated leader is replaced, stops serving, and rejoins with the new writes after heal", async () => {
    const members = running();
    const oldLeader = await members.waitForLeader();
    await write(oldLeader, "/before", "1");

    lab.isolate(oldLeader);
    const majority = members.ids().filter((id) => id !== oldLeader);
    const newLeader = await members.waitForLeader({ ids: majority });
    expect(newLeader).not.toBe(oldLeader);
    await write(newLeader, "/during", "2");
    await until(
      "the isolated leader to stop being ready",
      async () => (await members.status(oldLeader))?.ready === false,
    );

    lab.heal();
    await members.waitForLeader();
    expect((await members.status(oldLeader))?.role).toBe("following");
    expect(await linearizableRead(oldLeader, "/during")).toBe("2");
    expect(await linearizableRead(oldLeader, "/before")).toBe("1");
  });

  it("a bridge partition (1 and 3 cut, 2 sees both) still takes writes", async () => {
    const members = running();
    await members.waitForLeader();
    lab.bridgePartition(1, 3);
    await write(2, "/bridged", "3");
    expect(await linearizableRead(2, "/bridged")).toBe("3");
    lab.heal();
    await members.waitForLeader();
    expect(await linearizableRead(1, "/bridged")).toBe("3");
    expect(await linearizableRead(3, "/bridged")).toBe("3");
  });

  it("20 ms of delay on the leader's peer links still takes writes through every member, and partitions still cut", async () => {
    const members = running();
    const leader = await members.waitForLeader();
    await lab.delay(leader, 20, 5);
    for (const id of members.ids()) await write(id, `/delayed-${id}`, String(id));
    for (const id of members.ids()) expect(await linearizableRead(leader, `/delayed-${id}`)).toBe(String(id));
    // The peer links really went through the delaying relay.
    expect(lab.bytesRelayed()).toBeGreaterThan(0);

    // A partition cuts relayed links too: isolated while delayed, the leader is replaced.
    lab.isolate(leader);
    const others = members.ids().filter((id) => id !== leader);
    expect(await members.waitForLeader({ ids: others })).not.toBe(leader);
    lab.heal();
    await members.waitForLeader();
  });
});

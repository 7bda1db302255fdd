/**
 * The lock recipe against a real ensemble: fairness and fencing tokens, loss by deletion and by a
 * cut-off member (the lost signal fires before anyone else acquires; the paused holder's fenced
 * write is rejected by the ensemble), waiters failing when their session dies, and mutual
 * exclusion checked by fencing tokens while the leader is killed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LockLostError, NodeExistsError, NoNodeError, SessionLostError, WaitTimeoutError } from "./index.js";
import { eventually, Harness } from "./test/harness.js";
import { maxToken, overlaps, runContenders } from "./test/mutex-run.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let harness: Harness;
beforeAll(async () => {
  harness = await Harness.start();
});
afterAll(async () => {
  await harness?.close();
});

describe("lock basics", () => {
  it("grants in arrival order with growing fencing tokens, one holder at a time", async () => {
    const clients = await Promise.all([1, 2, 3, 4].map(() => harness.client()));
    const [a, b, c, d] = clients as [
      (typeof clients)[0],
      (typeof clients)[0],
      (typeof clients)[0],
      (typeof clients)[0],
    ];
    const first = await a.lock("fair").acquire();
    expect(first.path).toMatch(/^\/keel\/locks\/fair\/lock-\d{10}$/);
    expect(await b.lock("fair").tryAcquire()).toBeUndefined();
    const order: string[] = [];
    const waitB = b
      .lock("fair")
      .acquire()
      .then((lease) => {
        order.push("b");
        return lease;
      });
    await eventually(async () => (await a.children("/keel/locks/fair")).length === 2, "b queued");
    const waitC = c
      .lock("fair")
      .acquire()
      .then((lease) => {
        order.push("c");
        return lease;
      });
    await eventually(async () => (await a.children("/keel/locks/fair")).length === 3, "c queued");
    const waitD = d.lock("fair").acquire({ timeoutMs: 300 });
    await expect(waitD).rejects.toBeInstanceOf(WaitTimeoutError);
    await first.release();
    expect(first.held).toBe(false);
    const second = await waitB;
    expect(second.fencingToken).toBeGreaterThan(first.fencingToken);
    await second.release();
    const third = await waitC;
    expect(third.fencingToken).toBeGreaterThan(second.fencingToken);
    expect(order).toEqual(["b", "c"]);
    // The timed-out waiter withdrew its node: only the holder's is left.
    await eventually(async () => (await a.children("/keel/locks/fair")).length === 1, "d's node withdrawn");
    await third.release();
    await third.release(); // safe to repeat
  });

  it("holder metadata names the client, and withLock releases after fn", async () => {
    const keel = await harness.client({ label: "worker-7" });
    const observer = await harness.client();
    const result = await keel.withLock("meta", async (signal, lease) => {
      expect(signal.aborted).toBe(false);
      const node = await observer.get(lease.path, { linearizable: true });
      const holder = JSON.parse(node.data) as Record<string, unknown>;
      expect(holder).toMatchObject({ clientId: keel.clientId, label: "worker-7", pid: process.pid });
      expect(typeof holder.host).toBe("string");
      return 42;
    });
    expect(result).toBe(42);
    expect((await observer.children("/keel/locks/meta", { linearizable: true }).catch(() => [])).length).toBe(0);
  });

  it("await using releases the lock", async () => {
    const keel = await harness.client();
    let path = "";
    {
      await using lease = await keel.lock("disposed").acquire();
      path = lease.path;
    }
    expect(await keel.exists(path, { linearizable: true })).toBeNull();
  });

  it("an operator deleting the holder's node fires the lost signal; fenced writes are then rejected", async () => {
    const holder = await harness.client();
    const operator = await harness.client();
    const lease = await holder.lock("deleted").acquire();
    await lease.fenced([{ type: "create", path: "/deleted-resource", data: "ok", kind: "persistent" }]);
    await operator.delete(lease.path);
    await eventually(() => lease.signal.aborted, "the lost signal");
    expect(lease.signal.reason).toBeInstanceOf(LockLostError);
    await expect(
      lease.fenced([{ type: "set", path: "/deleted-resource", data: "late", version: -1 }]),
    ).rejects.toBeInstanceOf(LockLostError);
    // The ensemble itself rejects a write fenced on the gone node.
    await expect(
      operator.multi([lease.fenceOp(), { type: "set", path: "/deleted-resource", data: "late", version: -1 }]),
    ).rejects.toBeInstanceOf(NoNodeError);
    expect((await operator.get("/deleted-resource", { linearizable: true })).data).toBe("ok");

    // A node re-created at the lease's path (as a sequential name reused after the lock's container
    // went away would be) is another node: the fence names the lease's czxid, so it still fails.
    const parent = lease.path.slice(0, lease.path.lastIndexOf("/"));
    // The lock's empty container may be cleaned up at any moment: re-create it until the impostor is in.
    for (let attempt = 0; ; attempt++) {
      try {
        await operator.create(lease.path, "impostor", { kind: "persistent" });
        break;
      } catch (error) {
        if (!(error instanceof NoNodeError) || attempt >= 5) throw error;
        await operator.create(parent, undefined, { kind: "container" }).catch((raced: unknown) => {
          if (!(raced instanceof NodeExistsError)) throw raced;
        });
      }
    }
    await expect(
      operator.multi([lease.fenceOp(), { type: "set", path: "/deleted-resource", data: "late", version: -1 }]),
    ).rejects.toMatchObject({ code: "BADVERSION" });
    expect((await operator.get("/deleted-resource", { linearizable: true })).data).toBe("ok");
  });

  it("a waiter whose session dies fails at once with a typed error", async () => {
    const holder = await harness.client();
    const waiter = await harness.client();
    const lease = await holder.lock("dies").acquire();
    const waiting = waiter.lock("dies").acquire();
    await eventually(async () => (await holder.children("/keel/locks/dies")).length === 2, "queued");
    const closedAt = performance.now();
    await waiter.close();
    await expect(waiting).rejects.toBeInstanceOf(SessionLostError);
    expect(performance.now() - closedAt).toBeLessThan(waiter.sessionTimeoutMs);
    await lease.release();
  });
});

describe("lock under faults", () => {
  it("a holder whose member is cut off (SIGSTOP) loses the lock before anyone else acquires it", async () => {
    const leader = await harness.leaderId();
    const follower = harness.ensemble.members.find((member) => member.id !== leader)?.id as number;
    // The holder can reach only the member that will hang.
    const holder = await harness.client({ servers: [harness.url(follower)], sessionTimeoutMs: 3000 });
    const others = harness.ensemble.members
      .filter((member) => member.id !== follower)
      .map((member) => member.clientUrl);
    const waiter = await harness.client({ servers: others, sessionTimeoutMs: 3000 });
    const lease = await holder.lock("paused").acquire();
    let lostAt: number | undefined;
    lease.signal.addEventListener("abort", () => {
      lostAt = performance.now();
    });
    const waiting = waiter.lock("paused").acquire();
    await eventually(async () => (await waiter.children("/keel/locks/paused")).length === 2, "queued");
    harness.pause(follower);
    const second = await waiting;
    const acquiredAt = performance.now();
    expect(lostAt).toBeDefined();
    expect(lostAt as number).toBeLessThan(acquiredAt);
    expect(second.fencingToken).toBeGreaterThan(lease.fencingToken);
    expect(lease.signal.reason).toBeInstanceOf(LockLostError);
    // The paused holder's late write: its own client refuses, and the ensemble rejects it too.
    await expect(
      lease.fenced([{ type: "create", path: "/paused-write", data: "", kind: "persistent" }]),
    ).rejects.toBeInstanceOf(LockLostError);
    await expect(
      waiter.multi([lease.fenceOp(), { type: "create", path: "/paused-write", data: "", kind: "persistent" }]),
    ).rejects.toBeInstanceOf(NoNodeError);
    expect(await waiter.exists("/paused-write")).toBeNull();
    harness.resume(follower);
    await eventually(() => holder.state.name === "expired", "the holder learns its session expired");
    await second.release();
    await harness.ensemble.waitForLeader();
  });

  it("8 contenders never overlap (checked by fencing tokens) while the leader is killed", async () => {
    const setup = await harness.client();
    await setup.create("/mutex-resource", "");
    const stop = new AbortController();
    const run = runContenders(harness, { contenders: 8, lockName: "mutex", stop: stop.signal, holdMs: 10 });
    // Progress, then the leader dies, progress under the new leader, and again once it is back.
    await sleep(2000);
    const leader = await harness.leaderId();
    await harness.ensemble.kill(leader);
    await harness.ensemble.waitForLeader();
    await sleep(1500);
    harness.ensemble.startMember(leader);
    await harness.ensemble.waitForLeader();
    await sleep(1500);
    stop.abort();
    const { sections } = await run;
    expect(overlaps(sections)).toEqual([]);
    expect(sections.length).toBeGreaterThanOrEqual(16);
    expect(sections.filter((section) => section.fencedWriteAccepted).length).toBeGreaterThan(0);
    // The resource's last fenced write came from the holder with the highest token that wrote.
    const last = (await setup.get("/mutex-resource", { linearizable: true })).data;
    const written = sections.filter((section) => section.fencedWriteAccepted).map((section) => section.token);
    expect(BigInt(last)).toBe(maxToken(written));
  });
});

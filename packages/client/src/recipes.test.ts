/**
 * The other recipes against a real ensemble, each on its basic guarantee: read/write lock and
 * semaphore exclusion, barriers releasing together, the queue's FIFO and exactly-once take under
 * concurrent takers, the counter under concurrent adders, the tree cache converging on a subtree,
 * and the service registry's live member list.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeelClientError, type ServiceMember, type TreeCacheEvent } from "./index.js";
import { eventually, Harness } from "./test/harness.js";

let harness: Harness;
beforeAll(async () => {
  harness = await Harness.start();
});
afterAll(async () => {
  await harness?.close();
});

describe("read/write lock", () => {
  it("readers share, a writer excludes, and readers queued after a writer wait for it", async () => {
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map(() => harness.client()));
    if (!a || !b || !c || !d) throw new Error("clients");
    const read1 = await a.readWriteLock("rw").readLock();
    const read2 = await b.readWriteLock("rw").readLock({ timeoutMs: 5000 });
    expect(read1.path).toMatch(/\/keel\/rwlocks\/rw\/read-\d{10}$/);
    expect(await c.readWriteLock("rw").tryWriteLock()).toBeUndefined();
    let writerIn = false;
    const writing = c
      .readWriteLock("rw")
      .writeLock()
      .then((lease) => {
        writerIn = true;
        return lease;
      });
    await eventually(async () => (await a.children("/keel/rwlocks/rw")).length === 3, "writer queued");
    let lateReaderIn = false;
    const lateReading = d
      .readWriteLock("rw")
      .readLock()
      .then((lease) => {
        lateReaderIn = true;
        return lease;
      });
    await eventually(async () => (await a.children("/keel/rwlocks/rw")).length === 4, "late reader queued");
    await read1.release();
    expect(writerIn).toBe(false);
    await read2.release();
    const write = await writing;
    expect(lateReaderIn).toBe(false);
    await write.release();
    const late = await lateReading;
    await late.release();
  });
});

describe("semaphore", () => {
  it("never lets more than `permits` hold at once, and lets that many in together", async () => {
    const clients = await Promise.all([1, 2, 3, 4].map(() => harness.client()));
    const [a, b, c] = clients;
    if (!a || !b || !c) throw new Error("clients");
    // Two permits: two hold at once, a third waits until one leaves.
    const first = await a.semaphore("pool", 2).acquire();
    const second = await b.semaphore("pool", 2).acquire({ timeoutMs: 10_000 });
    // Each lease records the permit count, so the console and CLI can tell holders from waiters.
    expect(JSON.parse((await a.get(first.path)).data)).toMatchObject({ permits: 2 });
    expect(await c.semaphore("pool", 2).tryAcquire()).toBeUndefined();
    const third = c.semaphore("pool", 2).acquire();
    await first.release();
    await (await third).release();
    await second.release();
    // Under contention the count never exceeds the permits.
    let inside = 0;
    let most = 0;
    await Promise.all(
      clients.map(async (keel) => {
        for (let round = 0; round < 3; round++) {
          const lease = await keel.semaphore("pool", 2).acquire();
          inside += 1;
          most = Math.max(most, inside);
          await new Promise((resolve) => setTimeout(resolve, 20));
          inside -= 1;
          await lease.release();
        }
      }),
    );
    expect(most).toBeLessThanOrEqual(2);
  });
});

describe("barriers", () => {
  it("a barrier holds waiters until removed", async () => {
    const [keel, waiter] = await Promise.all([harness.client(), harness.client()]);
    if (!keel || !waiter) throw new Error("clients");
    await keel.barrier("gate").set();
    let passed = false;
    const waiting = waiter
      .barrier("gate")
      .wait()
      .then(() => {
        passed = true;
      });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(passed).toBe(false);
    await keel.barrier("gate").remove();
    await waiting;
    expect(passed).toBe(true);
    await keel.barrier("gate").wait(); // down: returns at once
  });

  it("a double barrier lets all in together and all out together", async () => {
    const clients = await Promise.all([1, 2, 3].map(() => harness.client()));
    const arrived: number[] = [];
    const entered: number[] = [];
    const left: number[] = [];
    const runs = clients.map(async (keel, index) => {
      await new Promise((resolve) => setTimeout(resolve, index * 150));
      const barrier = keel.doubleBarrier("phase", 3);
      arrived.push(performance.now());
      await barrier.enter();
      entered.push(performance.now());
      await new Promise((resolve) => setTimeout(resolve, index * 100));
      await barrier.leave();
      left.push(performance.now());
    });
    await Promise.all(runs);
    // Nobody got in before the last one arrived, nobody got out before the last one was in.
    expect(Math.min(...entered)).toBeGreaterThanOrEqual(Math.max(...arrived));
    expect(Math.min(...left)).toBeGreaterThanOrEqual(Math.max(...entered));
    expect(entered).toHaveLength(3);
  });
});

describe("queue", () => {
  it("is FIFO and hands every item to exactly one of many concurrent takers", async () => {
    const producer = await harness.client();
    const queue = producer.queue("work");
    for (let index = 0; index < 16; index++) await queue.put(`item ${index}`);
    expect(await queue.size()).toBe(16);
    const first = await producer.queue("work").take();
    expect(first.data).toBe("item 0");
    const takers = await Promise.all([1, 2, 3, 4].map(() => harness.client()));
    const taken: string[] = [first.data];
    await Promise.all(
      takers.map(async (keel) => {
        for (;;) {
          const item = await keel.queue("work").tryTake();
          if (!item) return;
          taken.push(item.data);
        }
      }),
    );
    expect(taken).toHaveLength(16);
    expect(new Set(taken).size).toBe(16);
    expect(await queue.size()).toBe(0);
  });

  it("take waits for an item", async () => {
    const [producer, consumer] = await Promise.all([harness.client(), harness.client()]);
    if (!producer || !consumer) throw new Error("clients");
    const taking = consumer.queue("later").take({ timeoutMs: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    await producer.queue("later").put(new Uint8Array([1, 2, 3]));
    const item = await taking;
    expect([...item.bytes]).toEqual([1, 2, 3]);
  });
});

describe("counter", () => {
  it("adds exactly once per call under concurrent adders", async () => {
    const clients = await Promise.all([1, 2, 3, 4].map(() => harness.client()));
    let added = 0n;
    let unknown = 0n;
    await Promise.all(
      clients.map(async (keel) => {
        for (let index = 0; index < 6; index++) {
          try {
            await keel.counter("hits").add(1);
            added += 1n;
          } catch (error) {
            // A busy ensemble may lose its leader mid-write: reported, never retried blindly.
            if (!(error instanceof KeelClientError && error.outcomeUnknown)) throw error;
            unknown += 1n;
          }
        }
      }),
    );
    const first = clients[0];
    if (!first) throw new Error("client");
    const value = await first.counter("hits").get({ linearizable: true });
    // Every acknowledged add counted once; an outcome-unknown one at most once.
    expect(value).toBeGreaterThanOrEqual(added);
    expect(value).toBeLessThanOrEqual(added + unknown);
    expect(added + unknown).toBe(24n);
    expect(await first.counter("hits").add(-5)).toBe(value - 5n);
    expect(await first.counter("never").get()).toBe(0n);
  });
});

describe("tree cache", () => {
  it("mirrors a subtree and follows every change", async () => {
    const writer = await harness.client();
    await writer.create("/tree", "root");
    await writer.create("/tree/a", "1");
    await writer.create("/tree/a/deep", "d");
    const reader = await harness.client();
    const cache = reader.treeCache("/tree");
    const events: TreeCacheEvent[] = [];
    cache.onChange((event) => events.push(event));
    await cache.ready;
    expect(cache.get("/tree/a")?.data).toBe("1");
    expect(cache.children("/tree")).toEqual(["a"]);
    await writer.set("/tree/a", "2");
    await writer.create("/tree/b", "new");
    await writer.create("/tree/b/c", "x");
    await writer.delete("/tree/a/deep");
    await eventually(
      () =>
        cache.get("/tree/a")?.data === "2" &&
        cache.get("/tree/b/c")?.data === "x" &&
        cache.get("/tree/a/deep") === undefined,
      "the cache to follow",
    );
    expect(cache.children("/tree")).toEqual(["a", "b"]);
    expect(events.some((event) => event.type === "removed" && event.path === "/tree/a/deep")).toBe(true);
    cache.close();
  });
});

describe("service registry", () => {
  it("lists live members with their metadata and drops those whose session ends", async () => {
    const [instanceA, instanceB, watcher] = await Promise.all([
      harness.client({ label: "api-a" }),
      harness.client({ label: "api-b" }),
      harness.client(),
    ]);
    if (!instanceA || !instanceB || !watcher) throw new Error("clients");
    const lists: ServiceMember[][] = [];
    const stop = new AbortController();
    const watching = (async () => {
      for await (const members of watcher.serviceRegistry("api").watch({ signal: stop.signal })) lists.push(members);
    })();
    await instanceA.serviceRegistry("api").register("a", { port: 8080 });
    await instanceB.serviceRegistry("api").register("b", { port: 8081 });
    await eventually(() => lists.at(-1)?.length === 2, "two members");
    const members = await watcher.serviceRegistry("api").members();
    expect(members.map((member) => [member.member, member.holder?.label, member.data])).toEqual([
      ["a", "api-a", { port: 8080 }],
      ["b", "api-b", { port: 8081 }],
    ]);
    await instanceB.close();
    await eventually(
      () =>
        lists
          .at(-1)
          ?.map((member) => member.member)
          .join() === "a",
      "b gone",
    );
    stop.abort();
    await watching;
  });
});

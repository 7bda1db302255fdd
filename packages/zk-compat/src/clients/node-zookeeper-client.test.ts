/**
 * node-zookeeper-client 1.1.3 in process against a 3-node ensemble through the ZooKeeper wire
 * port. It sends the 44-byte ConnectRequest of ZooKeeper before 3.4 (no readOnly byte), so this
 * also checks that the server accepts the short form. Covers create (persistent, ephemeral,
 * sequential), getData, setData (and a stale version), exists, getChildren, remove (and a
 * non-empty node), multi (commit and rollback), an ephemeral vanishing with its session, and
 * one-shot data, children and exists watches.
 */
import zookeeper from "node-zookeeper-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTarget, type Target } from "./target.js";
import { waitFor } from "./wait-for.js";

const sessionTimeoutMs = 15_000;

let target: Target;
const clients: zookeeper.Client[] = [];

beforeAll(async () => {
  target = await startTarget();
});

afterAll(async () => {
  for (const client of clients) client.close();
  await target?.close();
});

async function connect(connectString = target.connectString): Promise<zookeeper.Client> {
  const client = zookeeper.createClient(connectString, {
    sessionTimeout: sessionTimeoutMs,
    spinDelay: 100,
    retries: 5,
  });
  clients.push(client);
  const connected = new Promise<void>((resolve) => client.once("connected", () => resolve()));
  client.connect();
  await connected;
  return client;
}

/** Adapts a node-style callback API to a promise that rejects with the ZooKeeper exception. */
function call<T>(fn: (callback: (error: Error | zookeeper.Exception | null, result: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((error, result) => (error ? reject(error) : resolve(result))));
}

const getData = (client: zookeeper.Client, path: string) =>
  new Promise<{ data: string; stat: zookeeper.Stat }>((resolve, reject) =>
    client.getData(path, (error, data, stat) => (error ? reject(error) : resolve({ data: String(data), stat }))),
  );
const children = (client: zookeeper.Client, path: string) =>
  call<string[]>((cb) => client.getChildren(path, cb)).then((names) => [...names].sort());
const exists = (client: zookeeper.Client, path: string) =>
  call<zookeeper.Stat | null>((cb) => client.exists(path, cb)).then((stat) => stat ?? null);
const codeOf = (error: unknown) => (error as zookeeper.Exception).getCode?.();

describe("node-zookeeper-client", () => {
  it("does the basic operations with ZooKeeper's semantics", async () => {
    const client = await connect();
    const { PERSISTENT, EPHEMERAL, PERSISTENT_SEQUENTIAL, EPHEMERAL_SEQUENTIAL } = zookeeper.CreateMode;

    expect(await call<string>((cb) => client.create("/nzc", Buffer.from("root"), PERSISTENT, cb))).toBe("/nzc");
    const first = await call<string>((cb) => client.create("/nzc/seq-", Buffer.from("1"), PERSISTENT_SEQUENTIAL, cb));
    const second = await call<string>((cb) => client.create("/nzc/seq-", Buffer.from("2"), EPHEMERAL_SEQUENTIAL, cb));
    expect(first).toMatch(/^\/nzc\/seq-\d{10}$/);
    expect(second).toMatch(/^\/nzc\/seq-\d{10}$/);
    expect(Number(second.slice(-10))).toBeGreaterThan(Number(first.slice(-10)));
    await call<string>((cb) => client.create("/nzc/eph", Buffer.from("mine"), EPHEMERAL, cb));
    const duplicate = await call<string>((cb) => client.create("/nzc", cb)).catch((e: unknown) => e);
    expect(codeOf(duplicate)).toBe(zookeeper.Exception.NODE_EXISTS);

    const root = await getData(client, "/nzc");
    expect(root.data).toBe("root");
    expect(root.stat.version).toBe(0);
    expect(root.stat.numChildren).toBe(3);
    const eph = await getData(client, "/nzc/eph");
    expect(eph.stat.ephemeralOwner.equals(client.getSessionId())).toBe(true);

    const setStat = await call<zookeeper.Stat>((cb) => client.setData("/nzc", Buffer.from("root-2"), 0, cb));
    expect(setStat.version).toBe(1);
    const stale = await call<zookeeper.Stat>((cb) => client.setData("/nzc", Buffer.from("x"), 0, cb)).catch(
      (e: unknown) => e,
    );
    expect(codeOf(stale)).toBe(zookeeper.Exception.BAD_VERSION);
    expect((await getData(client, "/nzc")).data).toBe("root-2");

    expect(await exists(client, "/nzc/missing")).toBeNull();
    expect((await exists(client, "/nzc"))?.version).toBe(1);
    expect(await children(client, "/nzc")).toEqual(["eph", first.slice(5), second.slice(5)].sort());

    const notEmpty = await call<void>((cb) => client.remove("/nzc", -1, (e) => cb(e, undefined))).catch(
      (e: unknown) => e,
    );
    expect(codeOf(notEmpty)).toBe(zookeeper.Exception.NOT_EMPTY);
    await call<void>((cb) => client.remove(first, 0, (e) => cb(e, undefined)));
    const missing = await call<void>((cb) => client.remove(first, -1, (e) => cb(e, undefined))).catch(
      (e: unknown) => e,
    );
    expect(codeOf(missing)).toBe(zookeeper.Exception.NO_NODE);
  });

  it("commits a multi whole, or rolls it back whole", async () => {
    const client = await connect();
    await call<string>((cb) => client.create("/nzc-txn", Buffer.from("v0"), cb));
    const results = await call<{ type: number; path?: string; stat?: zookeeper.Stat }[]>((cb) =>
      client
        .transaction()
        .create("/nzc-txn/a", Buffer.from("a"))
        .setData("/nzc-txn", Buffer.from("v1"), 0)
        .check("/nzc-txn", 1)
        .remove("/nzc-txn/a", 0)
        .create("/nzc-txn/b")
        .commit(cb),
    );
    // ZooKeeper op codes: create 1, delete 2, setData 5, check 13.
    expect(results.map((r) => r.type)).toEqual([1, 5, 13, 2, 1]);
    expect([results[0]?.path, results[1]?.stat?.version, results[4]?.path]).toEqual(["/nzc-txn/a", 1, "/nzc-txn/b"]);
    expect((await getData(client, "/nzc-txn")).data).toBe("v1");
    expect(await children(client, "/nzc-txn")).toEqual(["b"]);

    const failed = await call<unknown>((cb) =>
      client.transaction().create("/nzc-txn/c").check("/nzc-txn", 7).setData("/nzc-txn", Buffer.from("no")).commit(cb),
    ).catch((e: unknown) => e);
    expect(codeOf(failed)).toBe(zookeeper.Exception.BAD_VERSION);
    expect(await children(client, "/nzc-txn")).toEqual(["b"]);
    expect((await getData(client, "/nzc-txn")).data).toBe("v1");
  });

  it("removes a session's ephemerals when the session closes", async () => {
    const owner = await connect();
    const observer = await connect();
    await call<string>((cb) => owner.create("/nzc-gone", Buffer.from("x"), zookeeper.CreateMode.EPHEMERAL, cb));
    await waitFor(
      "the ephemeral to be visible to the second session",
      async () => (await exists(observer, "/nzc-gone")) !== null,
    );
    owner.close();
    await waitFor(
      "the ephemeral to vanish with its session",
      async () => (await exists(observer, "/nzc-gone")) === null,
    );
  });

  it("fires data, children and exists watches once each", async () => {
    const watching = await connect(target.hostOf(target.memberIds[0] as number));
    const changing = await connect(target.hostOf(target.memberIds[1] as number));
    await call<string>((cb) => changing.create("/nzc-watch", Buffer.from("v0"), cb));
    await waitFor("the node to reach the watching member", async () => (await exists(watching, "/nzc-watch")) !== null);

    const events: string[] = [];
    const record = (event: zookeeper.Event) => events.push(`${event.getName()} ${event.getPath()}`);
    await new Promise<void>((resolve, reject) =>
      watching.getData("/nzc-watch", record, (error) => (error ? reject(error) : resolve())),
    );
    await new Promise<void>((resolve, reject) =>
      watching.getChildren("/nzc-watch", record, (error) => (error ? reject(error) : resolve())),
    );
    await new Promise<void>((resolve, reject) =>
      watching.exists("/nzc-watch-later", record, (error) => (error ? reject(error) : resolve())),
    );

    await call<zookeeper.Stat>((cb) => changing.setData("/nzc-watch", Buffer.from("v1"), cb));
    await call<string>((cb) => changing.create("/nzc-watch/kid", cb));
    await call<string>((cb) => changing.create("/nzc-watch-later", cb));
    // Second changes must not fire the one-shot watches again.
    await call<zookeeper.Stat>((cb) => changing.setData("/nzc-watch", Buffer.from("v2"), cb));
    await call<string>((cb) => changing.create("/nzc-watch/kid-2", cb));
    await call<void>((cb) => changing.remove("/nzc-watch-later", -1, (e) => cb(e, undefined)));

    // A client sees a watch event before the data that caused it: once the watching session reads
    // the last changes, every event they could have caused has been delivered.
    await waitFor(
      "the watching session to see the last changes",
      async () =>
        (await getData(watching, "/nzc-watch")).data === "v2" &&
        (await children(watching, "/nzc-watch")).length === 2 &&
        (await exists(watching, "/nzc-watch-later")) === null,
      { describe: () => `events so far: ${JSON.stringify(events)}` },
    );
    expect(events.sort()).toEqual(
      ["NODE_DATA_CHANGED /nzc-watch", "NODE_CHILDREN_CHANGED /nzc-watch", "NODE_CREATED /nzc-watch-later"].sort(),
    );
  });
});

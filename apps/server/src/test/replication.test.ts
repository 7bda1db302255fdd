/**
 * A real 3-node ensemble on loopback: writes made through any member are committed by the quorum
 * and readable on every member; conditional writes and multi behave as in ZooKeeper; followers
 * forward writes to the leader. Servers are real processes with real SQLite files.
 */
import { Ensemble, httpClient } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOnce, eventually, expectKeelError } from "./helpers.js";

let ensemble: Ensemble;

beforeAll(async () => {
  ensemble = await Ensemble.start({ voters: 3 });
  await ensemble.waitForLeader();
});
afterAll(async () => {
  await ensemble?.close();
});

describe("replication", () => {
  it("elects exactly one leader and the others follow it", async () => {
    const statuses = await Promise.all(ensemble.members.map((m) => ensemble.status(m.id)));
    const leaders = statuses.filter((s) => s?.role === "leading");
    expect(leaders).toHaveLength(1);
    const leaderId = leaders[0]?.serverId;
    for (const status of statuses) {
      expect(status?.leaderId).toBe(leaderId);
      if (status?.serverId !== leaderId) expect(status?.role).toBe("following");
    }
  });

  it("a write on any member is readable on all members", async () => {
    for (const writer of ensemble.members) {
      const path = `/written-via-${writer.id}`;
      const created = await createOnce(httpClient(writer.clientUrl), { path, data: `hello from ${writer.id}` });
      expect(created.path).toBe(path);
      for (const reader of ensemble.members) {
        const client = httpClient(reader.clientUrl);
        // A linearizable read syncs through the leader: it must see the acknowledged write at once.
        const node = await client.node.get.query({ path, linearizable: true });
        expect(node.data).toBe(`hello from ${writer.id}`);
        expect(node.stat.czxid).toBe(created.stat.czxid);
      }
    }
  });

  it("plain reads on followers converge on the same tree", async () => {
    const writer = httpClient(ensemble.members[0]?.clientUrl as string);
    await createOnce(writer, { path: "/converge" });
    for (let i = 0; i < 20; i++) await writer.node.create.mutate({ path: `/converge/c${i}`, data: String(i) });
    for (const member of ensemble.members) {
      await eventually(
        async () => {
          const { children } = await httpClient(member.clientUrl).node.children.query({ path: "/converge" });
          return children.length === 20;
        },
        10_000,
        `member ${member.id} to apply 20 children`,
      );
    }
  });

  it("conditional set and delete check versions (BADVERSION) and existence (NONODE, NODEEXISTS)", async () => {
    const client = httpClient(ensemble.members[1]?.clientUrl as string);
    await createOnce(client, { path: "/versioned", data: "v0" });
    await expectKeelError(client.node.create.mutate({ path: "/versioned" }), "NODEEXISTS");
    const set1 = await client.node.set.mutate({ path: "/versioned", data: "v1", version: 0 });
    expect(set1.stat.version).toBe(1);
    await expectKeelError(client.node.set.mutate({ path: "/versioned", data: "stale", version: 0 }), "BADVERSION");
    await expectKeelError(client.node.delete.mutate({ path: "/versioned", version: 0 }), "BADVERSION");
    await client.node.delete.mutate({ path: "/versioned", version: 1 });
    await expectKeelError(client.node.get.query({ path: "/versioned" }), "NONODE");
    await expectKeelError(client.node.create.mutate({ path: "/no/parent" }), "NONODE");
  });

  it("sequential nodes get increasing 10-digit suffixes", async () => {
    const client = httpClient(ensemble.members[2]?.clientUrl as string);
    await createOnce(client, { path: "/queue" });
    const first = await client.node.create.mutate({ path: "/queue/item-", kind: "persistent_sequential" });
    const second = await client.node.create.mutate({ path: "/queue/item-", kind: "persistent_sequential" });
    expect(first.path).toMatch(/^\/queue\/item-\d{10}$/);
    expect(second.path > first.path).toBe(true);
  });

  it("multi is all-or-nothing", async () => {
    const client = httpClient(ensemble.members[0]?.clientUrl as string);
    await createOnce(client, { path: "/multi" });
    const failed = await client.node.multi.mutate({
      ops: [
        { type: "create", path: "/multi/a", kind: "persistent" },
        { type: "check", path: "/multi", version: 42 },
      ],
    });
    expect(failed.results[0]).toMatchObject({ type: "error", code: "OK" });
    expect(failed.results[1]).toMatchObject({ type: "error", code: "BADVERSION" });
    await expectKeelError(client.node.get.query({ path: "/multi/a" }), "NONODE");
    const done = await client.node.multi.mutate({
      ops: [
        { type: "create", path: "/multi/a", kind: "persistent", data: "x" },
        { type: "set", path: "/multi/a", data: "y", version: 0 },
      ],
    });
    expect(done.results.map((r) => r.type)).toEqual(["create", "set"]);
    expect((await client.node.get.query({ path: "/multi/a" })).data).toBe("y");
  });

  it("rejects bad input with typed errors and keeps serving", async () => {
    const client = httpClient(ensemble.members[0]?.clientUrl as string);
    await expectKeelError(client.node.create.mutate({ path: "no-slash" }), "BADARGUMENTS");
    await expectKeelError(client.node.create.mutate({ path: "/trailing/" }), "BADARGUMENTS");
    await expectKeelError(client.node.create.mutate({ path: "/a/../b" }), "BADARGUMENTS");
    const status = await ensemble.status(1);
    expect(status?.role).toMatch(/leading|following/);
  });
});

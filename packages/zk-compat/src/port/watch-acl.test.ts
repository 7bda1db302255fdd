/**
 * ACLs on Keel's ZooKeeper port, over real sockets against a real 3-node ensemble (issue 21): a
 * persistent-recursive watch reports only the nodes its connection may read when the event fires
 * (ZooKeeper's CVE-2024-23944), an AuthPacket sent later widens that from then on, and /keel/auth
 * answers NOAUTH even to exists, so user names cannot be probed over the wire.
 */
import { ERROR_CODES, ZK_EVENT, type ZkRequest } from "@keel/core";
import { Ensemble } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawZkClient } from "./raw-client.js";

let ensemble: Ensemble;
const clients: RawZkClient[] = [];
const text = (value: string) => new TextEncoder().encode(value);
const OPEN_ACL = [{ perms: 31, id: { scheme: "world", id: "anyone" } }] as const;
// digest:alice:secret as ZooKeeper stores it (the same id protocol.test.ts checks).
const ALICE_ONLY = [{ perms: 31, id: { scheme: "digest", id: "alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=" } }] as const;

function create(path: string, acl: typeof OPEN_ACL | typeof ALICE_ONLY = OPEN_ACL): ZkRequest {
  return { op: "create", path, data: text(""), acl, flags: 0 };
}

async function session(id: number): Promise<RawZkClient> {
  const client = await RawZkClient.open(ensemble.member(id).zkPort);
  clients.push(client);
  if ((await client.handshake()) === undefined) throw new Error(`member ${id} refused the session`);
  return client;
}

function authenticateAsAlice(client: RawZkClient): void {
  client.send({ op: "auth", type: 0, scheme: "digest", auth: text("alice:secret") }, -4);
}

async function ok(client: RawZkClient, request: ZkRequest): Promise<void> {
  expect((await client.reply(client.send(request))).header.err).toBe(0);
}

beforeAll(async () => {
  ensemble = await Ensemble.start({ voters: 3 });
  await ensemble.waitForLeader();
});

afterAll(async () => {
  for (const client of clients) client.close();
  await ensemble?.close();
});

describe("persistent watches and ACLs", () => {
  it("report to a recursive watcher only the nodes it may read, in order, widening after its AuthPacket", async () => {
    const writer = await session(1);
    authenticateAsAlice(writer);
    await ok(writer, create("/cve"));
    const watcher = await session(2);
    await ok(watcher, { op: "addWatch", path: "/cve", mode: 1 });

    await ok(writer, create("/cve/secret", ALICE_ONLY));
    await ok(writer, create("/cve/secret/child", ALICE_ONLY));
    await ok(writer, { op: "delete", path: "/cve/secret/child", version: -1 }); // gone: /cve/secret decides
    await ok(writer, create("/cve/open"));
    // Events arrive in txn order: once /cve/open's is in, any event of the secret nodes would be too.
    await watcher.until(() => watcher.notifications().some((n) => n.event.path === "/cve/open"));
    expect(watcher.notifications().map((n) => [n.event.type, n.event.path])).toEqual([
      [ZK_EVENT.nodeCreated, "/cve/open"],
    ]);

    authenticateAsAlice(watcher);
    await ok(watcher, { op: "exists", path: "/", watch: false }); // the AuthPacket is answered before this
    await ok(writer, create("/cve/secret/later", ALICE_ONLY));
    await watcher.until(() => watcher.notifications().length >= 2);
    expect(watcher.notifications().map((n) => [n.event.type, n.event.path])[1]).toEqual([
      ZK_EVENT.nodeCreated,
      "/cve/secret/later",
    ]);
  });

  it("answer NOAUTH for /keel/auth, existing or not, even to exists", async () => {
    const client = await session(3);
    for (const path of ["/keel/auth", "/keel/auth/users/alice", "/keel/auth/nobody"]) {
      for (const request of [
        { op: "exists", path, watch: true },
        { op: "getData", path, watch: false },
        { op: "getChildren2", path, watch: false },
      ] as const) {
        const reply = await client.reply(client.send(request));
        expect(reply.header.err, `${request.op} ${path}`).toBe(ERROR_CODES.NOAUTH);
      }
      const made = await client.reply(client.send(create(`${path}/x`)));
      expect(made.header.err, `create under ${path}`).toBe(ERROR_CODES.NOAUTH);
    }
  });
});

/**
 * Keel's ZooKeeper port at the protocol level, against a real 3-node ensemble: the session
 * handshake's cases (new, resumed on another member, invalid, a client ahead of the server, an old
 * client without the readOnly byte), replies in request order under pipelining, notifications
 * before the reply that caused them, refusals that close the connection, auth, SetWatches on
 * resume, persistent watches, one model with the HTTP API, and the four-letter words
 * (docs/zookeeper-compat.md).
 */
import { ERROR_CODES, ZK_EVENT, type ZkRequest, type ZkResponse } from "@keel/core";
import { Ensemble, httpClient } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fourLetterWord, type HandshakeOptions, RawZkClient } from "./raw-client.js";

/** The names of a getChildren reply's children. */
function childrenOf(response: ZkResponse | undefined): string[] {
  if (response?.op !== "getChildren") throw new Error(`expected children, got ${response?.op}`);
  return [...response.children];
}

let ensemble: Ensemble;
const clients: RawZkClient[] = [];
const text = (value: string) => new TextEncoder().encode(value);
const OPEN_ACL = [{ perms: 31, id: { scheme: "world", id: "anyone" } }] as const;

function create(path: string, data = "", flags = 0): ZkRequest {
  return { op: "create", path, data: text(data), acl: OPEN_ACL, flags };
}

/** A connected client with a new session on member `id`. */
async function session(id: number, request: HandshakeOptions = {}) {
  const client = await RawZkClient.open(ensemble.member(id).zkPort);
  clients.push(client);
  const response = await client.handshake(request);
  if (response === undefined) throw new Error(`member ${id} refused the session`);
  return { client, response };
}

beforeAll(async () => {
  ensemble = await Ensemble.start({ voters: 3 });
  await ensemble.waitForLeader();
});

afterAll(async () => {
  for (const client of clients) client.close();
  await ensemble?.close();
});

describe("the session handshake", () => {
  it("creates a session with a negotiated timeout and resumes it on another member", async () => {
    const { client, response } = await session(1, { timeOut: 1 });
    expect(response.sessionId).toBeGreaterThan(0n);
    expect(response.passwd.length).toBe(16);
    expect(response.readOnly).toBe(false);
    expect(response.timeOut).toBeGreaterThan(1); // raised to minSessionTimeoutMs
    const created = client.send(create("/resume-me", "", 1)); // an ephemeral
    expect((await client.reply(created)).header.err).toBe(0);
    client.close();

    const { response: resumed } = await session(2, { sessionId: response.sessionId, passwd: response.passwd });
    expect(resumed.sessionId).toBe(response.sessionId);
    expect(resumed.passwd).toEqual(response.passwd);
    expect(resumed.timeOut).toBe(response.timeOut);
  });

  it("answers a wrong password or an unknown session with timeout 0, then closes", async () => {
    const { response } = await session(1);
    const wrong = await RawZkClient.open(ensemble.member(3).zkPort);
    clients.push(wrong);
    const answer = await wrong.handshake({ sessionId: response.sessionId, passwd: new Uint8Array(16).fill(7) });
    expect(answer).toMatchObject({ timeOut: 0, sessionId: 0n });
    await wrong.waitClosed();

    const unknown = await RawZkClient.open(ensemble.member(3).zkPort);
    clients.push(unknown);
    expect(await unknown.handshake({ sessionId: 0x7fff_0000n, passwd: new Uint8Array(16) })).toMatchObject({
      timeOut: 0,
    });
    await unknown.waitClosed();
  });

  it("closes without an answer when the client has seen a newer zxid than the server", async () => {
    const ahead = await RawZkClient.open(ensemble.member(2).zkPort);
    clients.push(ahead);
    expect(await ahead.handshake({ lastZxidSeen: 1n << 60n })).toBeUndefined();
    expect(ahead.closed).toBe(true);
  });

  it("omits the readOnly byte for an old client that did not send it", async () => {
    const { response } = await session(1, { readOnly: undefined });
    expect(response.readOnly).toBeUndefined();
  });
});

describe("requests", () => {
  it("answers pipelined requests in order, each read seeing the writes sent before it", async () => {
    const { client } = await session(2);
    const root = client.send(create("/pipe"));
    const xids: number[] = [root];
    const reads: { xid: number; index: number }[] = [];
    for (let index = 0; index < 40; index++) {
      xids.push(client.send(create(`/pipe/n-${index}`, `v${index}`)));
      const read = client.send({ op: "getChildren", path: "/pipe", watch: false });
      xids.push(read);
      reads.push({ xid: read, index });
    }
    await client.reply(xids[xids.length - 1] as number);
    expect(client.replies().map((reply) => reply.header.xid)).toEqual(xids);
    for (const { xid, index } of reads) {
      const reply = await client.reply(xid);
      expect(reply.response).toMatchObject({ op: "getChildren" });
      const children = childrenOf(reply.response);
      expect(children.length).toBe(index + 1);
    }
  });

  it("sends a watch notification before the reply of the write that fired it", async () => {
    const { client } = await session(3);
    expect((await client.reply(client.send(create("/watched", "a")))).header.err).toBe(0);
    await client.reply(client.send({ op: "getData", path: "/watched", watch: true }));
    const set = client.send({ op: "setData", path: "/watched", data: text("b"), version: -1 });
    await client.reply(set);
    const frames = client.received.flatMap((r) => (r.kind === "frame" ? [r.reply] : []));
    const eventAt = frames.findIndex((f) => f.kind === "notification" && f.event.path === "/watched");
    const replyAt = frames.findIndex((f) => f.kind === "reply" && f.header.xid === set);
    expect(eventAt).toBeGreaterThanOrEqual(0);
    expect(eventAt).toBeLessThan(replyAt);
    expect(frames[eventAt]).toMatchObject({ event: { type: ZK_EVENT.nodeDataChanged, state: 3 } });
  });

  it("answers an unknown op code with UNIMPLEMENTED and closes; the session lives on", async () => {
    const { client, response } = await session(1);
    client.writeRaw(new Uint8Array([0, 0, 0, 8, 0, 0, 0, 9, 0, 0, 3, 0xe7])); // xid 9, op 999
    const reply = await client.reply(9);
    expect(reply.header).toEqual({ xid: 9, zxid: -1n, err: ERROR_CODES.UNIMPLEMENTED });
    await client.waitClosed();
    const { response: again } = await session(1, { sessionId: response.sessionId, passwd: response.passwd });
    expect(again.sessionId).toBe(response.sessionId);
  });

  it("refuses check outside a multi as ZooKeeper does (UNIMPLEMENTED, close)", async () => {
    const { client } = await session(2);
    const xid = client.send({ op: "check", path: "/", version: -1 });
    expect((await client.reply(xid)).header.err).toBe(ERROR_CODES.UNIMPLEMENTED);
    await client.waitClosed();
  });

  it("answers a body it cannot decode with MARSHALLINGERROR and keeps the connection", async () => {
    const { client } = await session(2);
    // getData (op 4) whose path claims 200 bytes but carries 3.
    client.writeRaw(new Uint8Array([0, 0, 0, 15, 0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0, 200, 0x2f, 0x61, 0x62]));
    expect((await client.reply(5)).header.err).toBe(ERROR_CODES.MARSHALLINGERROR);
    const ping = await client.reply(client.send({ op: "exists", path: "/", watch: false }));
    expect(ping.header.err).toBe(0);
    expect(client.closed).toBe(false);
  });

  it("authenticates digest users against digest ACLs and closes on an unknown scheme", async () => {
    const { client } = await session(1);
    const auth = (scheme: string, value: string) => client.send({ op: "auth", type: 0, scheme, auth: text(value) }, -4);
    auth("digest", "alice:secret");
    const acl = [{ perms: 31, id: { scheme: "digest", id: "alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=" } }];
    const made = client.send({ op: "create", path: "/alice", data: text("s"), acl, flags: 0 });
    expect((await client.reply(made)).header.err).toBe(0);
    const who = await client.reply(client.send({ op: "whoAmI" }));
    expect(who.response).toMatchObject({
      clientInfo: [
        { authScheme: "ip", user: "127.0.0.1" },
        { authScheme: "digest", user: "alice:aYXlLOpEooaV1cRAvUL1fp9Qt7E=" },
      ],
    });

    const { client: stranger } = await session(2);
    const read = await stranger.reply(stranger.send({ op: "getData", path: "/alice", watch: false }));
    expect(read.header.err).toBe(ERROR_CODES.NOAUTH);
    stranger.send({ op: "auth", type: 0, scheme: "kerberos", auth: text("x") }, -4);
    await stranger.waitClosed();
    expect(stranger.replies().at(-1)?.header).toMatchObject({ xid: -4, err: ERROR_CODES.AUTHFAILED });
  });

  it("fires SetWatches' catch-up events before its reply on resume", async () => {
    const { client, response } = await session(1);
    const made = await client.reply(client.send(create("/sw", "1")));
    const seen = made.header.zxid;
    client.close();
    const { client: other } = await session(2);
    await other.reply(other.send({ op: "setData", path: "/sw", data: text("2"), version: -1 }));

    const { client: back } = await session(3, {
      sessionId: response.sessionId,
      passwd: response.passwd,
      lastZxidSeen: seen,
    });
    const lists = { dataWatches: ["/sw"], existWatches: ["/sw-missing"], childWatches: [] };
    back.send(
      {
        op: "setWatches",
        relativeZxid: seen,
        watches: { ...lists, persistentWatches: [], persistentRecursiveWatches: [] },
      },
      -8,
    );
    await back.reply(-8);
    const frames = back.received.flatMap((r) => (r.kind === "frame" ? [r.reply] : []));
    expect(frames[0]).toMatchObject({ kind: "notification", event: { type: ZK_EVENT.nodeDataChanged, path: "/sw" } });
    expect(frames[1]).toMatchObject({ kind: "reply", header: { xid: -8, err: 0 } });
    // The exist watch was set: creating the node fires it.
    await back.reply(back.send(create("/sw-missing")));
    expect(back.notifications().map((n) => n.event)).toContainEqual({
      type: ZK_EVENT.nodeCreated,
      state: 3,
      path: "/sw-missing",
    });
  });

  it("delivers persistent recursive watches for every node below the path", async () => {
    const { client } = await session(2);
    await client.reply(client.send(create("/tree")));
    const add = await client.reply(client.send({ op: "addWatch", path: "/tree", mode: 1 }));
    expect(add.response).toEqual({ op: "errorResponse", err: 0 });
    const { client: writer } = await session(3);
    await writer.reply(writer.send(create("/tree/a")));
    await writer.reply(writer.send(create("/tree/a/b")));
    await writer.reply(writer.send({ op: "delete", path: "/tree/a/b", version: -1 }));
    await client.until(() => client.notifications().length >= 3);
    expect(client.notifications().map((n) => [n.event.type, n.event.path])).toEqual([
      [ZK_EVENT.nodeCreated, "/tree/a"],
      [ZK_EVENT.nodeCreated, "/tree/a/b"],
      [ZK_EVENT.nodeDeleted, "/tree/a/b"],
    ]);
    const removed = await client.reply(client.send({ op: "removeWatches", path: "/tree", type: 3 }));
    expect(removed.header.err).toBe(0);
    const again = await client.reply(client.send({ op: "checkWatches", path: "/tree", type: 3 }));
    expect(again.header.err).toBe(ERROR_CODES.NOWATCHER);
  });

  it("shares one tree and one set of sessions with the HTTP API; closeSession removes ephemerals", async () => {
    const { client, response } = await session(1);
    await client.reply(client.send(create("/shared")));
    await client.reply(client.send(create("/shared/eph", "wire", 1)));
    const http = httpClient(ensemble.member(3).clientUrl);
    const node = await http.node.get.query({ path: "/shared/eph", linearizable: true });
    expect(node.stat.ephemeralOwner).toBe(response.sessionId.toString());
    // The console's session list shows the wire session, attached to the member it is connected to.
    const listed = (await httpClient(ensemble.member(1).clientUrl).session.list.query({})).sessions.find(
      (entry) => entry.sessionId === response.sessionId.toString(),
    );
    expect(listed).toMatchObject({ ephemerals: 1, attached: { serverId: 1 } });
    expect(listed?.clientAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    await http.node.create.mutate({ path: "/shared/from-http", data: "x" });
    const sync = client.send({ op: "sync", path: "/shared" });
    await client.reply(sync);
    const listing = await client.reply(client.send({ op: "getChildren", path: "/shared", watch: false }));
    expect(childrenOf(listing.response).sort()).toEqual(["eph", "from-http"]);
    const mine = await client.reply(client.send({ op: "getEphemerals", prefixPath: "/" }));
    expect(mine.response).toEqual({ op: "getEphemerals", ephemerals: ["/shared/eph"] });

    const close = client.send({ op: "closeSession" });
    expect((await client.reply(close)).header.err).toBe(0);
    await client.waitClosed();
    const gone = await http.node.exists.query({ path: "/shared/eph", linearizable: true });
    expect(gone.stat).toBeNull();
  });
});

describe("four-letter words", () => {
  it("answers ruok, srvr, stat, mntr, cons, wchs and isro on the ZooKeeper port", async () => {
    const leader = await ensemble.waitForLeader();
    const { client } = await session(leader);
    await client.reply(client.send(create("/flw")));
    await client.reply(client.send({ op: "getData", path: "/flw", watch: true }));
    const port = ensemble.member(leader).zkPort;
    expect(await fourLetterWord(port, "ruok")).toBe("imok");
    expect(await fourLetterWord(port, "isro")).toBe("rw");
    const srvr = await fourLetterWord(port, "srvr");
    expect(srvr).toMatch(/^Zookeeper version: Keel /);
    expect(srvr).toContain("Mode: leader\n");
    expect(srvr).toMatch(/Zxid: 0x[0-9a-f]+\n/);
    expect(await fourLetterWord(port, "stat")).toMatch(
      /Clients:\n( \/127\.0\.0\.1:\d+\[\d\]\(queued=\d+,recved=\d+,sent=\d+\)\n)+\n/,
    );
    expect(await fourLetterWord(port, "mntr")).toMatch(/^zk_version\t.*\n(.*\n)*zk_server_state\tleader\n/);
    expect(await fourLetterWord(port, "cons")).toMatch(/sid=0x[0-9a-f]+,lop=getData,/);
    expect(await fourLetterWord(port, "wchs")).toMatch(/^\d+ connections watching \d+ paths\nTotal watches:\d+\n$/);
    const follower = ensemble.members.find((m) => m.id !== leader) as { zkPort: number };
    expect(await fourLetterWord(follower.zkPort, "srvr")).toContain("Mode: follower\n");
  });
});

describe("when a member stops serving", () => {
  it("closes its ZooKeeper connections at once, and the session lives on at a serving member", async () => {
    const leader = await ensemble.waitForLeader();
    const followerId = (ensemble.members.find((m) => m.id !== leader) as { id: number }).id;
    const { client, response } = await session(followerId, { timeOut: 30_000 });
    await client.reply(client.send(create("/survivor", "", 1)));
    await ensemble.kill(leader);
    // The follower lost its leader: it closes its client connections instead of serving stale
    // data (long before the 30 s session timeout, which bounds this wait through the test timeout).
    await client.waitClosed();
    const newLeader = await ensemble.waitForLeader({
      ids: ensemble.members.filter((m) => m.id !== leader).map((m) => m.id),
    });
    const { client: moved } = await session(newLeader, { sessionId: response.sessionId, passwd: response.passwd });
    const node = await moved.reply(moved.send({ op: "exists", path: "/survivor", watch: false }));
    expect(node.header.err).toBe(0);
    expect(node.response).toMatchObject({ stat: { ephemeralOwner: response.sessionId } });
  });
});

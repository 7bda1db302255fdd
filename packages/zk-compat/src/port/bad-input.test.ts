/**
 * Hostile or broken input on Keel's ZooKeeper port (docs/zookeeper-compat.md, "Limits"): each
 * case gets a clear error or a close, and a well-behaved client on the same server keeps being
 * served throughout.
 */
import { connect } from "node:net";
import { ERROR_CODES, type ZkRequest } from "@keel/core";
import { Ensemble } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fourLetterWord, RawZkClient } from "./raw-client.js";

/** Polls `condition` until it holds (the test's own timeout bounds it). */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 100));
}

let ensemble: Ensemble;
let port: number;
let bystander: RawZkClient;
const OPEN_ACL = [{ perms: 31, id: { scheme: "world", id: "anyone" } }] as const;

async function open(): Promise<RawZkClient> {
  return RawZkClient.open(port);
}

async function connected(): Promise<RawZkClient> {
  const client = await open();
  if ((await client.handshake()) === undefined) throw new Error("no session");
  return client;
}

/** The bystander still gets answers: the server kept serving everyone else. */
async function bystanderServed(): Promise<void> {
  const reply = await bystander.reply(bystander.send({ op: "exists", path: "/", watch: false }));
  expect(reply.header.err).toBe(0);
}

function header(length: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setInt32(0, length);
  return bytes;
}

beforeAll(async () => {
  ensemble = await Ensemble.start({ voters: 3 });
  const leader = await ensemble.waitForLeader();
  port = ensemble.member(leader).zkPort;
  bystander = await connected();
});

afterAll(async () => {
  bystander?.close();
  await ensemble?.close();
});

describe("frames the server refuses", () => {
  it.each([
    ["a frame over jute.maxbuffer", 0x100000],
    ["a huge declared length", 0x7fff_ffff],
    ["a negative length", -1],
  ])("closes the connection on %s, before reading its body", async (_name, length) => {
    const client = await connected();
    client.writeRaw(header(length));
    await client.waitClosed();
    await bystanderServed();
  });

  it("closes on data of exactly 1 MiB, as ZooKeeper does (the packet exceeds jute.maxbuffer)", async () => {
    const client = await connected();
    const request: ZkRequest = {
      op: "create",
      path: "/one-mib",
      data: new Uint8Array(1024 * 1024),
      acl: OPEN_ACL,
      flags: 0,
    };
    client.send(request);
    await client.waitClosed();
    expect(client.replies()).toEqual([]);
    await bystanderServed();
  });

  it("closes on garbage in place of a ConnectRequest", async () => {
    const client = await open();
    client.writeRaw(header(12));
    client.writeRaw(new TextEncoder().encode("garbage!!!!!"));
    await client.waitClosed();
    expect(client.received).toEqual([]);
    await bystanderServed();
  });

  it("survives a truncated frame from a client that then disappears", async () => {
    const client = await connected();
    client.writeRaw(header(100));
    client.writeRaw(new Uint8Array(10));
    client.close();
    await bystanderServed();
  });

  it("keeps serving others while a connection sends nothing at all", async () => {
    const silent = await open();
    await bystanderServed();
    expect(silent.closed).toBe(false);
    silent.close();
  });
});

describe("floods", () => {
  it("refuses connections beyond the per-address limit and keeps serving the ones it holds", async () => {
    const sockets = await Promise.all(
      Array.from(
        { length: 300 },
        () =>
          new Promise<{ closedEarly: () => boolean; destroy: () => void }>((resolve) => {
            let closed = false;
            const socket = connect({ host: "127.0.0.1", port }, () =>
              resolve({ closedEarly: () => closed, destroy: () => socket.destroy() }),
            );
            socket.on("close", () => {
              closed = true;
            });
            socket.on("error", () => undefined);
          }),
      ),
    );
    // The default limit is 256 per address, the bystander holds one: at least 45 are refused.
    const deadline = Date.now() + 10_000;
    while (sockets.filter((s) => s.closedEarly()).length < 45 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(sockets.filter((s) => s.closedEarly()).length).toBeGreaterThanOrEqual(45);
    await bystanderServed();
    for (const socket of sockets) socket.destroy();
  });

  it("answers a pipelined burst in order without losing the bystander", async () => {
    const client = await connected();
    const xids = Array.from({ length: 3000 }, () => client.send({ op: "exists", path: "/", watch: false }));
    await client.reply(xids[xids.length - 1] as number);
    expect(client.replies().map((r) => r.header.xid)).toEqual(xids);
    await bystanderServed();
    client.close();
  });

  it("closes a client that stops reading its replies once its backlog is too big", async () => {
    const writer = await connected();
    const big = new Uint8Array(512 * 1024);
    const made = writer.send({ op: "create", path: "/big", data: big, acl: OPEN_ACL, flags: 0 });
    expect((await writer.reply(made)).header.err).toBe(0);
    writer.close();

    const reader = await connected();
    reader.socket.pause(); // never reads again
    for (let i = 0; i < 200; i++) reader.send({ op: "getData", path: "/big", watch: false });
    // A paused socket does not see the server's close: watch the server's own list of connections.
    const mine = `:${reader.socket.localPort}[`;
    await until(async () => !(await fourLetterWord(port, "cons")).includes(mine));
    await bystanderServed();
    reader.socket.resume();
    await reader.waitClosed();
    // It was closed before it had read everything it asked for.
    expect(reader.replies().length).toBeLessThan(200);
    const missing = await bystander.reply(bystander.send({ op: "getData", path: "/nope", watch: false }));
    expect(missing.header.err).toBe(ERROR_CODES.NONODE);
  });
});

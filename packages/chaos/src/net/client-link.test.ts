/**
 * ClientLink on real sockets against a local echo server: bytes flow through, a frozen link holds
 * them (and a side's end) until the thaw and then delivers them in order, a connection to a member
 * that is down is closed for the client, and close() ends everything without an error escaping.
 * Nothing waits on a speed: "held" is checked after a short pause, "delivered" by polling.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { pollFor, sleep } from "../harness/util.js";
import { ClientLink } from "./client-link.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An echo server that also records what it received and whether the client ended. */
async function echoServer(): Promise<{ url: string; received: () => string; ended: () => boolean }> {
  let received = "";
  let ended = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("data", (chunk) => {
      received += chunk.toString();
      socket.write(chunk);
    });
    socket.on("end", () => {
      ended = true;
      socket.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, received: () => received, ended: () => ended };
}

async function openLink(targets: string[]): Promise<ClientLink> {
  const link = await ClientLink.open(targets);
  cleanups.push(() => link.close());
  return link;
}

function dial(url: string): { socket: Socket; echoed: () => string; closed: () => boolean } {
  const target = new URL(url);
  const socket = tcpConnect(Number(target.port), target.hostname);
  let echoed = "";
  let closed = false;
  socket.on("error", () => {});
  socket.on("data", (chunk) => {
    echoed += chunk.toString();
  });
  socket.on("close", () => {
    closed = true;
  });
  cleanups.push(async () => {
    socket.destroy();
  });
  return { socket, echoed: () => echoed, closed: () => closed };
}

describe("ClientLink", () => {
  it("relays each port to its own member", async () => {
    const [a, b] = [await echoServer(), await echoServer()];
    const link = await openLink([a.url, b.url]);
    expect(link.urls).toHaveLength(2);
    const toA = dial(link.urls[0] as string);
    const toB = dial(link.urls[1] as string);
    toA.socket.write("to-a");
    toB.socket.write("to-b");
    expect(await pollFor(() => (toA.echoed() === "to-a" && toB.echoed() === "to-b" ? true : undefined), 10_000)).toBe(
      true,
    );
    expect(a.received()).toBe("to-a");
    expect(b.received()).toBe("to-b");
  });

  it("holds bytes and ends while frozen, then delivers them in order on thaw", async () => {
    const server = await echoServer();
    const link = await openLink([server.url]);
    const client = dial(link.urls[0] as string);
    client.socket.write("before ");
    expect(await pollFor(() => (client.echoed() === "before " ? true : undefined), 10_000)).toBe(true);

    link.freeze();
    client.socket.write("during-1 ");
    client.socket.write("during-2");
    client.socket.end();
    await sleep(300);
    expect(server.received()).toBe("before ");
    expect(server.ended()).toBe(false);
    expect(client.closed()).toBe(false);

    link.thaw();
    expect(await pollFor(() => (server.ended() ? true : undefined), 10_000)).toBe(true);
    expect(server.received()).toBe("before during-1 during-2");
    expect(await pollFor(() => (client.closed() ? true : undefined), 10_000)).toBe(true);
    expect(client.echoed()).toBe("before during-1 during-2");
  });

  it("holds a connection opened while frozen and relays it after the thaw", async () => {
    const server = await echoServer();
    const link = await openLink([server.url]);
    link.freeze();
    const client = dial(link.urls[0] as string);
    client.socket.write("late");
    await sleep(300);
    expect(server.received()).toBe("");
    link.thaw();
    expect(await pollFor(() => (client.echoed() === "late" ? true : undefined), 10_000)).toBe(true);
  });

  it("closes the client's connection when its member is down, with no error escaping", async () => {
    const server = await echoServer();
    const downUrl = server.url;
    await cleanups.pop()?.(); // the member goes down: nothing listens on its port any more
    const link = await openLink([downUrl]);
    const client = dial(link.urls[0] as string);
    client.socket.write("anyone?");
    expect(await pollFor(() => (client.closed() ? true : undefined), 10_000)).toBe(true);
  });

  it("close() ends every connection, frozen or not", async () => {
    const server = await echoServer();
    const link = await ClientLink.open([server.url]);
    const client = dial(link.urls[0] as string);
    client.socket.write("x");
    expect(await pollFor(() => (client.echoed() === "x" ? true : undefined), 10_000)).toBe(true);
    link.freeze();
    await link.close();
    expect(await pollFor(() => (client.closed() ? true : undefined), 10_000)).toBe(true);
  });
});

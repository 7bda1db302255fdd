/**
 * The SDK's WebSocket link against a scripted socket: what it sends for calls made in one turn,
 * how it hands answers, errors and stream events to tRPC's client, and what its death does to the
 * calls in flight.
 */
import type { AppRouter } from "@keel/api";
import { createTRPCClient } from "@trpc/client";
import { describe, expect, it } from "vitest";
import { fromCallError } from "./errors.js";
import { type LinkWebSocket, SocketLink } from "./ws-link.js";

type Listener = (event: { data?: unknown }) => void;

class ScriptedSocket implements LinkWebSocket {
  readyState = 0;
  readonly sent: unknown[] = [];
  closed = false;
  private readonly listeners = new Map<string, Listener[]>();

  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  send(data: string): void {
    this.sent.push(JSON.parse(data));
  }

  close(): void {
    this.closed = true;
  }

  emit(type: string, data?: unknown): void {
    if (type === "open") this.readyState = 1;
    for (const listener of this.listeners.get(type) ?? []) listener({ data });
  }

  answer(message: unknown): void {
    this.emit("message", JSON.stringify(message));
  }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

type Via = "client" | "tRPC link";

function connect(via: Via, requestBytesMax = 1 << 20) {
  const socket = new ScriptedSocket();
  const deaths: { reason: string; deadAtCall: boolean }[] = [];
  let opened = 0;
  const link: SocketLink = new SocketLink({
    socket,
    requestBytesMax,
    onOpen: () => {
      opened += 1;
    },
    onDead: (reason) => deaths.push({ reason, deadAtCall: link.dead }),
  });
  const trpc = via === "client" ? link.client : createTRPCClient<AppRouter>({ links: [link.link] });
  return { socket, link, trpc, deaths, opened: () => opened };
}

describe.each<Via>(["client", "tRPC link"])("SocketLink through its %s", (via) => {
  it("holds calls until the socket opens, then sends the calls of one turn as one message", async () => {
    const { socket, trpc, opened } = connect(via);
    const first = trpc.node.get.query({ path: "/a" });
    const second = trpc.node.exists.query({ path: "/b" });
    await nextTurn();
    expect(socket.sent).toEqual([]);
    socket.emit("open");
    expect(opened()).toBe(1);
    expect(socket.sent).toEqual([
      [
        { id: 1, method: "query", params: { path: "node.get", input: { path: "/a" } } },
        { id: 2, method: "query", params: { path: "node.exists", input: { path: "/b" } } },
      ],
    ]);
    socket.answer([
      { id: 2, result: { type: "data", data: { stat: null } } },
      { id: 1, result: { type: "data", data: { path: "/a" } } },
    ]);
    await expect(first).resolves.toEqual({ path: "/a" });
    await expect(second).resolves.toEqual({ stat: null });
  });

  it("sends a lone call as a plain message, without waiting for a timer", async () => {
    const { socket, trpc } = connect(via);
    socket.emit("open");
    const call = trpc.node.sync.mutate({ path: "/" });
    await nextTurn();
    expect(socket.sent).toEqual([{ id: 1, method: "mutation", params: { path: "node.sync", input: { path: "/" } } }]);
    socket.answer({ id: 1, result: { type: "data", data: { zxid: "5" } } });
    await expect(call).resolves.toEqual({ zxid: "5" });
  });

  it("splits the calls of one turn into messages under the size cap", async () => {
    const { socket, trpc } = connect(via, 400);
    socket.emit("open");
    const calls = [0, 1, 2, 3].map((index) => trpc.node.get.query({ path: `/${"x".repeat(100)}${index}` }));
    await nextTurn();
    expect(socket.sent.length).toBeGreaterThan(1);
    const ids = socket.sent.flatMap((message) => (Array.isArray(message) ? message : [message])).map((m) => m.id);
    expect(ids).toEqual([1, 2, 3, 4]);
    for (const message of socket.sent) expect(JSON.stringify(message).length).toBeLessThanOrEqual(400);
    for (const id of ids) socket.answer({ id, result: { type: "data", data: id } });
    await expect(Promise.all(calls)).resolves.toEqual([1, 2, 3, 4]);
  });

  it("turns a server error into the typed error its keelCode names", async () => {
    const { socket, trpc } = connect(via);
    socket.emit("open");
    const call = trpc.node.get.query({ path: "/missing" });
    await nextTurn();
    socket.answer({
      id: 1,
      error: { code: -32004, message: "no node /missing", data: { keelCode: "NONODE", path: "/missing" } },
    });
    const error = await call.catch((caught: unknown) => caught);
    expect(fromCallError(error)).toMatchObject({ code: "NONODE", path: "/missing" });
  });

  it("delivers a stream's start and events, and stops it on the server when unsubscribed", async () => {
    const { socket, trpc } = connect(via);
    socket.emit("open");
    const seen: unknown[] = [];
    let started = 0;
    const subscription = trpc.watch.events.subscribe(
      { path: "/w", mode: "persistent" },
      { onStarted: () => (started += 1), onData: (data) => seen.push(data) },
    );
    await nextTurn();
    socket.answer({ id: 1, result: { type: "started" } });
    socket.answer({ id: 1, result: { type: "data", id: "7", data: { id: "7", data: { type: "NodeCreated" } } } });
    expect(started).toBe(1);
    expect(seen).toEqual([{ id: "7", data: { type: "NodeCreated" } }]);
    subscription.unsubscribe();
    await nextTurn();
    expect(socket.sent.at(-1)).toEqual({ id: 1, method: "subscription.stop" });
    socket.answer({ id: 1, result: { type: "data", id: "8", data: { id: "8", data: {} } } });
    expect(seen).toHaveLength(1);
  });

  it("on the socket's death fails the calls in flight, completes the streams, and is dead before either hears", async () => {
    const { socket, link, trpc, deaths } = connect(via);
    socket.emit("open");
    const call = trpc.node.set.mutate({ path: "/a", data: "x" });
    let completedWhileDead: boolean | undefined;
    trpc.watch.events.subscribe(
      { path: "/w", mode: "persistent" },
      { onComplete: () => (completedWhileDead = link.dead) },
    );
    await nextTurn();
    socket.emit("close");
    const error = await call.catch((caught: unknown) => caught);
    expect(fromCallError(error).code).toBe("CONNECTIONLOSS");
    expect(completedWhileDead).toBe(true);
    expect(deaths).toEqual([{ reason: "the connection closed", deadAtCall: true }]);
    socket.emit("error");
    expect(deaths).toHaveLength(1);
    await expect(trpc.node.get.query({ path: "/a" })).rejects.toThrow(/WebSocket closed/);
  });

  it("dies when the server asks its clients to reconnect, and when it sends what is not JSON", async () => {
    for (const [message, reason] of [
      [JSON.stringify({ id: null, method: "reconnect" }), "the member is shutting down"],
      ["{not json", "the server sent a message that is not JSON"],
    ] as const) {
      const { socket, deaths } = connect(via);
      socket.emit("open");
      socket.emit("message", message);
      expect(deaths.map((death) => death.reason)).toEqual([reason]);
      expect(socket.closed).toBe(true);
    }
  });

  it("an aborted call gives up without an answer; a late answer is ignored", async () => {
    const { socket, trpc } = connect(via);
    socket.emit("open");
    const controller = new AbortController();
    const call = trpc.node.get.query({ path: "/slow" }, { signal: controller.signal });
    await nextTurn();
    controller.abort();
    await expect(call).rejects.toThrow();
    socket.answer({ id: 1, result: { type: "data", data: "late" } });
  });
});

describe("SocketLink's client", () => {
  it("is not a thenable, and refuses a path that does not end in query, mutate or subscribe", async () => {
    const { link } = connect("client");
    expect((link.client as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await Promise.resolve(link.client)).toBe(link.client);
    const node = link.client.node as unknown as { get: (input: unknown) => unknown };
    expect(() => node.get({ path: "/a" })).toThrow(/node\.get is not a procedure call/);
  });
});

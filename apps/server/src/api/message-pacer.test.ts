import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import type { WebSocket } from "ws";
import { MessagePacer } from "./message-pacer.js";

/** A stand-in socket: the pacer only wraps `emit` and listens for `close`. */
function socket(pacer: MessagePacer): { ws: EventEmitter; received: string[] } {
  const ws = new EventEmitter();
  const received: string[] = [];
  ws.on("message", (data: Buffer) => received.push(data.toString()));
  pacer.attach(ws as unknown as WebSocket);
  return { ws, received };
}

const text = (value: unknown): Buffer => Buffer.from(typeof value === "string" ? value : JSON.stringify(value));
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe("MessagePacer", () => {
  it("passes small traffic through at once", () => {
    const pacer = new MessagePacer(4);
    const { ws, received } = socket(pacer);
    ws.emit("message", text({ id: 1 }), false);
    ws.emit("message", text([{ id: 2 }, { id: 3 }]), false);
    expect(received).toEqual([JSON.stringify({ id: 1 }), JSON.stringify([{ id: 2 }, { id: 3 }])]);
  });

  it("splits a big batch into per-turn slices and keeps the socket's order", async () => {
    const pacer = new MessagePacer(4);
    const { ws, received } = socket(pacer);
    const calls = Array.from({ length: 10 }, (_, id) => ({ id }));
    ws.emit("message", text(calls), false);
    ws.emit("message", text({ id: 10 }), false);
    expect(received).toEqual([JSON.stringify(calls.slice(0, 4))]);
    await nextTurn();
    expect(received).toHaveLength(2);
    await nextTurn();
    // The last slice holds two calls and the single message fits beside it in the same turn.
    expect(received.slice(2)).toEqual([JSON.stringify(calls.slice(8)), JSON.stringify({ id: 10 })]);
  });

  it("shares one budget per turn across sockets, and lets keep-alive strings pass ahead", async () => {
    const pacer = new MessagePacer(2);
    const a = socket(pacer);
    const b = socket(pacer);
    a.ws.emit("message", text([{ id: 1 }, { id: 2 }]), false);
    b.ws.emit("message", text({ id: 3 }), false);
    b.ws.emit("message", text("PONG"), false);
    expect(a.received).toHaveLength(1);
    expect(b.received).toEqual(["PONG"]);
    await nextTurn();
    expect(b.received).toEqual(["PONG", JSON.stringify({ id: 3 })]);
  });

  it("forgets a closed socket's backlog", async () => {
    const pacer = new MessagePacer(1);
    const { ws, received } = socket(pacer);
    ws.emit("message", text([{ id: 1 }, { id: 2 }, { id: 3 }]), false);
    ws.emit("close");
    await nextTurn();
    await nextTurn();
    expect(received).toHaveLength(1);
  });
});

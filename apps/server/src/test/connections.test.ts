/**
 * The connection cap on a real server process (docs/operations.md, "Client connections"): idle
 * WebSockets filling every slot WebSockets may use do not lock out HTTP calls or /health, a
 * WebSocket over the cap gets an HTTP answer (503 + Retry-After) instead of a reset, one address
 * is held to its share (429), a socket that does not answer pings is closed, and /metrics counts
 * all of it. Small limits keep the test cheap; the rules are the same at 1024.
 */
import { Ensemble, httpClient } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { eventually } from "./helpers.js";

const connectionsMax = 24;
const reserved = 8;
const webSocketsMax = connectionsMax - reserved;

let ensemble: Ensemble;
let url = "";
beforeAll(async () => {
  ensemble = await Ensemble.start({
    voters: 1,
    serverArgs: [
      "--connections-max",
      String(connectionsMax),
      "--http-connections-reserved",
      String(reserved),
      "--web-sockets-per-address-max",
      String(webSocketsMax),
      "--web-socket-ping-ms",
      "300",
    ],
  });
  await ensemble.waitForLeader();
  url = ensemble.member(1).clientUrl;
});
afterAll(async () => {
  await ensemble?.close();
});

/** Opens a WebSocket; resolves with it once open, or with the HTTP status that refused it. */
function openSocket(
  options: { autoPong?: boolean } = {},
): Promise<{ socket?: WebSocket; status?: number; retryAfter?: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url.replace(/^http/, "ws"), { autoPong: options.autoPong ?? true });
    socket.once("open", () => resolve({ socket }));
    socket.once("unexpected-response", (_req, res) => {
      resolve({ status: res.statusCode ?? 0, retryAfter: String(res.headers["retry-after"]) });
      socket.terminate();
    });
    socket.once("error", reject);
  });
}

async function metric(name: string): Promise<string> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split("\n")
    .filter((line) => line.startsWith(name))
    .join("\n");
}

describe("client connections", () => {
  it("keeps the HTTP reserve free of WebSockets and answers a refused upgrade with 503", async () => {
    const sockets: WebSocket[] = [];
    try {
      for (let i = 0; i < webSocketsMax; i++) {
        const opened = await openSocket();
        expect(opened.socket, `socket ${i}`).toBeDefined();
        sockets.push(opened.socket as WebSocket);
      }
      const refused = await openSocket();
      expect(refused).toMatchObject({ status: 503, retryAfter: "1" });

      // HTTP calls and the ops endpoints still get in, each on a fresh connection.
      for (let i = 0; i < 3; i++) {
        const health = await fetch(`${url}/health`, { headers: { connection: "close" } });
        expect(health.status).toBe(200);
      }
      expect((await httpClient(url).node.exists.query({ path: "/" })).stat).not.toBeNull();
      expect(await metric("keel_client_websockets ")).toBe(`keel_client_websockets ${webSocketsMax}`);
      expect(await metric("keel_client_connections_refused_total")).toContain(
        'keel_client_connections_refused_total{reason="websockets_full"} 1',
      );
      // Idle but alive sockets (they answer pings) stay open across several ping intervals.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(sockets.every((socket) => socket.readyState === WebSocket.OPEN)).toBe(true);
    } finally {
      for (const socket of sockets) socket.terminate();
    }
    await eventually(
      async () => (await metric("keel_client_websockets ")) === "keel_client_websockets 0",
      10_000,
      "the sockets to be released",
    );
    // The slots are back: a new WebSocket is admitted again.
    const again = await openSocket();
    expect(again.socket).toBeDefined();
    again.socket?.terminate();
  });

  it("closes a WebSocket that does not answer pings", async () => {
    const { socket } = await openSocket({ autoPong: false });
    if (socket === undefined) throw new Error("not opened");
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    await closed;
    expect(await metric("keel_client_websockets_dropped_total")).toContain(
      'keel_client_websockets_dropped_total{reason="no_pong"}',
    );
  });
});

describe("per-address cap", () => {
  let capped: Ensemble;
  afterAll(async () => {
    await capped?.close();
  });

  it("refuses an address's WebSocket over webSocketsPerAddressMax with 429", async () => {
    capped = await Ensemble.start({ voters: 1, serverArgs: ["--web-sockets-per-address-max", "3"] });
    await capped.waitForLeader();
    const cappedUrl = capped.member(1).clientUrl.replace(/^http/, "ws");
    const open = () =>
      new Promise<{ socket?: WebSocket; status?: number }>((resolve, reject) => {
        const socket = new WebSocket(cappedUrl);
        socket.once("open", () => resolve({ socket }));
        socket.once("unexpected-response", (_req, res) => resolve({ status: res.statusCode ?? 0 }));
        socket.once("error", reject);
      });
    const sockets = [await open(), await open(), await open()];
    expect(sockets.every((s) => s.socket !== undefined)).toBe(true);
    expect(await open()).toMatchObject({ status: 429 });
    for (const s of sockets) s.socket?.terminate();
  });
});

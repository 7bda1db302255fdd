/**
 * Hostile credentials against a real server (docs/security.md, "Client authentication"; auth-design
 * "Bad credentials"): password guessing from one address is cut off after 20 failures in 10 s (even
 * the right password is refused until the window ends, without a scrypt), other addresses are not
 * affected; an oversized Authorization header is refused cleanly and the server keeps serving;
 * malformed Bearer and Basic values are AUTHFAILED, never a server error; a flood of logins with
 * made-up names does not stop another client's calls.
 *
 * Each test guesses from its own loopback address (127.0.0.x all reach the server's 127.0.0.1),
 * since the failure limit is per client address.
 */
import { request } from "node:http";
import { basicAuth, type Ensemble } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import {
  bearer,
  type Headers,
  passwordOf,
  type RawAnswer,
  rawCall,
  socketClientWith,
  startWithUsers,
  userClient,
} from "./auth-clients.js";
import { eventually } from "./helpers.js";

let ensemble: Ensemble;
let url: string;

beforeAll(async () => {
  ({ ensemble, url } = await startWithUsers({}, { alice: "operator" }));
});
afterAll(async () => {
  await ensemble?.close();
});

const FAILURES_MAX = 20;
const WINDOW_MS = 10_000;

function existsAs(headers: Headers, localAddress?: string): Promise<RawAnswer> {
  return rawCall(url, "node.exists", {
    type: "query",
    input: { path: "/" },
    headers,
    ...(localAddress === undefined ? {} : { localAddress }),
  });
}

const statusOf = (answer: RawAnswer) => ({ status: answer.status, keelCode: answer.keelCode });

/** Sends a request whose headers are `headers` verbatim and reports what came back (or how the socket ended). */
function rawRequest(headers: Headers): Promise<{ status: number } | { error: string }> {
  return new Promise((resolve) => {
    const req = request(new URL("/node.exists?input=%7B%22path%22%3A%22%2F%22%7D", url), { headers }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode ?? 0 }));
    });
    req.on("error", (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end();
  });
}

describe("hostile credentials", () => {
  it("after 20 wrong passwords from one address refuses it, even the right password, until the window passes", async () => {
    const guesser = "127.0.0.3";
    const started = Date.now();
    const answers: RawAnswer[] = [];
    for (let attempt = 0; attempt < 30; attempt++) {
      answers.push(await existsAs(basicAuth("alice", `wrong-guess-${attempt}`), guesser));
    }
    for (const answer of answers) expect(statusOf(answer)).toEqual({ status: 401, keelCode: "AUTHFAILED" });
    // The first 20 were checked; the rest were refused without a check, and say so.
    const throttled = answers.map((answer) => /too many/.test(answer.message ?? ""));
    expect(throttled.slice(0, FAILURES_MAX)).toEqual(new Array(FAILURES_MAX).fill(false));
    expect(throttled.slice(FAILURES_MAX)).toEqual(new Array(30 - FAILURES_MAX).fill(true));

    const right = await existsAs(basicAuth("alice", passwordOf("alice")), guesser);
    expect(statusOf(right)).toEqual({ status: 401, keelCode: "AUTHFAILED" });
    expect(right.message).toMatch(/too many/);
    // Another address is not affected.
    expect((await existsAs(basicAuth("alice", passwordOf("alice")), "127.0.0.1")).status).toBe(200);

    // Once the window (opened by the first failure) has passed, the right password works again.
    const windowEnds = started + WINDOW_MS;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, windowEnds - Date.now())));
    await eventually(
      async () => (await existsAs(basicAuth("alice", passwordOf("alice")), guesser)).status === 200,
      5_000,
      "the right password accepted after the window",
    );
  });

  it("refuses a 100 KB Authorization header cleanly and keeps serving", async () => {
    // Node answers 431 and closes; the client, still sending the rest of its headers, may see the
    // close as a reset before it reads the 431 (TCP discards it). Either way nothing was served.
    for (let attempt = 0; attempt < 5; attempt++) {
      const huge = await rawRequest({ authorization: `Basic ${"A".repeat(100 * 1024)}` });
      expect([{ status: 431 }, { error: "ECONNRESET" }]).toContainEqual(huge);
    }
    // Just over the server's own cap (8 KiB) but under Node's header limit: AUTHFAILED, not a server error.
    const long = await existsAs({ authorization: `Bearer ${"a".repeat(10 * 1024)}` }, "127.0.0.4");
    expect(statusOf(long)).toEqual({ status: 401, keelCode: "AUTHFAILED" });
    // Still serving, with and without credentials.
    expect((await existsAs({})).status).toBe(200);
    expect((await userClient(url, "alice").node.exists.query({ path: "/" })).stat).not.toBeNull();
  });

  it("refuses a WebSocket upgrade with a 100 KB Authorization header cleanly and keeps serving WebSockets", async () => {
    const refused = await new Promise<string>((resolve) => {
      const socket = new WebSocket(url.replace(/^http/, "ws"), {
        headers: { authorization: `Bearer ${"a".repeat(100 * 1024)}` },
      });
      socket.on("open", () => {
        socket.close();
        resolve("opened");
      });
      socket.on("unexpected-response", (_req, res) => {
        resolve(`HTTP ${res.statusCode}`);
        socket.terminate();
      });
      socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
    expect(["HTTP 431", "ECONNRESET"]).toContain(refused); // as over HTTP: a reset may overtake the 431
    const fine = socketClientWith(url, basicAuth("alice", passwordOf("alice")));
    try {
      expect(await fine.client.auth.whoami.query()).toMatchObject({ user: "alice" });
    } finally {
      await fine.close();
    }
  });

  it.each([
    ["a Bearer value that is not a token", { authorization: "Bearer not-a-token" }],
    ["a Bearer token with a bad id", { authorization: `Bearer keel_ZZZZZZZZZZZZZZZZ_${"a".repeat(43)}` }],
    ["a well-formed Bearer token nobody issued", bearer(`keel_0123456789abcdef_${"A".repeat(43)}`)],
    ["a Basic value that is not base64", { authorization: "Basic %%%not*base64%%%" }],
    ["a Basic value without a colon", { authorization: `Basic ${Buffer.from("alice").toString("base64")}` }],
    [
      "a Basic value that is not UTF-8",
      { authorization: `Basic ${Buffer.from([0x61, 0x3a, 0xff, 0xfe]).toString("base64")}` },
    ],
    ["an unknown scheme", { authorization: "Digest username=alice" }],
    ["a bare scheme", { authorization: "Bearer" }],
  ])("answers %s with AUTHFAILED (HTTP 401)", async (_what, headers) => {
    const answer = await existsAs(headers, "127.0.0.4");
    expect(statusOf(answer)).toEqual({ status: 401, keelCode: "AUTHFAILED" });
    expect(answer.message).toMatch(/authentication failed$/);
  });

  it("keeps serving another client's calls through a flood of 200 logins with random user names", async () => {
    const flooder = "127.0.0.5";
    const floodAnswers: RawAnswer[] = [];
    const flood = (async () => {
      // 20 connections at a time, 10 logins each.
      await Promise.all(
        Array.from({ length: 20 }, async (_, worker) => {
          for (let i = 0; i < 10; i++) {
            const user = `u${worker}x${i}${Math.random().toString(36).slice(2, 10)}`;
            floodAnswers.push(
              await rawCall(url, "auth.login", {
                type: "mutation",
                input: { user, password: "whatever-password" },
                localAddress: flooder,
              }),
            );
          }
        }),
      );
    })();
    const alice = userClient(url, "alice");
    const served: string[] = [];
    const others = (async () => {
      for (let i = 0; i < 20; i++) {
        await alice.node.create.mutate({ path: `/during-flood-${i}`, data: String(i) });
        served.push((await alice.node.get.query({ path: `/during-flood-${i}` })).data ?? "");
      }
    })();
    await Promise.all([flood, others]);
    expect(served).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(floodAnswers).toHaveLength(200);
    expect(floodAnswers.filter((answer) => answer.status !== 401 || answer.keelCode !== "AUTHFAILED")).toEqual([]);
    // Most were refused without a check: the limit bounds the work a flood buys.
    const checked = floodAnswers.filter((answer) => !/too many/.test(answer.message ?? "")).length;
    expect(checked).toBeLessThanOrEqual(2 * FAILURES_MAX);
  });
});

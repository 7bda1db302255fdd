/**
 * Limits added with client authentication (auth-design "Limits added"), on a real server:
 * - `--sessions-per-address-max`: one client address holds at most that many sessions opened
 *   through a member; the next session.open is QUOTAEXCEEDED until one closes, and other
 *   addresses are not affected;
 * - `node.children` pages: sorted names, at most `limit` per page, `after` continues where
 *   `nextAfter` said, and the pages together are the whole listing.
 */
import { Ensemble, httpClient, type KeelHttpClient } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawCall, resultOf } from "./auth-clients.js";
import { expectKeelError } from "./helpers.js";

const SESSIONS_PER_ADDRESS = 3;

let ensemble: Ensemble;
let url: string;
let keel: KeelHttpClient;

beforeAll(async () => {
  ensemble = await Ensemble.start({
    voters: 1,
    serverArgs: ["--sessions-per-address-max", String(SESSIONS_PER_ADDRESS)],
  });
  await ensemble.waitForLeader();
  url = ensemble.members[0]?.clientUrl as string;
  keel = httpClient(url);
});
afterAll(async () => {
  await ensemble?.close();
});

describe("sessions per address", () => {
  it("refuses the 4th session.open from 127.0.0.1 with QUOTAEXCEEDED, and opens one again after one closes", async () => {
    const sessions = [];
    for (let i = 0; i < SESSIONS_PER_ADDRESS; i++) sessions.push(await keel.session.open.mutate({ timeoutMs: 30_000 }));
    await expectKeelError(keel.session.open.mutate({ timeoutMs: 30_000 }), "QUOTAEXCEEDED");
    // Another address has its own allowance.
    const elsewhere = await rawCall(url, "session.open", {
      type: "mutation",
      input: { timeoutMs: 30_000 },
      localAddress: "127.0.0.2",
    });
    expect(elsewhere.status).toBe(200);
    // Still full here.
    await expectKeelError(keel.session.open.mutate({ timeoutMs: 30_000 }), "QUOTAEXCEEDED");

    const [first] = sessions;
    if (first === undefined) throw new Error("no session");
    await keel.session.close.mutate({ sessionId: first.sessionId, secret: first.secret });
    const again = await keel.session.open.mutate({ timeoutMs: 30_000 });
    expect(again.sessionId).not.toBe(first.sessionId);
    await expectKeelError(keel.session.open.mutate({ timeoutMs: 30_000 }), "QUOTAEXCEEDED");

    // An expired session frees its place too.
    const second = sessions[1];
    if (second === undefined) throw new Error("no session");
    await keel.session.expire.mutate({ sessionId: second.sessionId });
    await keel.session.open.mutate({ timeoutMs: 30_000 });
    const opened = resultOf<{ sessionId: string; secret: string }>(elsewhere);
    await rawCall(url, "session.close", { type: "mutation", input: opened, localAddress: "127.0.0.2" });
  });
});

describe("children pages", () => {
  const NAMES = Array.from({ length: 25 }, (_, i) => `c${String(i).padStart(2, "0")}`);

  beforeAll(async () => {
    await keel.node.create.mutate({ path: "/pages" });
    // Created out of order: the listing's order must be the names', not the creation order.
    const shuffled = [...NAMES].sort((a, b) =>
      a.split("").reverse().join("") < b.split("").reverse().join("") ? -1 : 1,
    );
    for (const name of shuffled) await keel.node.create.mutate({ path: `/pages/${name}` });
  });

  it("lists 25 children in 3 pages of at most 10, sorted, via after/nextAfter, complete", async () => {
    const pages: { names: string[]; nextAfter: string | null }[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await keel.node.children.query({
        path: "/pages",
        limit: 10,
        ...(after === undefined ? {} : { after }),
      });
      pages.push({ names: page.children.map((child) => child.name), nextAfter: page.nextAfter });
      if (page.nextAfter === null) break;
      after = page.nextAfter;
      if (pages.length > 5) throw new Error("paging does not end");
    }
    expect(pages).toEqual([
      { names: NAMES.slice(0, 10), nextAfter: "c09" },
      { names: NAMES.slice(10, 20), nextAfter: "c19" },
      { names: NAMES.slice(20), nextAfter: null },
    ]);
  });

  it("starts after a name that is not a child, and carries stats on a page when asked", async () => {
    const page = await keel.node.children.query({ path: "/pages", limit: 3, after: "c095", withStats: true });
    expect(page.children.map((child) => child.name)).toEqual(["c10", "c11", "c12"]);
    for (const child of page.children) expect(child.stat).toBeDefined();
    expect(page.nextAfter).toBe("c12");
    const tail = await keel.node.children.query({ path: "/pages", after: "c24" });
    expect(tail.children).toEqual([]);
    expect(tail.nextAfter).toBeNull();
    // Without a limit every child comes in one page.
    const all = await keel.node.children.query({ path: "/pages" });
    expect(all.children.map((child) => child.name)).toEqual(NAMES);
    expect(all.nextAfter).toBeNull();
  });

  it("refuses a limit outside 1..10,000 with BADARGUMENTS", async () => {
    await expectKeelError(keel.node.children.query({ path: "/pages", limit: 0 }), "BADARGUMENTS");
    await expectKeelError(keel.node.children.query({ path: "/pages", limit: 10_001 }), "BADARGUMENTS");
  });
});

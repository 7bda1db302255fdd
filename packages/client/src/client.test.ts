/**
 * The client against a real 3-member ensemble: operations and typed errors, the message size cap,
 * sessions surviving a member's death, state events, and watches resumed with no missed or
 * repeated event.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BadVersionError,
  ConnectionLossError,
  type ConnectionState,
  KeelClientError,
  NodeExistsError,
  NoNodeError,
  type WatchEvent,
} from "./index.js";
import { eventually, Harness } from "./test/harness.js";

let harness: Harness;
beforeAll(async () => {
  harness = await Harness.start();
});
afterAll(async () => {
  await harness?.close();
});

describe("operations", () => {
  it("creates, reads, updates and deletes with typed errors", async () => {
    const keel = await harness.client();
    expect(keel.state.name).toBe("connected");
    const created = await keel.create("/ops", "v1");
    expect(created.path).toBe("/ops");
    await expect(keel.create("/ops", "again")).rejects.toBeInstanceOf(NodeExistsError);
    expect((await keel.get("/ops")).data).toBe("v1");
    const stat = await keel.set("/ops", new Uint8Array([104, 105]), { version: 0 });
    expect(stat.version).toBe(1);
    expect((await keel.get("/ops", { linearizable: true })).data).toBe("hi");
    await expect(keel.set("/ops", "x", { version: 0 })).rejects.toBeInstanceOf(BadVersionError);
    await keel.create("/ops/child", "");
    expect(await keel.children("/ops")).toEqual(["child"]);
    await expect(keel.get("/nope")).rejects.toBeInstanceOf(NoNodeError);
    expect(await keel.exists("/nope")).toBeNull();
    const failure = await keel
      .multi([
        { type: "check", path: "/ops", version: 1 },
        { type: "delete", path: "/nope", version: -1 },
      ])
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(NoNodeError);
    expect((failure as { opIndex: number }).opIndex).toBe(1);
    await keel.delete("/ops/child");
    await keel.delete("/ops", { version: 1 });
    expect(await keel.exists("/ops")).toBeNull();
    expect(BigInt(keel.lastZxidSeen)).toBeGreaterThan(0n);
  });

  it("ephemerals live with the session and go when it closes", async () => {
    const owner = await harness.client();
    const other = await harness.client();
    await owner.create("/eph", "mine", { kind: "ephemeral" });
    // Another client reads through another member: a linearizable read sees the create.
    expect((await other.exists("/eph", { linearizable: true }))?.ephemeralOwner).toBe(owner.sessionId);
    await owner.close();
    expect(owner.state.name).toBe("closed");
    expect(await other.exists("/eph", { linearizable: true })).toBeNull();
  });
});

describe("failover", () => {
  it("keeps the session and its ephemerals when its member dies, reporting the states", async () => {
    const keel = await harness.client({ sessionTimeoutMs: 6000 });
    const states: ConnectionState["name"][] = [];
    keel.onStateChange((state) => states.push(state.name));
    await keel.create("/survivor", "", { kind: "ephemeral" });
    const sessionId = keel.sessionId;
    const first = harness.memberIdOf(keel.member);
    await harness.ensemble.kill(first);
    await eventually(() => states.includes("disconnected"), "the disconnect");
    await eventually(() => keel.state.name === "connected" && keel.member !== undefined, "reconnect");
    expect(harness.memberIdOf(keel.member)).not.toBe(first);
    expect(keel.sessionId).toBe(sessionId);
    expect((await keel.exists("/survivor", { linearizable: true }))?.ephemeralOwner).toBe(sessionId);
    expect(states[0]).toBe("disconnected");
    expect(states.at(-1)).toBe("connected");
    harness.ensemble.startMember(first);
    await harness.ensemble.waitForLeader();
  });

  it("resumes a watch across a member's death with no missed or repeated event", async () => {
    const watcher = await harness.client({ sessionTimeoutMs: 6000 });
    // Calls wait out the election that may follow the kill.
    const writer = await harness.client({ requestTimeoutMs: 30_000 });
    await writer.create("/resume", "");
    // The watch starts after what the watcher has seen: read the node first, as a recipe would.
    expect(await watcher.exists("/resume", { linearizable: true })).not.toBeNull();
    const watch = watcher.watch("/resume", { mode: "persistent_recursive" });
    await watch.ready;
    const seen: WatchEvent[] = [];
    const reading = (async () => {
      for await (const event of watch) {
        seen.push(event);
        if (event.path === "/resume/last") return;
      }
    })();
    // The writer's own calls may be cut off by the kill (outcome unknown: its member may have
    // forwarded them to a leader that just died). It applies each at most once: after a
    // ConnectionLossError it reads whether the write landed, and writes again only if not.
    const once = async (write: () => Promise<unknown>, landed: string): Promise<void> => {
      for (;;) {
        try {
          await write();
          return;
        } catch (error) {
          if (!(error instanceof ConnectionLossError)) throw error;
          if ((await writer.exists(landed, { linearizable: true })) !== null) return;
        }
      }
    };
    const create = (path: string) => once(() => writer.create(path, ""), path);
    // Events before, during and after the watcher's member dies; a multi makes two events at one zxid.
    for (let index = 0; index < 5; index++) await create(`/resume/a${index}`);
    const watcherMember = harness.memberIdOf(watcher.member);
    await harness.ensemble.kill(watcherMember);
    for (let index = 0; index < 5; index++) await create(`/resume/b${index}`);
    await once(
      () =>
        writer.multi([
          { type: "create", path: "/resume/m1", data: "", kind: "persistent" },
          { type: "create", path: "/resume/m2", data: "", kind: "persistent" },
        ]),
      "/resume/m1",
    );
    await create("/resume/last");
    await reading;
    const created = seen.filter((event) => event.type === "NodeCreated").map((event) => event.path);
    expect(created).toEqual([
      ...[0, 1, 2, 3, 4].map((index) => `/resume/a${index}`),
      ...[0, 1, 2, 3, 4].map((index) => `/resume/b${index}`),
      "/resume/m1",
      "/resume/m2",
      "/resume/last",
    ]);
    // zxids never go back; the two events of the multi share one.
    const zxids = seen.map((event) => BigInt(event.zxid));
    for (let index = 1; index < zxids.length; index++)
      expect(zxids[index]).toBeGreaterThanOrEqual(zxids[index - 1] as bigint);
    harness.ensemble.startMember(watcherMember);
    await harness.ensemble.waitForLeader();
  });

  it("refuses members behind what it has seen: with nothing caught up, it never re-attaches", async () => {
    const keel = await harness.client({ sessionTimeoutMs: 3000 });
    const states: ConnectionState["name"][] = [];
    keel.onStateChange((state) => states.push(state.name));
    // As if this client had seen a zxid no member has applied yet.
    keel.observeZxid("999999999999999");
    const member = harness.memberIdOf(keel.member);
    await harness.ensemble.kill(member);
    await eventually(() => keel.state.name === "suspect", "suspect");
    expect(states).toEqual(["disconnected", "suspect"]);
    await keel.close();
    harness.ensemble.startMember(member);
    await harness.ensemble.waitForLeader();
  });

  it("reports a write cut off by a hung member as outcome unknown, and does not repeat it", async () => {
    const leader = await harness.leaderId();
    const follower = harness.ensemble.members.find((member) => member.id !== leader)?.id as number;
    const others = harness.ensemble.members
      .filter((member) => member.id !== follower)
      .map((member) => member.clientUrl);
    // random 0: start on the first server listed, the member that will hang.
    const keel = await harness.client({
      servers: [harness.url(follower), ...others],
      sessionTimeoutMs: 3000,
      random: () => 0,
    });
    expect(keel.member).toBe(harness.url(follower));
    await keel.create("/unknown", "");
    harness.pause(follower);
    // A sequential create: a blind repeat would leave two nodes.
    const failure = await keel
      .create("/unknown/item-", "x", { kind: "persistent_sequential" })
      .catch((error: unknown) => error);
    harness.resume(follower);
    expect(failure).toBeInstanceOf(KeelClientError);
    expect((failure as KeelClientError).outcomeUnknown).toBe(true);
    expect(["CONNECTIONLOSS", "OPERATIONTIMEOUT"]).toContain((failure as KeelClientError).code);
    await eventually(() => keel.state.name === "connected", "the client on another member");
    await harness.ensemble.waitForLeader();
    // Applied once (the paused member may still forward it after SIGCONT) or not at all: never twice.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await keel.children("/unknown", { linearizable: true })).length).toBeLessThanOrEqual(1);
  });

  it("every call takes an AbortSignal", async () => {
    const keel = await harness.client();
    await expect(keel.get("/", { signal: AbortSignal.abort(new Error("stop now")) })).rejects.toThrow("stop now");
    const holder = await harness.client();
    const lease = await holder.lock("aborted").acquire();
    const controller = new AbortController();
    const waiting = keel.lock("aborted").acquire({ signal: controller.signal });
    await eventually(async () => (await holder.children("/keel/locks/aborted")).length === 2, "queued");
    controller.abort(new Error("gave up"));
    await expect(waiting).rejects.toThrow("gave up");
    await eventually(
      async () => (await holder.children("/keel/locks/aborted")).length === 1,
      "the waiter's node withdrawn",
    );
    await lease.release();
  });

  it("states() iterates the changes and ends after close", async () => {
    const keel = await harness.client();
    const names: string[] = [];
    const iterating = (async () => {
      for await (const state of keel.states()) names.push(state.name);
    })();
    await keel.close();
    await iterating;
    expect(names).toEqual(["connected", "closed"]);
  });

  it("await using closes the client", async () => {
    let leaked: { state: ConnectionState } | undefined;
    {
      await using keel = await harness.client();
      leaked = keel;
    }
    expect(leaked?.state.name).toBe("closed");
  });
});

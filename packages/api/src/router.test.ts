/**
 * The API edge on its own: zod rejects malformed input before it reaches the coordinator, and a
 * core KeelError thrown by the coordinator reaches the caller as a typed tRPC error that keeps the
 * ZooKeeper code. The coordinator here is a recording double; the real one is tested in apps/server.
 */
import { KeelError } from "@keel/core";
import { TRPCError } from "@trpc/server";
import { describe, expect, it } from "vitest";
import type { Coordinator } from "./coordinator.js";
import { appRouter } from "./root.js";

function callerWith(overrides: Partial<Coordinator>) {
  const calls: unknown[] = [];
  const coordinator = new Proxy(overrides, {
    get(target, name: string) {
      const own = target[name as keyof Coordinator];
      if (own) return own;
      return (input: unknown) => {
        calls.push({ name, input });
        return Promise.resolve({});
      };
    },
  }) as Coordinator;
  return { caller: appRouter.createCaller({ coordinator }), calls };
}

describe("api router", () => {
  it("rejects a non-integer version before calling the coordinator", async () => {
    const { caller, calls } = callerWith({});
    await expect(caller.node.set({ path: "/a", data: "x", version: 1.5 })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect(calls).toEqual([]);
  });

  it("rejects a session id that is not a decimal string", async () => {
    const { caller } = callerWith({});
    await expect(caller.session.keepAlive({ sessionId: "0xabc", secret: "s" })).rejects.toBeInstanceOf(TRPCError);
  });

  it("fills defaults: version -1, kind persistent", async () => {
    const { caller, calls } = callerWith({});
    await caller.node.delete({ path: "/a" });
    await caller.node.create({ path: "/b" });
    expect(calls).toEqual([
      { name: "delete", input: { path: "/a", version: -1 } },
      { name: "create", input: { path: "/b", kind: "persistent" } },
    ]);
  });

  it("maps NONODE to NOT_FOUND and keeps the Keel code", async () => {
    const { caller } = callerWith({
      get: () => Promise.reject(new KeelError("NONODE", "no node at /missing", "/missing")),
    });
    const error = await caller.node.get({ path: "/missing" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("NOT_FOUND");
    expect(((error as TRPCError).cause as KeelError).code).toBe("NONODE");
  });

  it("passes a force-release reason to the coordinator on node.delete, never inside multi", async () => {
    const { caller, calls } = callerWith({});
    await caller.node.delete({ path: "/l", forceRelease: { reason: "stuck" } });
    await caller.node.multi({ ops: [{ type: "delete", path: "/m", forceRelease: { reason: "no" } } as never] });
    expect(calls).toEqual([
      { name: "delete", input: { path: "/l", version: -1, forceRelease: { reason: "stuck" } } },
      { name: "multi", input: { ops: [{ type: "delete", path: "/m", version: -1 }] } },
    ]);
  });

  it("lists sessions with the default limit, or the one asked for within bounds", async () => {
    const { caller, calls } = callerWith({});
    await caller.session.list();
    await caller.session.list({ limit: 5 });
    await expect(caller.session.list({ limit: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    expect(calls).toEqual([
      { name: "listSessions", input: { limit: 1000 } },
      { name: "listSessions", input: { limit: 5 } },
    ]);
  });
});

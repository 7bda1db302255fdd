/**
 * The audit trail at the API edge: which calls are recorded (force-release, session expiry, ACL
 * changes, done or refused) and which are not (a plain delete, reads), with who asked.
 */
import { KeelError } from "@keel/core";
import { describe, expect, it } from "vitest";
import type { AuditRecord } from "./audit.js";
import type { Coordinator } from "./coordinator.js";
import { appRouter } from "./root.js";

function auditedCaller(overrides: Partial<Coordinator> = {}) {
  const records: AuditRecord[] = [];
  const coordinator = new Proxy(overrides, {
    get: (target, name: string) => target[name as keyof Coordinator] ?? (() => Promise.resolve({})),
  }) as Coordinator;
  const caller = appRouter.createCaller({
    coordinator,
    clientAddress: "10.0.0.9:52000",
    audit: (record) => records.push(record),
  });
  return { caller, records };
}

const session = { sessionId: "42", secret: "s" };

describe("audit trail", () => {
  it("records a force-release, a session expiry and an ACL change with the caller's address", async () => {
    const { caller, records } = auditedCaller();
    await caller.node.delete({
      path: "/keel/locks/jobs/lock-0000000001",
      session,
      forceRelease: { reason: "stuck holder" },
    });
    await caller.session.expire({ sessionId: "77" });
    await caller.node.setAcl({ path: "/app", acl: [{ scheme: "world", id: "anyone", perms: 1 }], aversion: -1 });
    expect(records).toEqual([
      {
        action: "forceRelease",
        outcome: "OK",
        path: "/keel/locks/jobs/lock-0000000001",
        reason: "stuck holder",
        sessionId: "42",
        user: null,
        clientAddress: "10.0.0.9:52000",
      },
      {
        action: "expireSession",
        outcome: "OK",
        targetSessionId: "77",
        user: null,
        clientAddress: "10.0.0.9:52000",
      },
      {
        action: "setAcl",
        outcome: "OK",
        path: "/app",
        acl: [{ scheme: "world", id: "anyone", perms: 1 }],
        user: null,
        clientAddress: "10.0.0.9:52000",
      },
    ]);
  });

  it("records a refused action with the refusal's keelCode", async () => {
    const { caller, records } = auditedCaller({
      expireSession: () => Promise.reject(new KeelError("SESSIONEXPIRED", "session 77 has expired or was closed")),
    });
    await expect(caller.session.expire({ sessionId: "77" })).rejects.toThrow();
    expect(records).toEqual([
      {
        action: "expireSession",
        outcome: "SESSIONEXPIRED",
        targetSessionId: "77",
        user: null,
        clientAddress: "10.0.0.9:52000",
      },
    ]);
  });

  it("leaves plain deletes, writes and reads out", async () => {
    const { caller, records } = auditedCaller();
    await caller.node.delete({ path: "/a", session });
    await caller.node.set({ path: "/a", data: "x" });
    await caller.node.get({ path: "/a" });
    expect(records).toEqual([]);
  });
});

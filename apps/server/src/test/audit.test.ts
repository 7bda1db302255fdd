/**
 * The audit trail on a real server: an operator's force-release and session expiry are written as
 * `audit` log lines naming the caller's address, even though the server logs only warnings.
 */
import { Ensemble, httpClient } from "@keel/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eventually } from "./helpers.js";

let ensemble: Ensemble;

beforeAll(async () => {
  ensemble = await Ensemble.start({ voters: 1, captureLogs: true });
  await ensemble.waitForLeader();
});

afterAll(async () => {
  await ensemble.close();
});

it("writes a force-release and a session expiry to the audit log with who asked", async () => {
  const member = ensemble.members[0];
  if (member === undefined) throw new Error("no member");
  const keel = httpClient(member.clientUrl);
  const session = await keel.session.open.mutate({ timeoutMs: 10_000 });
  await keel.node.create.mutate({ path: "/held", data: "", kind: "ephemeral", session });
  await keel.node.delete.mutate({ path: "/held", forceRelease: { reason: "holder is stuck" } });
  await keel.session.expire.mutate({ sessionId: session.sessionId });
  const audits = () => ensemble.logLines(member.id).filter((line) => line.component === "audit");
  await eventually(async () => audits().length >= 2, 30_000, "two audit lines");
  const [release, expiry] = audits().map((line) => line.audit as Record<string, unknown>);
  expect(release).toMatchObject({ action: "forceRelease", outcome: "OK", path: "/held", reason: "holder is stuck" });
  expect(expiry).toMatchObject({ action: "expireSession", outcome: "OK", targetSessionId: session.sessionId });
  for (const record of [release, expiry]) expect(String(record?.clientAddress)).toMatch(/^127\.0\.0\.1:\d+$/);
});

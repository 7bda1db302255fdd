/**
 * OPERATIONTIMEOUT is "outcome unknown", not "failed" (docs/errors.md): a write proposed by the
 * leader whose followers are frozen gets no commit within --request-timeout-ms, so the caller gets
 * OPERATIONTIMEOUT (HTTP 504, data.retry "unknown", no Retry-After). The proposal is still in the
 * pipeline: once the followers run again it commits, and a read finds the write applied. A client
 * that retried the create blindly would get NODEEXISTS, or apply a non-idempotent write twice.
 */
import { Ensemble } from "@keel/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "./helpers.js";

let ensemble: Ensemble | undefined;
afterEach(async () => {
  for (const member of ensemble?.members ?? []) member.process?.kill("SIGCONT");
  await ensemble?.close();
  ensemble = undefined;
});

describe("OPERATIONTIMEOUT on real processes", () => {
  it("a write past its deadline is answered 504 'unknown', then applies once the quorum is back", async () => {
    ensemble = await Ensemble.start({
      voters: 3,
      // The leader keeps its quorum for syncLimit (30 × 100 ms), far longer than the write's
      // 300 ms deadline, so the answer is the deadline's and not a step-down's.
      serverArgs: ["--request-timeout-ms", "300", "--sync-limit-ticks", "30", "--init-limit-ticks", "30"],
    });
    const leader = await ensemble.waitForLeader();
    const leaderUrl = ensemble.member(leader).clientUrl;
    const followers = ensemble.members.filter((m) => m.id !== leader);

    for (const member of followers) member.process?.kill("SIGSTOP");
    const response = await fetch(`${leaderUrl}/node.create`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: "/maybe", data: "once" }),
    });
    const body = (await response.json()) as { error: { data: { keelCode: string; retry: string } } };
    expect(response.status).toBe(504);
    expect(response.headers.get("retry-after")).toBeNull();
    expect(body.error.data).toMatchObject({ keelCode: "OPERATIONTIMEOUT", retry: "unknown" });

    for (const member of followers) member.process?.kill("SIGCONT");
    await eventually(
      async () => {
        const read = await fetch(
          `${leaderUrl}/node.get?input=${encodeURIComponent(JSON.stringify({ path: "/maybe" }))}`,
        );
        return read.ok && ((await read.json()) as { result: { data: { data: string } } }).result.data.data === "once";
      },
      60_000,
      "the timed-out write to apply",
    );
  });
});

/**
 * `keel rolling-restart` against a real 3-node ensemble under a write load: the restart command
 * asks the test to restart a member (SIGTERM, then start again) and returns once it is running, as
 * `systemctl restart` would. Every member is restarted once, the leader last; no acknowledged write
 * is lost; and the writer's failures are counted in windows to show how much unavailability the
 * whole procedure cost.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect } from "@keel/client";
import { Ensemble } from "@keel/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runCli, stopAll } from "./run-cli.js";

let ensemble: Ensemble;
const scratch = mkdtempSync(join(tmpdir(), "keel-rolling-"));

beforeAll(async () => {
  ensemble = await Ensemble.start({ voters: 3 });
  await ensemble.waitForLeader();
});

afterAll(async () => {
  await stopAll();
  await ensemble?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Restarts each member whose restart the command asked for (a request file), then says done. */
function serveRestartRequests(): { stop(): Promise<void>; restarted: number[] } {
  const restarted: number[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      for (const name of readdirSync(scratch).filter((file) => file.startsWith("restart-"))) {
        const id = Number(name.slice("restart-".length));
        rmSync(join(scratch, name));
        await ensemble.kill(id, "SIGTERM");
        ensemble.startMember(id);
        restarted.push(id);
        writeFileSync(join(scratch, `done-${id}`), "");
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  return {
    restarted,
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

it("restarts every member once, the leader last, losing no acknowledged write", async () => {
  const servers = ensemble.members.map((member) => member.clientUrl);
  const leaderBefore = await ensemble.waitForLeader();
  const writer = await connect({ servers, sessionTimeoutMs: 6000, requestTimeoutMs: 5000 });
  await writer.create("/rolling", "");
  const acknowledged: string[] = [];
  const failures: number[] = [];
  let writing = true;
  const load = (async () => {
    for (let index = 0; writing; index++) {
      try {
        acknowledged.push((await writer.create("/rolling/w-", String(index), { kind: "persistent_sequential" })).path);
      } catch {
        failures.push(performance.now());
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  })();
  const hook = serveRestartRequests();
  // The command returns once the test has restarted the member, like `systemctl restart`.
  const command = `touch ${scratch}/restart-{id}; while [ ! -e ${scratch}/done-{id} ]; do sleep 0.05; done; rm ${scratch}/done-{id}`;
  try {
    const result = await runCli(["--json", "rolling-restart", "--restart-command", command], { servers });
    expect(result.stderr).toContain("the leader, last");
    expect(result.code).toBe(0);
    const { restarted } = JSON.parse(result.stdout) as { restarted: { id: number; wasLeader: boolean }[] };
    expect(restarted.map((member) => member.id).sort()).toEqual([1, 2, 3]);
    expect(restarted.at(-1)).toEqual(expect.objectContaining({ id: leaderBefore, wasLeader: true }));
    expect(hook.restarted).toEqual(restarted.map((member) => member.id));
  } finally {
    writing = false;
    await load;
    await hook.stop();
  }
  // Every acknowledged create is there after the three restarts.
  const children = new Set(await writer.children("/rolling", { linearizable: true }));
  const lost = acknowledged.filter((path) => !children.has(path.slice("/rolling/".length)));
  expect(lost).toEqual([]);
  expect(acknowledged.length).toBeGreaterThan(0);
  // Unavailability as the writer saw it: failures closer than 1 s apart form one window.
  const windows = failures.reduce<number[][]>((all, at) => {
    const last = all.at(-1);
    if (last !== undefined && at - (last.at(-1) as number) < 1000) last.push(at);
    else all.push([at]);
    return all;
  }, []);
  console.log(
    `rolling restart: ${acknowledged.length} writes acknowledged, ${failures.length} failed in ${windows.length} window(s) of ${windows.map((window) => `${Math.round((window.at(-1) as number) - (window[0] as number))} ms`).join(", ") || "-"}`,
  );
  // A restart costs at most the writes in flight on the connection it dropped: one window each.
  expect(windows.length).toBeLessThanOrEqual(3);
  await writer.close();
  expect(existsSync(join(scratch, "restart-1"))).toBe(false);
});

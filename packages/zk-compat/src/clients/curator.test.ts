/**
 * Apache Curator 5.4 (Debian's jars, Java 17) against a 3-node ensemble through the ZooKeeper
 * wire port: two InterProcessMutex contenders log every hold to one file, which must show no
 * overlap; three LeaderLatch participants agree on exactly one leader, and leadership moves to
 * one of the others when the leader closes its latch. The Java side is clients/curator.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClientProcess, ClientProcesses, jsonLines, lastJson } from "./client-process.js";
import { CuratorProgram } from "./curator.js";
import { checkHoldLog } from "./hold-log.js";
import { startTarget, type Target } from "./target.js";
import { waitFor } from "./wait-for.js";

let target: Target;
let curator: CuratorProgram;
let logDir: string;
const processes = new ClientProcesses();

beforeAll(async () => {
  curator = CuratorProgram.compile();
  logDir = mkdtempSync(join(tmpdir(), "zk-compat-curator-log-"));
  target = await startTarget();
});

afterAll(async () => {
  await processes.killAll();
  await target?.close();
  curator?.dispose();
  if (logDir) rmSync(logDir, { recursive: true, force: true });
});

interface LatchLine {
  id: string;
  leader?: boolean;
  status?: boolean;
  hasLeadership?: boolean;
  leaderId?: string;
  participants?: number;
  closed?: boolean;
}

const diagnosticsOf = (programs: readonly ClientProcess[]) => programs.map((p) => p.diagnostics()).join("\n");

describe("Curator", () => {
  it("InterProcessMutex: two clients never hold the lock at once, and both finish", async () => {
    const rounds = 10;
    const log = join(logDir, "mutex.log");
    // Each contender talks to its own member, so the lock's watches cross members.
    const contenders = ["m1", "m2"].map((id, index) =>
      curator.start(processes, `curator mutex ${id}`, [
        "mutex",
        target.hostOf(target.memberIds[index] as number),
        "/curator/mutex",
        id,
        String(rounds),
        log,
      ]),
    );
    for (const contender of contenders) await contender.waitForOutput(/"ready":true/, 120_000);
    for (const contender of contenders) contender.write("go\n");
    for (const contender of contenders) await contender.succeeded(170_000);

    const report = checkHoldLog(readFileSync(log, "utf8"));
    const why = `${diagnosticsOf(contenders)}\n--- log ---\n${readFileSync(log, "utf8")}`;
    expect(report.overlaps, why).toEqual([]);
    expect(report.holds, why).toEqual({ m1: rounds, m2: rounds });
    for (const contender of contenders) expect(lastJson(await contender.exited).mismatches, why).toBe(0);
  });

  it("LeaderLatch: exactly one leader, and leadership moves when the leader closes", async () => {
    const ids = ["l1", "l2", "l3"];
    // One participant per member.
    const latches = new Map(
      ids.map((id, index) => [
        id,
        curator.start(processes, `curator latch ${id}`, [
          "latch",
          target.hostOf(target.memberIds[index] as number),
          "/curator/latch",
          id,
        ]),
      ]),
    );
    const all = [...latches.values()];

    const first = await agreedLeader(all, ids);
    const leaderProgram = latches.get(first) as ClientProcess;
    leaderProgram.write("close\n");
    await leaderProgram.succeeded();
    expect(jsonLines<LatchLine>(leaderProgram.stdout).some((line) => line.closed)).toBe(true);

    const rest = ids.filter((id) => id !== first);
    const second = await agreedLeader(
      rest.map((id) => latches.get(id) as ClientProcess),
      rest,
    );
    expect(second).not.toBe(first);
    for (const id of rest) {
      const program = latches.get(id) as ClientProcess;
      program.write("close\n");
      await program.succeeded();
    }
  });
});

/**
 * Polls every latch for its status until they all name the same leader, exactly one of them
 * holds leadership (and it is the one named), and each sees `ids.length` participants.
 */
async function agreedLeader(programs: readonly ClientProcess[], ids: readonly string[]): Promise<string> {
  let leader = "";
  await waitFor(
    `latches ${ids.join(", ")} to agree on one leader`,
    async () => {
      const before = programs.map((p) => jsonLines<LatchLine>(p.stdout).filter((l) => l.status).length);
      for (const program of programs) program.write("status\n");
      await waitFor("status answers", () =>
        programs.every((p, i) => jsonLines<LatchLine>(p.stdout).filter((l) => l.status).length > (before[i] ?? 0)),
      );
      const statuses = programs.map(
        (p) =>
          jsonLines<LatchLine>(p.stdout)
            .filter((l) => l.status)
            .at(-1) as LatchLine,
      );
      const holders = statuses.filter((s) => s.hasLeadership).map((s) => s.id);
      const named = new Set(statuses.map((s) => s.leaderId));
      leader = holders[0] ?? "";
      return (
        holders.length === 1 &&
        named.size === 1 &&
        named.has(leader) &&
        statuses.every((s) => s.participants === ids.length)
      );
    },
    { timeoutMs: 120_000, intervalMs: 300, describe: () => diagnosticsOf(programs) },
  );
  return leader;
}

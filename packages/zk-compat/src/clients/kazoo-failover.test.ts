/**
 * kazoo's recipes keep their guarantees across a leader kill: kazoo processes contend for a Lock
 * (then run an Election, then bump a Counter), one starting on each member, while the test
 * SIGKILLs the ensemble's leader. Each program works until the test closes its stdin; the kill
 * comes once every program has made progress, and the programs are stopped only once every one
 * has made progress again after it, so all of them are mid-work at the kill and all recover.
 * Lock and election contenders append enter/exit lines to one log file, which must show no two
 * holders at once. Counter workers report acknowledged increments and those whose connection
 * dropped mid-call (outcome unknown, as ZooKeeper's ConnectionLoss means: against Debian's
 * ZooKeeper such an increment was seen to apply), so the final value must lie between the two,
 * and is exact whenever no call was cut off. The client on the killed member must notice, and
 * no session may be lost.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClientProcess, ClientProcesses, jsonLines, lastJson } from "./client-process.js";
import { checkHoldLog } from "./hold-log.js";
import { startKazoo } from "./kazoo.js";
import { startTarget, type Target } from "./target.js";
import { waitFor } from "./wait-for.js";

/** Holds (or increments, for the counter) each program makes before the kill, and again after it. */
const holdsPerPhase = 3;
const incrementsPerPhase = 10;

let target: Target;
let logDir: string;
const processes = new ClientProcesses();

beforeAll(async () => {
  target = await startTarget();
  logDir = mkdtempSync(join(tmpdir(), "zk-compat-kazoo-"));
});

afterAll(async () => {
  await processes.killAll();
  await target?.close();
  if (logDir) rmSync(logDir, { recursive: true, force: true });
});

function readLog(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Client `index` connects first to member `index` (then the others): one client per member. */
function hostsFor(index: number): string {
  return target.connectStringFrom(target.memberIds[index] as number);
}

interface FailoverOutcome {
  states: string[];
  firstPort: number;
}

/**
 * With every program past `perPhase` progress, kills the member leading at that moment; once each
 * program has progressed `perPhase` more, closes their stdin and waits for them to finish, then
 * brings the member back. Returns the killed member's id.
 */
async function killLeaderMidWork(
  programs: readonly ClientProcess[],
  progressOf: (index: number) => number,
  perPhase: number,
  describe: () => string,
): Promise<number> {
  const all = programs.map((_, index) => index);
  await waitFor("every client to make progress", () => all.every((i) => progressOf(i) >= perPhase), {
    timeoutMs: 120_000,
    describe,
  });
  const leader = await target.waitForLeader();
  const atKill = all.map(progressOf);
  const killedAtMs = Date.now();
  await target.kill(leader);
  await waitFor(
    `every client to make progress again after member ${leader} (the leader) died`,
    () => all.every((i) => progressOf(i) >= (atKill[i] ?? 0) + perPhase),
    { timeoutMs: 150_000, describe },
  );
  console.log(`killed leader ${leader}; every client progressed again within ${Date.now() - killedAtMs} ms`);
  for (const program of programs) program.endInput();
  for (const program of programs) await program.succeeded(120_000);
  target.restart(leader);
  await target.waitForLeader();
  return leader;
}

/** The client that started on the killed member was cut off and came back; no session was lost. */
function expectSessionsSurvived(killed: number, outcomes: readonly FailoverOutcome[], describe: () => string): void {
  const onKilled = outcomes[target.memberIds.indexOf(killed)];
  expect(onKilled?.firstPort, describe()).toBe(Number(target.hostOf(killed).split(":")[1]));
  expect(onKilled?.states, `the client on the killed leader never noticed\n${describe()}`).toContain("SUSPENDED");
  expect(onKilled?.states.at(-1), describe()).toBe("CONNECTED");
  for (const outcome of outcomes) expect(outcome.states, describe()).not.toContain("LOST");
}

describe.each(["lock", "election"] as const)("kazoo %s across a leader kill", (mode) => {
  it("never has two holders at once, and every contender keeps going after the failover", async () => {
    const log = join(logDir, `${mode}.log`);
    const ids = target.memberIds.map((_, index) => `c${index}`);
    const programs = ids.map((id, index) =>
      startKazoo(processes, `kazoo ${mode} contender ${id}`, "contender.py", [
        hostsFor(index),
        mode,
        `/failover/${mode}`,
        log,
        id,
      ]),
    );
    const describeAll = () => `${programs.map((p) => p.diagnostics()).join("\n")}\n--- hold log ---\n${readLog(log)}`;
    const holdsOf = (index: number) => checkHoldLog(readLog(log)).holds[ids[index] as string] ?? 0;
    const killed = await killLeaderMidWork(programs, holdsOf, holdsPerPhase, describeAll);

    const outcomes = await Promise.all(
      programs.map(async (p) =>
        lastJson<FailoverOutcome & { id: string; rounds: number; mismatches: unknown[] }>(await p.exited),
      ),
    );
    const report = checkHoldLog(readLog(log));
    expect(report.overlaps, describeAll()).toEqual([]);
    expect(report.holds, describeAll()).toEqual(Object.fromEntries(outcomes.map((o) => [o.id, o.rounds])));
    for (const outcome of outcomes) expect(outcome.mismatches, describeAll()).toEqual([]);
    expectSessionsSurvived(killed, outcomes, describeAll);
  });
});

describe("kazoo Counter across a leader kill", () => {
  it("ends at the number of acknowledged increments (plus only those whose outcome was lost)", async () => {
    const programs = target.memberIds.map((_, index) =>
      startKazoo(processes, `kazoo counter worker ${index}`, "counter_worker.py", [
        hostsFor(index),
        "/failover/counter",
      ]),
    );
    const describeAll = () => programs.map((p) => p.diagnostics()).join("\n");
    const progressOf = (index: number) =>
      Math.max(0, ...jsonLines<{ progress?: number }>(programs[index]?.stdout ?? "").map((l) => l.progress ?? 0));
    const killed = await killLeaderMidWork(programs, progressOf, incrementsPerPhase, describeAll);

    const outcomes = await Promise.all(
      programs.map(async (p) => lastJson<FailoverOutcome & { acked: number; ambiguous: number }>(await p.exited)),
    );
    expectSessionsSurvived(killed, outcomes, describeAll);
    const acked = outcomes.reduce((sum, o) => sum + o.acked, 0);
    const ambiguous = outcomes.reduce((sum, o) => sum + o.ambiguous, 0);

    const reader = startKazoo(processes, "kazoo counter reader", "read_node.py", [
      target.connectString,
      "/failover/counter",
    ]);
    const final = Number(lastJson<{ data: string }>(await reader.succeeded()).data);
    console.log(`kazoo counter across a leader kill: ${acked} acknowledged, ${ambiguous} cut off, final ${final}`);
    const bounds = `acked ${acked}, ambiguous ${ambiguous}, final ${final}\n${describeAll()}`;
    expect(final, bounds).toBeGreaterThanOrEqual(acked);
    expect(final, bounds).toBeLessThanOrEqual(acked + ambiguous);
  });
});

/**
 * `keel lock`, `keel elect`, `keel locks` and `keel sessions` against a real 3-node ensemble: the
 * fencing token reaches the command, holders take turns, a lost lock stops the command (an
 * operator's force-release; the holder's member frozen with SIGSTOP), a command that ignores
 * SIGTERM is killed after the grace period, and only the leader runs its command.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ensemble } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliProcess, runCli, runJson, startCli, stopAll } from "./run-cli.js";

let ensemble: Ensemble;
let servers: string[];
const scratch = mkdtempSync(join(tmpdir(), "keel-cli-recipes-"));

beforeAll(async () => {
  ensemble = await Ensemble.start();
  await ensemble.waitForLeader();
  servers = ensemble.members.map((member) => member.clientUrl);
});

afterAll(async () => {
  await stopAll();
  for (const member of ensemble?.members ?? []) member.process?.kill("SIGCONT");
  await ensemble?.close();
  rmSync(scratch, { recursive: true, force: true });
});

interface LockEvent {
  event: string;
  path?: string;
  fencingToken?: string;
  reason?: string;
  status?: number;
  signal?: string | null;
  lost?: boolean;
}

/** keel's JSON events from stderr (lock/elect with --json). */
function events(process: CliProcess): LockEvent[] {
  return process.stderr
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as LockEvent);
}

const started = (process: CliProcess) => events(process).find((event) => event.event === "started");

/** A shell command that records its token, then runs until SIGTERM, which it records too. */
/** A CMD that installs its TERM trap first, then writes the token to `file`, then waits. */
function holderScript(file: string, variable: string, onTerm = 'echo TERM >> "$F"; exit 3'): string[] {
  return ["sh", "-c", `F=${file}; trap '${onTerm}' TERM; echo "$${variable}" > "$F"; while :; do sleep 0.05; done`];
}

/**
 * Waits until keel reported "started" and the holder script wrote its token, so its trap is in
 * place: keel prints "started" when it spawns CMD, and on a busy machine a signal sent before
 * the shell got that far would kill it instead of running the trap.
 */
async function untilHolding(cli: CliProcess, file: string, what: string): Promise<void> {
  await cli.waitFor(
    (output) => output.stderr.includes('"started"') && existsSync(file) && readFileSync(file, "utf8").length > 0,
    what,
  );
}

describe("keel lock", () => {
  it("passes the fencing token, lets holders take turns, and shows holder and queue in keel locks", async () => {
    const first = startCli(
      ["lock", "jobs", "--json", "--label", "first", "--", ...holderScript(join(scratch, "a"), "KEEL_FENCING_TOKEN")],
      {
        servers,
      },
    );
    await untilHolding(first, join(scratch, "a"), "the first holder started");
    const second = startCli(
      ["lock", "jobs", "--json", "--label", "second", "--", "sh", "-c", 'echo "$KEEL_FENCING_TOKEN"'],
      {
        servers,
      },
    );

    // The second queues behind the first: keel locks shows both, in order, with their labels.
    let view: { locks: { name: string; holder?: { metadata?: { label?: string } }; waiters: unknown[] }[] };
    do {
      if (second.done) throw new Error(`the second keel lock exited: ${second.stderr}`);
      view = await runJson(["locks"], { servers });
    } while ((view.locks.find((lock) => lock.name === "jobs")?.waiters.length ?? 0) < 1);
    const jobs = view.locks.find((lock) => lock.name === "jobs");
    expect(jobs?.holder?.metadata?.label).toBe("first");
    expect(jobs?.waiters).toHaveLength(1);
    const table = await runCli(["locks", "jobs"], { servers });
    expect(table.stdout).toMatch(/^jobs +held +lock-\d{10} +\d+ +\w+ +\S+ +\d+ +first /m);
    expect(table.stdout).toMatch(/^jobs +waiting 1 +lock-\d{10} .* second /m);

    const firstToken = started(first)?.fencingToken;
    expect(readFileSync(join(scratch, "a"), "utf8").trim()).toBe(firstToken);
    expect(second.stdout).toBe(""); // still waiting: its command has not run

    first.signal("SIGTERM"); // keel passes it on; the script exits 3 and keel with it
    expect((await first.exited).code).toBe(3);
    const secondResult = await second.exited;
    expect(secondResult.code).toBe(0);
    // the next grant's token is larger: a resource that saw the first refuses nothing newer
    expect(BigInt(secondResult.stdout.trim())).toBeGreaterThan(BigInt(firstToken ?? "0"));
    expect(started(second)?.fencingToken).toBe(secondResult.stdout.trim());
  });

  it("--try exits 1 with WAITTIMEOUT when the lock is taken", async () => {
    const holder = startCli(["lock", "busy", "--json", "--", "sleep", "30"], { servers });
    await holder.waitFor((output) => output.stderr.includes('"started"'), "the holder started");
    const tried = await runCli(["lock", "busy", "--try", "--", "true"], { servers });
    expect(tried.code).toBe(1);
    expect(tried.stderr).toMatch(/^keel lock: WAITTIMEOUT: lock busy is held by someone else/);
    holder.signal("SIGINT");
    await holder.exited;
  });

  it("stops the command with SIGTERM when an operator force-releases the lock; keel exits with its status", async () => {
    const file = join(scratch, "released");
    const holder = startCli(["lock", "released", "--json", "--", ...holderScript(file, "KEEL_FENCING_TOKEN")], {
      servers,
    });
    await untilHolding(holder, file, "the holder started");
    const path = started(holder)?.path as string;
    const token = started(holder)?.fencingToken as string;

    const released = await runCli(["delete", path, "--force-release", "stuck in a test"], { servers });
    expect(released).toMatchObject({ code: 0, stdout: `released ${path}\n` });
    const result = await holder.exited;
    expect(result.code).toBe(3); // the script's own status after its TERM trap
    expect(readFileSync(file, "utf8")).toBe(`${token}\nTERM\n`);
    const lost = events(holder).find((event) => event.event === "lost");
    expect(lost?.reason).toMatch(/force-released/);
    expect(lost?.reason).toContain("stuck in a test");
    expect(events(holder).find((event) => event.event === "exited")).toMatchObject({ status: 3, lost: true });

    // The deletion's cause is in the tree's history: a watch replaying from the node's creation sees it.
    const watched = await runCli(["watch", path, "--after", token, "--count", "1", "--json"], { servers });
    expect(JSON.parse(watched.stdout)).toMatchObject({
      type: "NodeDeleted",
      path,
      cause: { kind: "forceRelease", reason: "stuck in a test" },
    });
  });

  it("kills a command that ignores SIGTERM once the grace period is over (status 137)", async () => {
    const file = join(scratch, "stubborn");
    const holder = startCli(
      [
        "lock",
        "stubborn",
        "--json",
        "--grace",
        "300",
        "--",
        ...holderScript(file, "KEEL_FENCING_TOKEN", 'echo IGNORED >> "$F"'),
      ],
      { servers },
    );
    await untilHolding(holder, file, "the holder started");
    expect(
      (await runCli(["delete", started(holder)?.path as string, "--force-release", "test"], { servers })).code,
    ).toBe(0);
    const result = await holder.exited;
    expect(result.code).toBe(137); // 128 + SIGKILL
    expect(readFileSync(file, "utf8")).toContain("IGNORED"); // it did get the SIGTERM first
    expect(events(holder).find((event) => event.event === "exited")).toMatchObject({ signal: "SIGKILL", lost: true });
  });

  it("stops the command when the holder's member is frozen (SIGSTOP): the session turns suspect", async () => {
    const leaderId = await ensemble.waitForLeader();
    const frozen = ensemble.members.find((member) => member.id !== leaderId);
    if (frozen === undefined) throw new Error("no follower");
    const file = join(scratch, "frozen");
    // Only the frozen member is listed, so keel cannot move on: its session goes suspect after
    // 2/3 of the 3 s timeout without confirmation, and the SDK calls the lock lost.
    const holder = startCli(
      ["lock", "frozen", "--json", "--session-timeout", "3000", "--", ...holderScript(file, "KEEL_FENCING_TOKEN")],
      { servers: [frozen.clientUrl] },
    );
    await untilHolding(holder, file, "the holder started");
    frozen.process?.kill("SIGSTOP");
    try {
      const result = await holder.exited;
      expect(result.code).toBe(3);
      expect(readFileSync(file, "utf8")).toMatch(/TERM\n$/);
      expect(events(holder).find((event) => event.event === "lost")?.reason).toMatch(/suspect|expired/);
    } finally {
      frozen.process?.kill("SIGCONT");
    }
    await ensemble.waitForLeader();
  });
});

describe("keel elect", () => {
  it("runs the command only on the leader; the next candidate takes over with a larger term", async () => {
    const script = (file: string) => holderScript(file, "KEEL_ELECTION_TERM");
    const first = startCli(["elect", "svc", "--json", "--", ...script(join(scratch, "leader-1"))], { servers });
    await untilHolding(first, join(scratch, "leader-1"), "the first was elected");
    const second = startCli(["elect", "svc", "--json", "--", ...script(join(scratch, "leader-2"))], { servers });
    await second.waitFor((output) => output.stderr.includes('"campaigning"'), "the second campaigns");
    // While the first leads, the second's command does not run.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(started(second)).toBeUndefined();

    const firstTerm = readFileSync(join(scratch, "leader-1"), "utf8").trim();
    expect(firstTerm).toBe(started(first)?.fencingToken);
    first.signal("SIGTERM");
    expect((await first.exited).code).toBe(3);

    await untilHolding(second, join(scratch, "leader-2"), "the second was elected");
    expect(BigInt(readFileSync(join(scratch, "leader-2"), "utf8").trim())).toBeGreaterThan(BigInt(firstTerm));
    second.signal("SIGTERM");
    expect((await second.exited).code).toBe(3);
  });
});

describe("keel sessions", () => {
  it("lists open sessions with their timeout and ephemeral count", async () => {
    const holder = startCli(["create", "-e", "--session-timeout", "7000", "/mine"], { servers });
    await holder.waitFor((output) => output.stdout === "/mine\n", "the node was created");
    const owner = (await runJson<{ stat: { ephemeralOwner: string } }>(["stat", "/mine"], { servers })).stat
      .ephemeralOwner;
    const list = await runJson<{
      sessions: { sessionId: string; timeoutMs: number; ephemerals: number; clientAddress: string | null }[];
    }>(["sessions"], { servers });
    const mine = list.sessions.find((session) => session.sessionId === owner);
    expect(mine).toMatchObject({ sessionId: owner, timeoutMs: 7000, ephemerals: 1 });
    // The address the holder's session was opened from: this machine's loopback, some port.
    expect(mine?.clientAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    const human = await runCli(["sessions"], { servers });
    expect(human.stdout).toMatch(new RegExp(`^${owner} +7000 +1 +127\\.0\\.0\\.1:\\d+$`, "m"));
    holder.signal("SIGINT");
    expect((await holder.exited).code).toBe(0);
  });
});

/**
 * The built `keel` CLI against a real 3-node ensemble (testkit Ensemble), run as a child process:
 * every tree command in human and --json form, errors, recursive delete, ephemeral create, watch
 * across the loss of its server, cluster and snapshot.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClusterStatusView, NodeView, StatView } from "@keel/api";
import { Ensemble } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, runCli, runJson, startCli, stopAll } from "./run-cli.js";

let ensemble: Ensemble;
let servers: string[];
const scratch = mkdtempSync(join(tmpdir(), "keel-cli-test-"));

beforeAll(async () => {
  ensemble = await Ensemble.start();
  await ensemble.waitForLeader();
  servers = ensemble.members.map((member) => member.clientUrl);
});

afterAll(async () => {
  await stopAll();
  await ensemble?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const keel = (...args: string[]) => runCli(args, { servers });
const lines = (text: string) => text.split("\n").filter((line) => line.length > 0);

describe("tree commands", () => {
  it("create, get, set, stat, ls and delete, in human form", async () => {
    expect(await keel("create", "/app", "v1")).toMatchObject({ code: 0, stdout: "/app\n" });
    expect(await keel("create", "-p", "/app/a/b", "deep")).toMatchObject({ code: 0, stdout: "/app/a/b\n" });
    const sequential = await keel("create", "-s", "/app/job-", "x");
    expect(sequential.stdout).toMatch(/^\/app\/job-\d{10}\n$/);
    expect(await keel("get", "/app")).toMatchObject({ code: 0, stdout: "v1" });
    expect((await keel("set", "/app", "v2", "-v", "0")).stdout).toMatch(/^\/app {2}version 1 {2}mzxid 0x\d+:\d+\n$/);
    expect((await keel("get", "/app")).stdout).toBe("v2");

    const stat = await keel("stat", "/app");
    expect(stat.stdout).toMatch(/^version +1$/m);
    expect(stat.stdout).toMatch(/^numChildren +2$/m);
    expect(stat.stdout).toMatch(/^ephemeralOwner +-$/m);

    expect(lines((await keel("ls", "/app")).stdout)).toEqual(["a", sequential.stdout.trim().slice("/app/".length)]);
    expect(lines((await keel("ls", "-R", "/app")).stdout)).toEqual(["/app/a", sequential.stdout.trim(), "/app/a/b"]);
    const long = lines((await keel("ls", "-l", "/app")).stdout);
    expect(long[0]).toMatch(/^VERSION +CVERSION +BYTES +CHILDREN +OWNER +MTIME +NAME$/);
    expect(long[1]).toMatch(/^0 +1 +0 +1 +- +\d{4}-\d\d-\d\dT[\d:.]+Z +a$/);

    expect(await keel("delete", "/app/a/b")).toMatchObject({ code: 0, stdout: "deleted /app/a/b\n" });
    expect((await keel("ls", "/app/a")).stdout).toBe("");
  });

  it("--json output parses and carries the API's fields", async () => {
    const created = await runJson<{ path: string; stat: StatView }>(["create", "/j", "data"], { servers });
    expect(created.path).toBe("/j");
    const node = await runJson<NodeView>(["get", "-l", "/j"], { servers });
    expect(node).toMatchObject({ path: "/j", data: "data", dataBase64: Buffer.from("data").toString("base64") });
    expect(node.stat.czxid).toBe(created.stat.czxid);
    const set = await runJson<{ stat: StatView }>(["set", "/j", "more"], { servers });
    expect(set.stat.version).toBe(1);
    const stat = await runJson<{ path: string; stat: StatView }>(["stat", "/j"], { servers });
    expect(stat.stat.mzxid).toBe(set.stat.mzxid);
    const listing = await runJson<{ nodes: { path: string; stat: StatView }[]; truncated: boolean }>(
      ["ls", "-R", "/"],
      { servers },
    );
    expect(listing.truncated).toBe(false);
    expect(listing.nodes.map((entry) => entry.path)).toContain("/j");
    expect(await runJson(["delete", "/j"], { servers })).toEqual({ deleted: ["/j"] });
  });

  it("binary data goes in through stdin and comes out byte for byte", async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 10, 0xc3]);
    expect((await runCli(["create", "/bin", "-"], { servers, input: bytes })).code).toBe(0);
    const node = await runJson<NodeView>(["get", "/bin"], { servers });
    expect(Buffer.from(node.dataBase64, "base64")).toEqual(bytes);
  });

  it.each([
    { args: ["get", "/missing"], code: "NONODE" },
    { args: ["set", "/app", "x", "-v", "7"], code: "BADVERSION" },
    { args: ["create", "/app"], code: "NODEEXISTS" },
    { args: ["create", "/no/parent"], code: "NONODE" },
    { args: ["delete", "/app"], code: "NOTEMPTY" },
    { args: ["create", "bad-path"], code: "BADARGUMENTS" },
  ])("$args fails with one line naming $code", async ({ args, code }) => {
    const result = await keel(...args);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^keel ${args[0]}: ${code}: \\S`));
  });

  it("delete -r refuses without a terminal or --yes, then deletes the whole subtree with --yes", async () => {
    for (const path of ["/tree", "/tree/a", "/tree/a/1", "/tree/a/2", "/tree/b"]) {
      expect((await keel("create", path)).code).toBe(0);
    }
    const refused = await keel("delete", "-r", "/tree");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("without confirmation (stdin is not a terminal); add --yes");
    expect((await keel("ls", "-R", "/tree")).stdout).not.toBe("");

    const deleted = await runJson<{ deleted: string[] }>(["delete", "-r", "--yes", "/tree"], { servers });
    // deepest first, the root last
    expect(deleted.deleted.at(-1)).toBe("/tree");
    expect(deleted.deleted.indexOf("/tree/a/1")).toBeLessThan(deleted.deleted.indexOf("/tree/a"));
    expect(deleted.deleted).toHaveLength(5);
    expect((await keel("stat", "/tree")).stderr).toMatch(/^keel stat: NONODE: /);
  });

  it.each([
    { answer: "n", deleted: false },
    { answer: "y", deleted: true },
  ])("delete -r on a terminal asks first; answering $answer", async ({ answer, deleted }) => {
    for (const path of ["/tty", "/tty/a", "/tty/a/b"]) expect((await keel("create", path)).code).toBe(0);
    // script(1) gives keel a pseudo-terminal as stdin, as a person at a shell would have.
    const quoted = [process.execPath, bin, "delete", "-r", "/tty"].map((word) => `'${word}'`).join(" ");
    const child = spawn("script", ["-qec", quoted, "/dev/null"], {
      env: { ...process.env, KEEL_SERVERS: servers.join(",") },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    let closed = false;
    const exited = new Promise<number | null>((resolve) =>
      child.once("close", (code) => {
        closed = true;
        resolve(code);
      }),
    );
    while (!output.includes("[y/N]")) {
      if (closed) throw new Error(`keel exited without asking: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(output).toContain("delete /tty and the 2 nodes below it? [y/N]");
    child.stdin.write(`${answer}\n`);
    const code = await exited;
    expect(code).toBe(deleted ? 0 : 1);
    const stat = await keel("stat", "/tty");
    expect(stat.code).toBe(deleted ? 1 : 0);
    if (!deleted) {
      expect(output).toContain("not deleted");
      expect((await keel("delete", "-r", "--yes", "/tty")).code).toBe(0);
    }
  });

  it("create -e holds the ephemeral node with a session until SIGINT, then it is gone", async () => {
    const holder = startCli(["create", "-e", "/eph", "here"], { servers });
    await holder.waitFor(({ stdout }) => stdout === "/eph\n", "the node was created");
    const stat = await runJson<{ stat: StatView }>(["stat", "/eph"], { servers });
    expect(stat.stat.ephemeralOwner).not.toBe("0");
    holder.signal("SIGINT");
    expect((await holder.exited).code).toBe(0);
    // the session was closed, so the node went with it (no timeout to wait out)
    expect((await keel("stat", "-l", "/eph")).stderr).toMatch(/NONODE/);
  });
});

describe("watch", () => {
  it("prints each event once, in zxid order, with deletion causes, across the loss of its server", async () => {
    const root = await runJson<{ stat: StatView }>(["create", "/w"], { servers });
    // The watch starts on member 1; later it must move on when member 1 dies. It replays from
    // /w's creation (--after), so an event made before the stream opened is not missed either.
    const first = ensemble.members[0];
    if (first === undefined) throw new Error("no members");
    const order = [first.clientUrl, ...servers.filter((url) => url !== first.clientUrl)];
    expect((await keel("create", "/w/1")).code).toBe(0);
    const watch = startCli(["watch", "-R", "/w", "--json", "--count", "6", "--after", root.stat.czxid], {
      servers: order,
    });
    await watch.waitFor(({ stdout }) => stdout.includes('"/w/1"'), "the first event");

    await ensemble.kill(first.id);
    const rest = servers.filter((url) => url !== first.clientUrl);
    for (const name of ["2", "3", "4"]) {
      expect((await runCli(["create", `/w/${name}`], { servers: rest })).code).toBe(0);
    }
    expect((await runCli(["set", "/w/2", "changed"], { servers: rest })).code).toBe(0);
    expect((await runCli(["delete", "/w/3"], { servers: rest })).code).toBe(0);
    const result = await watch.exited;
    expect(result.code).toBe(0);
    const events = lines(result.stdout).map((line) => JSON.parse(line) as { type: string; path: string; zxid: string });
    expect(events.map((event) => `${event.type} ${event.path}`)).toEqual([
      "NodeCreated /w/1",
      "NodeCreated /w/2",
      "NodeCreated /w/3",
      "NodeCreated /w/4",
      "NodeDataChanged /w/2",
      "NodeDeleted /w/3",
    ]);
    const zxids = events.map((event) => BigInt(event.zxid));
    expect([...zxids].sort((a, b) => (a < b ? -1 : 1))).toEqual(zxids);
    expect(result.stderr).toContain("resuming on the next server");

    ensemble.startMember(first.id);
    await ensemble.waitForLeader();
  });

  it("a one-shot data watch ends after its event", async () => {
    expect((await keel("create", "/once", "a")).code).toBe(0);
    const watch = startCli(["watch", "--mode", "data", "/once"], { servers });
    // Retry the change until the stream (opened asynchronously) has seen one.
    let version = 0;
    while (watch.stdout === "" && !watch.done) {
      expect((await keel("set", "/once", `v${++version}`)).code).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const result = await watch.exited;
    expect(result.code).toBe(0);
    expect(lines(result.stdout)).toHaveLength(1);
    expect(result.stdout).toMatch(/^0x\d+:\d+ {2}NodeDataChanged {2}\/once\n$/);
  });
});

describe("cluster", () => {
  it("shows every member's role, readiness and lag, one leader", async () => {
    const leaderId = await ensemble.waitForLeader();
    const view = await runJson<{
      leaderId: number;
      members: { id: number; role: string; ready: boolean; lag: number | null }[];
    }>(["cluster"], { servers });
    expect(view.leaderId).toBe(leaderId);
    expect(view.members.map((member) => member.id)).toEqual([1, 2, 3]);
    expect(view.members.filter((member) => member.role === "leading")).toHaveLength(1);
    for (const member of view.members) {
      expect(member.ready).toBe(true);
      expect(member.lag).not.toBeNull();
    }
    // A second call may meet another leader (a busy machine can hold an election in between), so
    // the human form is checked against itself: the leader it names is the row marked leading.
    const human = await keel("cluster");
    expect(human.code).toBe(0);
    const [title = "", header = "", ...rows] = lines(human.stdout);
    const named = /^ensemble keel-test, leader: server (\d)$/.exec(title)?.[1];
    expect(named).toBeDefined();
    expect(header).toMatch(/^ID +URL +ROLE +READY +EPOCH +LAST APPLIED +LAG/);
    expect(rows).toHaveLength(3);
    expect(rows.filter((row) => / leading /.test(row)).map((row) => row.split(/ +/)[0])).toEqual([named]);
  });

  it("marks a member that does not answer as down", async () => {
    const statuses = await Promise.all([1, 2, 3].map((id) => ensemble.status(id)));
    const follower = statuses.find((status): status is ClusterStatusView => status?.role === "following");
    if (follower === undefined) throw new Error("no follower");
    await ensemble.kill(follower.serverId);
    const alive = servers.filter((url) => url !== ensemble.member(follower.serverId).clientUrl);
    const view = await runJson<{ members: { id: number; role: string }[] }>(["cluster"], { servers: alive });
    expect(view.members.find((member) => member.id === follower.serverId)?.role).toBe("down");
    ensemble.startMember(follower.serverId);
    await ensemble.waitForLeader();
  });
});

describe("snapshot", () => {
  it("refuses a running member, saves a stopped one, restores it into a new data dir", async () => {
    const member = ensemble.members[2];
    if (member === undefined) throw new Error("no member 3");
    const backup = join(scratch, "member-3.keel-backup");
    const identity = ["--data-dir", member.dataDir, "--server-id", String(member.id), "--ensemble-id", "keel-test"];

    const locked = await keel("snapshot", "save", backup, ...identity);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/^keel snapshot: DATAINCONSISTENCY: LOCKED: .*stop it first/);
    expect(existsSync(backup)).toBe(false);

    await ensemble.kill(member.id);
    const saved = await runJson<{ file: string; bytes: number; serverId: number; lastLoggedZxid: string }>(
      ["snapshot", "save", backup, ...identity],
      { servers },
    );
    expect(saved.serverId).toBe(member.id);
    expect(saved.bytes).toBeGreaterThan(0);
    expect(BigInt(saved.lastLoggedZxid)).toBeGreaterThan(0n);
    expect(existsSync(backup)).toBe(true);
    // saving again would overwrite the backup: refused
    expect((await keel("snapshot", "save", backup, ...identity)).stderr).toMatch(/BADARGUMENTS: EXISTS/);

    // verify reads the backup (never writes it) and says what it holds
    const verified = await runJson<{ ok: boolean; serverId: number; logLastZxid: string; repairs: string[] }>(
      ["snapshot", "verify", backup],
      { servers },
    );
    expect(verified).toMatchObject({ ok: true, serverId: member.id, logLastZxid: saved.lastLoggedZxid, repairs: [] });
    const notABackup = join(scratch, "not-a-backup");
    writeFileSync(notABackup, "x".repeat(200));
    const refused = await keel("snapshot", "verify", notABackup);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot be restored: .*not a readable SQLite store/);

    const target = join(scratch, "restored");
    const restored = await runJson<{ serverId: number; ensembleId: string }>(
      ["snapshot", "restore", backup, "--data-dir", target, "--server-id", "4", "--ensemble-id", "copy"],
      { servers },
    );
    expect(restored).toMatchObject({ serverId: 4, ensembleId: "copy" });
    expect(existsSync(join(target, "keel.db"))).toBe(true);
    // a dir that already holds a store is refused
    const again = await keel("snapshot", "restore", backup, "--data-dir", target, "--server-id", "4");
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/BADARGUMENTS: EXISTS/);

    ensemble.startMember(member.id);
    await ensemble.waitForLeader();
  });
});

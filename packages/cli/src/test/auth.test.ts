/**
 * The built `keel` CLI with credentials against a real 3-member ensemble started with a super
 * password (testkit's `superPassword`), run as a child process: whoami, the users round trip (add,
 * list, role, passwd, remove), the tokens round trip (create, use from --token-file and $KEEL_TOKEN,
 * list, revoke), refused credentials (one line, exit 3), and the SDK path (lock) with credentials.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ensemble } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT_AUTH } from "../cli-error.js";
import { runCli, runJson, startCli, stopAll } from "./run-cli.js";

let ensemble: Ensemble;
let servers: string[];
const scratch = mkdtempSync(join(tmpdir(), "keel-cli-auth-test-"));
const file = (name: string, text: string) => {
  const path = join(scratch, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
};
let asSuper: string[];

beforeAll(async () => {
  ensemble = await Ensemble.start({ superPassword: true });
  await ensemble.waitForLeader();
  servers = ensemble.members.map((member) => member.clientUrl);
  asSuper = ["--user", "super", "--password-file", file("super.pw", `${ensemble.superPassword}\n`)];
});

afterAll(async () => {
  await stopAll();
  await ensemble?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const keel = (...args: string[]) => runCli(args, { servers });
const lines = (text: string) => text.split("\n").filter((line) => line.length > 0);

interface Identity {
  user: string | null;
  role: string;
  via: string;
  scope: { paths: string[]; perms: number } | null;
}

describe("whoami and refused credentials", () => {
  it("names the caller, anonymous or super", async () => {
    expect(await runJson<Identity>(["whoami"], { servers })).toMatchObject({ user: null, via: "anonymous" });
    expect(await runJson<Identity>([...asSuper, "whoami"], { servers })).toMatchObject({
      user: "super",
      role: "admin",
      via: "password",
    });
    const human = await keel(...asSuper, "whoami");
    expect(human.stdout).toMatch(/^user +super$/m);
    expect(human.stdout).toMatch(/^role +admin$/m);
  });

  it("exits 3 with one AUTHFAILED line for a wrong password, whatever the command", async () => {
    const wrong = ["--user", "super", "--password-file", file("wrong.pw", "not-the-password\n")];
    for (const args of [["whoami"], ["get", "/"], ["users", "list"]]) {
      const result = await keel(...wrong, ...args);
      expect(result.code).toBe(EXIT_AUTH);
      expect(result.stdout).toBe("");
      expect(lines(result.stderr)).toHaveLength(1);
      expect(result.stderr).toMatch(new RegExp(`^keel ${args[0]}: AUTHFAILED: `));
    }
  });

  it("never takes a password from the command line, and says where to put it", async () => {
    const result = await keel("--user", "super", "whoami");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--password-file FILE or \$KEEL_PASSWORD/);
    // $KEEL_PASSWORD does it
    const viaEnv = await runCli(["--user", "super", "whoami"], {
      servers,
      env: { KEEL_PASSWORD: ensemble.superPassword as string },
    });
    expect(viaEnv.code).toBe(0);
  });
});

describe("users", () => {
  it("add, list, role, passwd and remove", async () => {
    const carolPassword = file("carol.pw", "carol-password-1\n");
    const added = await keel(...asSuper, "users", "add", "carol", "--role", "viewer", "--password-file", carolPassword);
    expect(added).toMatchObject({ code: 0, stdout: "added user carol (viewer)\n" });
    const list = await runJson<{ users: { name: string; role: string }[] }>([...asSuper, "users", "list"], {
      servers,
    });
    expect(list.users).toContainEqual(expect.objectContaining({ name: "carol", role: "viewer" }));
    expect(lines((await keel(...asSuper, "users", "list")).stdout)[0]).toMatch(/^NAME +ROLE +CREATED$/);

    const asCarol = ["--user", "carol", "--password-file", carolPassword];
    expect(await runJson<Identity>([...asCarol, "whoami"], { servers })).toMatchObject({
      user: "carol",
      role: "viewer",
    });
    // a viewer cannot write (an ordinary refusal: exit 1) nor manage users
    const write = await keel(...asCarol, "create", "/by-carol");
    expect(write.code).toBe(1);
    expect(write.stderr).toMatch(/^keel create: NOAUTH: /);
    expect((await keel(...asCarol, "users", "list")).stderr).toMatch(/^keel users: NOAUTH: /);

    expect((await keel(...asSuper, "users", "role", "carol", "operator")).stdout).toBe("user carol is now operator\n");
    expect(await keel(...asCarol, "create", "/by-carol")).toMatchObject({ code: 0, stdout: "/by-carol\n" });

    // carol changes her own password: the one she authenticates with is sent as the old one
    const newPassword = file("carol-new.pw", "carol-password-2\n");
    expect((await keel(...asCarol, "users", "passwd", "carol", "--password-file", newPassword)).code).toBe(0);
    expect((await keel(...asCarol, "whoami")).code).toBe(EXIT_AUTH);
    expect((await keel("--user", "carol", "--password-file", newPassword, "whoami")).code).toBe(0);
    // the new password from stdin when it is a pipe
    const piped = await runCli([...asSuper, "users", "passwd", "carol"], { servers, input: "carol-password-3\n" });
    expect(piped.code).toBe(0);
    expect((await keel("--user", "carol", "--password-file", file("c3.pw", "carol-password-3"), "whoami")).code).toBe(
      0,
    );

    expect((await keel(...asSuper, "users", "remove", "carol")).stdout).toBe(
      "removed user carol (and revoked its tokens)\n",
    );
    expect((await keel("--user", "carol", "--password-file", newPassword, "whoami")).code).toBe(EXIT_AUTH);
  });
});

describe("tokens", () => {
  it("create prints the token once; it works from --token-file and $KEEL_TOKEN; list; revoke", async () => {
    await keel(
      ...asSuper,
      "users",
      "add",
      "ci",
      "--role",
      "operator",
      "--password-file",
      file("ci.pw", "ci-password-1"),
    );
    await keel(...asSuper, "create", "/app");
    const created = await keel(
      ...asSuper,
      "tokens",
      "create",
      "--user",
      "ci",
      "--path",
      "/app",
      "--perms",
      "rwcd",
      "--ttl",
      "1d",
      "--description",
      "deploys",
    );
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^keel_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/cannot be shown again/);
    const tokenId = token.split("_")[1] as string;

    const tokenFile = file("ci.tok", `${token}\n`);
    expect(await runJson<Identity>(["--token-file", tokenFile, "whoami"], { servers })).toMatchObject({
      user: "ci",
      via: "token",
      scope: { paths: ["/app"], perms: 15 },
    });
    expect(await keel("--token-file", tokenFile, "create", "/app/job", "x")).toMatchObject({ code: 0 });
    expect((await keel("--token-file", tokenFile, "create", "/elsewhere")).stderr).toMatch(/^keel create: NOAUTH: /);
    const viaEnv = await runCli(["get", "/app/job"], { servers, env: { KEEL_TOKEN: token } });
    expect(viaEnv).toMatchObject({ code: 0, stdout: "x" });

    const listed = await runJson<{ tokens: { tokenId: string; description: string }[] }>(
      [...asSuper, "tokens", "list", "--user", "ci"],
      { servers },
    );
    expect(listed.tokens).toContainEqual(expect.objectContaining({ tokenId, description: "deploys" }));
    const table = lines((await keel(...asSuper, "tokens", "list", "--user", "ci")).stdout);
    expect(table[0]).toMatch(/^TOKEN ID +USER +KIND +SCOPE +EXPIRES +DESCRIPTION$/);
    expect(table.some((line) => line.startsWith(tokenId) && line.includes("rwcd- /app"))).toBe(true);

    expect((await keel(...asSuper, "tokens", "revoke", tokenId)).stdout).toBe(`revoked token ${tokenId}\n`);
    const revoked = await keel("--token-file", tokenFile, "whoami");
    expect(revoked.code).toBe(EXIT_AUTH);
    expect(revoked.stderr).toMatch(/^keel whoami: AUTHFAILED: /);
  });

  it("runs the SDK's commands (lock) with credentials", async () => {
    const result = await keel(...asSuper, "lock", "auth-test", "--", "true");
    expect(result.code).toBe(0);
  });
});

describe("an ensemble that requires authentication", () => {
  let strict: Ensemble;
  let strictServers: string[];
  let strictSuper: string[];
  beforeAll(async () => {
    strict = await Ensemble.start({ voters: 1, authRequired: true });
    await strict.waitForLeader();
    strictServers = strict.members.map((member) => member.clientUrl);
    strictSuper = ["--user", "super", "--password-file", file("strict-super.pw", strict.superPassword as string)];
  });
  afterAll(async () => {
    await stopAll();
    await strict?.close();
  });

  it("refuses anonymous commands with exit 3, and every kind of call carries the credentials", async () => {
    const anonymous = await runCli(["ls", "/"], { servers: strictServers });
    expect(anonymous.code).toBe(EXIT_AUTH);
    expect(anonymous.stderr).toMatch(/^keel ls: NOAUTH: .*authentication required.*--user NAME with --password-file/);
    const run = (...args: string[]) => runCli([...strictSuper, ...args], { servers: strictServers });
    // plain HTTP calls, session.list's own fetch, and the SDK (lock)
    expect(await run("create", "/w", "x")).toMatchObject({ code: 0 });
    expect((await run("sessions")).code).toBe(0);
    expect((await run("lock", "strict", "--", "true")).code).toBe(0);
    // a watch stream's WebSocket, and create -e's session held over HTTP
    const watch = startCli([...strictSuper, "watch", "--mode", "data", "-n", "1", "/w"], { servers: strictServers });
    // set until the watch has seen a change (it may subscribe after the first sets)
    for (let round = 0; !watch.done; round++) {
      expect((await run("set", "/w", `v${round}`)).code).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const watched = await watch.exited;
    expect(watched.code).toBe(0);
    expect(watched.stdout).toMatch(/NodeDataChanged {2}\/w/);
  });
});

describe("snapshot save --from (online backup)", () => {
  it("downloads a running member's store as an admin and verifies it; anyone else is refused", async () => {
    expect((await keel(...asSuper, "create", "/backed-up", "yes")).code).toBe(0);
    const target = join(scratch, "online.backup");
    const saved = await keel(...asSuper, "snapshot", "save", target, "--from", servers[0] as string);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toMatch(/^backup +.*online\.backup: ok$/m);
    const refused = await keel("snapshot", "save", join(scratch, "anonymous.backup"), "--from", servers[0] as string);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused the backup \(HTTP 403\)/);
  });
});

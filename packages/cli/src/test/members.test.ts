/**
 * `keel members` against a real ensemble (3 voters and a spare started with --join): list shows
 * the bootstrap members at version 0; adding the synced spare makes it a voter everywhere (the
 * human table and --json agree); removing it brings the list back; a change without credentials
 * is refused with NOAUTH and changes nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ensemble } from "@keel/testkit";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runCli, runJson, stopAll } from "./run-cli.js";

interface MembersJson {
  version: string;
  members: { id: number; role: string; host: string; peerPort: number; clientPort: number }[];
}

let ensemble: Ensemble;
let servers: string[];
let asSuper: string[];
const scratch = mkdtempSync(join(tmpdir(), "keel-cli-members-"));

beforeAll(async () => {
  ensemble = await Ensemble.start({ voters: 3, spares: 1, superPassword: true });
  await ensemble.waitForLeader();
  servers = ensemble.members.filter((member) => !member.spare).map((member) => member.clientUrl);
  const passwordFile = join(scratch, "super.pw");
  writeFileSync(passwordFile, `${ensemble.superPassword}\n`, { mode: 0o600 });
  asSuper = ["--user", "super", "--password-file", passwordFile];
}, 60_000);

afterAll(async () => {
  await stopAll();
  await ensemble?.close();
  rmSync(scratch, { recursive: true, force: true });
});

it("lists, adds a joined server and removes it again", async () => {
  const before = await runJson<MembersJson>(["members", "list"], { servers });
  expect(before.version).toBe("0");
  expect(before.members.map((member) => member.id)).toEqual([1, 2, 3]);

  const spare = ensemble.member(4);
  const spec = `4=127.0.0.1:${spare.peerPort}:${spare.clientPort}`;
  const refused = await runCli(["members", "add", spec], { servers });
  expect(refused.code).not.toBe(0);
  expect(refused.stderr).toContain("NOAUTH");

  ensemble.startMember(4);
  await ensemble.waitForLeader();
  const added = await runCli([...asSuper, "members", "add", spec], { servers });
  expect(added.stderr).toBe("");
  expect(added.code).toBe(0);
  const table = await runCli(["members", "list"], { servers });
  expect(table.stdout).toMatch(
    new RegExp(`^4 +voter +127\\.0\\.0\\.1:${spare.peerPort} +127\\.0\\.0\\.1:${spare.clientPort}`, "m"),
  );
  const grown = await runJson<MembersJson>(["members", "list"], { servers: [spare.clientUrl] });
  expect(grown.members.map((member) => member.id)).toEqual([1, 2, 3, 4]);
  expect(BigInt(grown.version)).toBeGreaterThan(0n);

  const removed = await runCli([...asSuper, "members", "remove", "4", "--from-version", grown.version], { servers });
  expect(removed.code).toBe(0);
  const after = await runJson<MembersJson>(["members", "list"], { servers });
  expect(after.members.map((member) => member.id)).toEqual([1, 2, 3]);
}, 120_000);

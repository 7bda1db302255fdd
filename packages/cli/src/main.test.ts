import { readFileSync } from "node:fs";
import { PassThrough } from "node:stream";
import { freePort } from "@keel/testkit";
import { beforeAll, describe, expect, it } from "vitest";
import type { Io } from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { CLI_VERSION, runCli } from "./main.js";

/** A port nothing listens on: a request fails at once with ECONNREFUSED. */
let deadServer = "";
beforeAll(async () => {
  deadServer = `http://127.0.0.1:${await freePort()}`;
});

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io: Io = {
    stdout: { write: (chunk) => (stdout += chunk.toString()) },
    stderr: { write: (chunk) => (stderr += chunk.toString()) },
    stdin: new PassThrough(),
    env: { KEEL_SERVERS: deadServer },
  };
  const code = await runCli(argv, io, new AbortController().signal);
  return { code, stdout, stderr };
}

describe("runCli", () => {
  it("lists every command in --help", async () => {
    const { code, stdout } = await run(["--help"]);
    expect(code).toBe(0);
    for (const command of COMMANDS) expect(stdout).toMatch(new RegExp(`^  ${command.name} +\\S`, "m"));
  });

  it("prints each command's help with its options", async () => {
    for (const command of COMMANDS) {
      const { code, stdout } = await run([command.name, "--help"]);
      expect(code).toBe(0);
      expect(stdout).toContain(`usage: keel ${command.name}`);
      for (const option of Object.keys(command.options)) expect(stdout).toContain(`--${option}`);
    }
  });

  it("prints the version of package.json", async () => {
    const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(CLI_VERSION).toBe(manifest.version);
    expect((await run(["--version"])).stdout).toBe(`keel ${manifest.version}\n`);
  });

  it.each([
    { argv: ["frob"], code: 2, line: 'keel: unknown command "frob" (see keel --help)' },
    { argv: ["get"], code: 2, line: "keel get: expected 1 argument (PATH), got 0 (see keel get --help)" },
    { argv: ["create", "-e", "--ttl", "5", "/a"], code: 2, line: "keel create: --ttl and -e exclude each other" },
    { argv: ["delete", "-r", "/"], code: 2, line: "keel delete: refusing to delete / recursively" },
    // a network failure is named like ZooKeeper's connection loss (and, with nothing listening,
    // reported after a few quick rounds rather than the whole --timeout)
    {
      argv: ["get", "/a", "--timeout", "600000"],
      code: 1,
      line: "keel get: CONNECTIONLOSS: no server could serve the request",
    },
  ])("$argv exits $code with one line on stderr", async ({ argv, code, line }) => {
    const started = Date.now();
    const result = await run(argv);
    // Not a compute bound: with nothing listening keel must not wait out a 10-minute --timeout.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(result.code).toBe(code);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n").filter((text) => text.length > 0)).toHaveLength(1);
    expect(result.stderr.startsWith(line)).toBe(true);
  });
});

import { describe, expect, it } from "vitest";
import { type GlobalValues, parseCommandLine, TIMEOUT_MS_DEFAULT } from "./args.js";
import { UsageError } from "./cli-error.js";
import { COMMANDS } from "./commands/index.js";

const commands = COMMANDS;

interface Case {
  readonly argv: string;
  readonly command?: string;
  readonly positionals?: readonly string[];
  readonly values?: Record<string, unknown>;
  readonly run?: readonly string[];
  readonly json?: boolean;
  readonly servers?: string;
  readonly timeoutMs?: number;
  readonly global?: Partial<GlobalValues>;
  readonly kind?: "help" | "version";
  readonly error?: string;
}

const split = (line: string) => (line === "" ? [] : line.split(" "));

describe("parseCommandLine", () => {
  const cases: Case[] = [
    { argv: "", kind: "help" },
    { argv: "--help", kind: "help" },
    { argv: "-h", kind: "help" },
    { argv: "--version", kind: "version" },
    { argv: "-V", kind: "version" },
    { argv: "get --help", kind: "help", command: "get" },
    { argv: "get /a", command: "get", positionals: ["/a"], json: false, timeoutMs: TIMEOUT_MS_DEFAULT },
    // global options before or after the command name
    { argv: "--json get /a", command: "get", positionals: ["/a"], json: true },
    { argv: "get /a --json", command: "get", positionals: ["/a"], json: true },
    { argv: "--servers h:1,h:2 get /a", command: "get", servers: "h:1,h:2" },
    { argv: "--servers=h:1 get /a", command: "get", servers: "h:1" },
    { argv: "get --timeout 500 /a", command: "get", timeoutMs: 500 },
    { argv: "get -l /a", command: "get", values: { linearizable: true } },
    { argv: "set /a v2 -v 3", command: "set", positionals: ["/a", "v2"], values: { version: "3" } },
    // -- ends options for ordinary commands: data may start with a dash
    { argv: "set /a -- -1", command: "set", positionals: ["/a", "-1"] },
    { argv: "create -e -s /q/item- x", command: "create", values: { ephemeral: true, sequential: true } },
    { argv: "create --ttl 5000 /t", command: "create", values: { ttl: "5000" } },
    { argv: "delete -r -y /a", command: "delete", values: { recursive: true, yes: true } },
    { argv: "ls", command: "ls", positionals: [] },
    { argv: "ls -R -l /", command: "ls", values: { recursive: true, long: true } },
    { argv: "watch -R -n 3 /a", command: "watch", values: { recursive: true, count: "3" } },
    { argv: "watch --mode data /a", command: "watch", values: { mode: "data" } },
    { argv: "snapshot save f --data-dir d --server-id 1", command: "snapshot", positionals: ["save", "f"] },
    // lock/elect: everything after -- is the command, options included
    {
      argv: "lock job --json -- ./run.sh --json -x",
      command: "lock",
      positionals: ["job"],
      run: ["./run.sh", "--json", "-x"],
      json: true,
    },
    { argv: "elect leader -- sleep 1", command: "elect", positionals: ["leader"], run: ["sleep", "1"] },
    // credentials and CA: global, before or after the command name
    {
      argv: "--user root --password-file r.pw --ca-file ca.pem whoami",
      command: "whoami",
      global: { user: "root", passwordFile: "r.pw", tokenFile: undefined, caFile: "ca.pem" },
    },
    { argv: "ls / --token-file t.tok", command: "ls", global: { tokenFile: "t.tok", user: undefined } },
    // a command's own option of the same name takes it after the command name; the global one
    // must stand before (the caller's password vs the new user's)
    {
      argv: "--user root --password-file r.pw users add alice --role viewer --password-file a.pw",
      command: "users",
      positionals: ["add", "alice"],
      values: { role: "viewer", "password-file": "a.pw" },
      global: { user: "root", passwordFile: "r.pw" },
    },
    {
      argv: "users add alice --role viewer --password-file a.pw",
      command: "users",
      values: { "password-file": "a.pw" },
      global: { user: undefined, passwordFile: undefined },
    },
    {
      argv: "--user root tokens create --user ci --path /a --path /b --perms rw --ttl 30d",
      command: "tokens",
      positionals: ["create"],
      values: { user: "ci", path: ["/a", "/b"], perms: "rw", ttl: "30d" },
      global: { user: "root" },
    },
    { argv: "users role alice admin", command: "users", positionals: ["role", "alice", "admin"] },
    { argv: "tokens revoke 0123456789abcdef", command: "tokens", positionals: ["revoke", "0123456789abcdef"] },
    // usage errors
    { argv: "users add alice --role root", error: "--role must be one of viewer, operator, admin" },
    // a command option before the command name is not a global one
    { argv: "--role=viewer users list", error: "unknown option --role" },
    { argv: "frob", error: 'unknown command "frob"' },
    { argv: "--bogus", error: "unknown option --bogus" },
    { argv: "get", error: "expected 1 argument (PATH), got 0" },
    { argv: "get /a /b", error: "expected 1 argument (PATH), got 2" },
    { argv: "get --bogus /a", error: "unknown option --bogus" },
    { argv: "get --timeout soon /a", error: '--timeout must be an integer from 1 to 86400000, got "soon"' },
    { argv: "get --timeout 0 /a", error: "--timeout must be an integer" },
    { argv: "watch --mode sometimes /a", error: "--mode must be one of data, exists, children, persistent, recursive" },
    { argv: "lock job", error: "give the command to run after --" },
    { argv: "lock -- ./x", error: "expected 1 argument (NAME -- CMD [ARGS...]), got 0" },
    { argv: "snapshot save", error: "expected 2 arguments" },
  ];

  it.each(cases)("$argv", (testCase) => {
    const run = () => parseCommandLine(split(testCase.argv), commands);
    if (testCase.error !== undefined) {
      expect(run).toThrow(UsageError);
      expect(run).toThrow(testCase.error);
      return;
    }
    const line = run();
    if (testCase.kind !== undefined) {
      expect(line.kind).toBe(testCase.kind);
      if (testCase.command !== undefined && line.kind === "help") expect(line.command?.name).toBe(testCase.command);
      return;
    }
    if (line.kind !== "run") throw new Error(`expected a command, got ${line.kind}`);
    expect(line.command.name).toBe(testCase.command);
    if (testCase.positionals !== undefined) expect(line.args.positionals).toEqual(testCase.positionals);
    if (testCase.values !== undefined) expect(line.args.values).toMatchObject(testCase.values);
    expect(line.args.command).toEqual(testCase.run ?? []);
    if (testCase.json !== undefined) expect(line.global.json).toBe(testCase.json);
    if (testCase.servers !== undefined) expect(line.global.servers).toBe(testCase.servers);
    if (testCase.timeoutMs !== undefined) expect(line.global.timeoutMs).toBe(testCase.timeoutMs);
    for (const [name, value] of Object.entries(testCase.global ?? {}))
      expect(line.global[name as keyof GlobalValues]).toBe(value);
  });

  it("names the command in a usage error found while parsing its options", () => {
    try {
      parseCommandLine(["get", "--bogus", "/a"], commands);
      throw new Error("no error");
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as UsageError).command).toBe("get");
    }
  });
});

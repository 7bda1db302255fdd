/**
 * `keel members` without a server: the command line is parsed as main.ts does (parseCommandLine
 * against every command), then run with a stub Remote that records which procedure was called, as
 * a read or a write, with what input, and answers a fixed configuration. Checks the input each
 * form of `add` and `remove` sends, the table and --json output, the usage errors (exit 2, nothing
 * sent), and the hint a refused change carries. The server side of members.* is tested by the
 * server's own tests.
 */
import type { MembersView } from "@keel/api";
import { describe, expect, it } from "vitest";
import { parseCommandLine } from "../args.js";
import { CliError, EXIT_USAGE, errorLine, exitCodeOf } from "../cli-error.js";
import type { CommandContext } from "../command.js";
import type { Remote } from "../remote.js";
import { COMMANDS } from "./index.js";

const epoch1 = (counter: number) => String((1n << 32n) | BigInt(counter));

const VIEW: MembersView = {
  version: epoch1(7),
  members: [
    { id: 2, role: "voter", host: "10.0.0.2", peerPort: 7002, clientPort: 7202 },
    { id: 1, role: "voter", host: "10.0.0.1", peerPort: 7001, clientPort: 7201 },
    { id: 4, role: "observer", host: "fe80::4", peerPort: 7004, clientPort: 7204 },
  ],
};

interface Sent {
  readonly kind: "read" | "write";
  readonly procedure: string;
  readonly input: unknown;
}

/** Runs `keel <argv>` against a stub ensemble; `answer` plays every procedure. */
async function keel(argv: string[], answer: () => Promise<MembersView> = () => Promise.resolve(VIEW)) {
  const sent: Sent[] = [];
  let stdout = "";
  let code: number;
  let stderr = "";
  const stubClient = (kind: Sent["kind"]) => {
    const procedure = (name: string) => (input: unknown) => {
      sent.push({ kind, procedure: name, input });
      return answer();
    };
    return {
      members: {
        list: { query: procedure("members.list") },
        add: { mutate: procedure("members.add") },
        remove: { mutate: procedure("members.remove") },
      },
    };
  };
  const signal = new AbortController().signal;
  const remote = {
    read: (call: (client: unknown, signal: AbortSignal, server: string) => Promise<unknown>) =>
      call(stubClient("read"), signal, "http://stub"),
    write: (call: (client: unknown, signal: AbortSignal, server: string) => Promise<unknown>) =>
      call(stubClient("write"), signal, "http://stub"),
  } as unknown as Remote;
  try {
    const line = parseCommandLine(argv, COMMANDS);
    if (line.kind !== "run") throw new Error(`not a run: ${line.kind}`);
    const context = {
      json: line.global.json,
      remote,
      signal,
      out: (text: string) => {
        stdout += text;
      },
      note: (text: string) => {
        stderr += text;
      },
    } as unknown as CommandContext;
    code = await line.command.run(context, line.args);
  } catch (error) {
    stderr += `${errorLine("members", error)}\n`;
    code = exitCodeOf(error);
  }
  return { code, stdout, stderr, sent };
}

const TABLE = [
  "ID  ROLE      PEER ADDRESS    CLIENT ADDRESS",
  "1   voter     10.0.0.1:7001   10.0.0.1:7201",
  "2   voter     10.0.0.2:7002   10.0.0.2:7202",
  "4   observer  [fe80::4]:7004  [fe80::4]:7204",
  `configuration version 0x1:7 (${epoch1(7)})`,
  "",
].join("\n");

describe("keel members list", () => {
  it("prints the members by id and the configuration version (a read)", async () => {
    const result = await keel(["members", "list"]);
    expect(result).toMatchObject({ code: 0, stderr: "", stdout: TABLE });
    expect(result.sent).toEqual([{ kind: "read", procedure: "members.list", input: undefined }]);
  });

  it.each([
    ["--json", "members", "list"],
    ["members", "list", "--json"],
  ])("%s %s %s prints the view", async (...argv) => {
    const result = await keel(argv);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(VIEW);
  });
});

describe("keel members add and remove", () => {
  it.each([
    {
      argv: ["members", "add", "5", "--host", "10.0.0.5", "--peer-port", "7005", "--client-port", "7205"],
      procedure: "members.add",
      input: { id: 5, host: "10.0.0.5", peerPort: 7005, clientPort: 7205, role: "voter" },
      line: "added member 5 (voter; peer 10.0.0.5:7005, client 10.0.0.5:7205)",
    },
    {
      argv: [
        "members",
        "add",
        "6",
        "--host",
        "::1",
        "--peer-port",
        "7006",
        "--client-port",
        "7206",
        "--role",
        "observer",
      ],
      procedure: "members.add",
      input: { id: 6, host: "::1", peerPort: 7006, clientPort: 7206, role: "observer" },
      line: "added member 6 (observer; peer [::1]:7006, client [::1]:7206)",
    },
    {
      argv: ["members", "add", "4=10.0.0.4:7004:7204"],
      procedure: "members.add",
      input: { id: 4, host: "10.0.0.4", peerPort: 7004, clientPort: 7204, role: "voter" },
      line: "added member 4 (voter; peer 10.0.0.4:7004, client 10.0.0.4:7204)",
    },
    {
      argv: ["members", "add", "7=[::1]:7007:7207:observer", "--from-version", "0x1:7"],
      procedure: "members.add",
      input: { id: 7, host: "::1", peerPort: 7007, clientPort: 7207, role: "observer", fromVersion: epoch1(7) },
      line: "added member 7 (observer; peer [::1]:7007, client [::1]:7207)",
    },
    {
      argv: ["members", "remove", "2"],
      procedure: "members.remove",
      input: { id: 2 },
      line: "removed member 2",
    },
    {
      argv: ["members", "remove", "2", "--from-version", epoch1(7)],
      procedure: "members.remove",
      input: { id: 2, fromVersion: epoch1(7) },
      line: "removed member 2",
    },
    {
      argv: ["members", "remove", "3", "--from-version", "0"],
      procedure: "members.remove",
      input: { id: 3, fromVersion: "0" },
      line: "removed member 3",
    },
  ])("$argv", async ({ argv, procedure, input, line }) => {
    const result = await keel(argv);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    // a change is a write: one whose outcome is unknown is reported, never repeated
    expect(result.sent).toEqual([{ kind: "write", procedure, input }]);
    expect(result.stdout).toBe(`${line}\n${TABLE}`);

    const asJson = await keel(["--json", ...argv]);
    expect(JSON.parse(asJson.stdout)).toEqual(VIEW);
  });
});

describe("usage errors: exit 2, nothing sent", () => {
  it.each([
    { argv: ["members"], message: "expected 1 to 2 arguments" },
    { argv: ["members", "frob"], message: 'members takes list, add, remove, got "frob"' },
    { argv: ["members", "list", "x"], message: "usage: keel members list" },
    { argv: ["members", "add"], message: "usage: keel members add ID --host HOST" },
    { argv: ["members", "remove"], message: "usage: keel members remove ID [--from-version V]" },
    { argv: ["members", "list", "--host", "h"], message: "members list takes no --host" },
    { argv: ["members", "remove", "2", "--role", "voter"], message: "members remove takes no --role" },
    {
      argv: ["members", "add", "5", "--host", "h", "--peer-port", "7005"],
      message: "members add 5 needs --host, --peer-port and --client-port (or one word: 5=HOST:PEERPORT:CLIENTPORT)",
    },
    {
      argv: ["members", "add", "5", "--peer-port", "7005", "--client-port", "7205"],
      message: "members add 5 needs --host",
    },
    {
      argv: ["members", "add", "5", "--host", "h", "--peer-port", "0", "--client-port", "7205"],
      message: '--peer-port must be an integer from 1 to 65535, got "0"',
    },
    {
      argv: ["members", "add", "5", "--host", "h", "--peer-port", "7005", "--client-port", "x"],
      message: '--client-port must be an integer from 1 to 65535, got "x"',
    },
    {
      argv: ["members", "add", "5", "--host", "h", "--peer-port", "1", "--client-port", "2", "--role", "leader"],
      message: '--role must be one of voter, observer, got "leader"',
    },
    {
      argv: ["members", "add", "0", "--host", "h", "--peer-port", "1", "--client-port", "2"],
      message: 'a member id is an integer from 1 to 255, got "0"',
    },
    { argv: ["members", "remove", "256"], message: 'a member id is an integer from 1 to 255, got "256"' },
    { argv: ["members", "remove", "two"], message: 'a member id is an integer from 1 to 255, got "two"' },
    {
      argv: ["members", "add", "4=h:1:2", "--host", "h"],
      message: "members add 4=h:1:2 already says everything; leave out --host, or give ID alone",
    },
    {
      argv: ["members", "add", "4=h:1:2", "--role", "observer"],
      message: "leave out --role",
    },
    { argv: ["members", "add", "4=h:1"], message: 'bad member "4=h:1": expected two ports and an optional role' },
    {
      argv: ["members", "remove", "2", "--from-version", "latest"],
      message:
        '--from-version must be a configuration version as `keel members list` shows it (0x1:7 or 4294967303), got "latest"',
    },
  ])("$argv", async ({ argv, message }) => {
    const result = await keel(argv);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stdout).toBe("");
    expect(result.sent).toEqual([]);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });
});

describe("a refused change", () => {
  it.each([
    { keelCode: "RECONFIGINPROGRESS", hint: "one change at a time" },
    { keelCode: "NEWCONFIGNOQUORUM", hint: "start a new member with --join" },
    { keelCode: "BADVERSION", hint: "run `keel members list`" },
  ])("$keelCode carries what to do", async ({ keelCode, hint }) => {
    const refused = () => Promise.reject(new CliError(`${keelCode}: refused`, 1, keelCode));
    const result = await keel(["members", "remove", "2", "--from-version", "0"], refused);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toMatch(new RegExp(`^keel members: ${keelCode}: refused \\(.+\\)\\n$`));
    expect(result.stderr).toContain(hint);
  });

  it("passes any other refusal through as it came (NOAUTH of a viewer)", async () => {
    const refused = () =>
      Promise.reject(new CliError("NOAUTH: changing the ensemble's members needs admin", 1, "NOAUTH"));
    const result = await keel(["members", "add", "4=h:1:2"], refused);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("keel members: NOAUTH: changing the ensemble's members needs admin\n");
  });
});

/**
 * The `keel` entry: parse the command line, build the context, run the command, turn any failure
 * into one line on stderr and an exit code (cli-error.ts). `runCli` takes its I/O as arguments so
 * the unit tests run it in-process; `runFromProcess` is what the bin calls.
 */
import { createInterface } from "node:readline/promises";
import { commandHelp, parseCommandLine, topHelp } from "./args.js";
import { errorLine, exitCodeOf } from "./cli-error.js";
import type { CommandContext, Io } from "./command.js";
import { COMMANDS } from "./commands/index.js";
import { type ConnectionSettings, connectionSettings } from "./connection.js";
import { Remote } from "./remote.js";
import { resolveServers } from "./servers.js";
import { CLI_VERSION } from "./version.js";

export { CLI_VERSION };

export async function runCli(argv: readonly string[], io: Io, signal: AbortSignal): Promise<number> {
  let commandName: string | undefined;
  try {
    const line = parseCommandLine(argv, COMMANDS);
    if (line.kind === "version") {
      io.stdout.write(`keel ${CLI_VERSION}\n`);
      return 0;
    }
    if (line.kind === "help") {
      io.stdout.write(line.command === undefined ? topHelp(COMMANDS) : commandHelp(line.command));
      return 0;
    }
    commandName = line.command.name;
    const servers = resolveServers(line.global.servers, io.env);
    let remote: Remote | undefined;
    let connection: ConnectionSettings | undefined;
    const context: CommandContext = {
      io,
      json: line.global.json,
      servers,
      timeoutMs: line.global.timeoutMs,
      // Resolved when a command first talks to the ensemble: `completion` or `snapshot` must not
      // fail over an unreadable --token-file.
      get connection() {
        connection ??= connectionSettings(line.global, io.env);
        return connection;
      },
      get remote() {
        remote ??= new Remote({ servers, timeoutMs: line.global.timeoutMs, connection: context.connection });
        return remote;
      },
      signal,
      confirm: (question) => confirm(io, question),
      out: (text) => io.stdout.write(text),
      note: (text) => io.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    };
    return await line.command.run(context, line.args);
  } catch (error) {
    io.stderr.write(`${errorLine(commandName, error)}\n`);
    return exitCodeOf(error);
  }
}

async function confirm(io: Io, question: string): Promise<boolean> {
  if (io.stdin.isTTY !== true) return false;
  const prompt = createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
  try {
    const answer = await prompt.question(`${question} [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

/** The bin's entry: process I/O, Ctrl-C and SIGTERM abort the running command, exit with its code. */
export async function runFromProcess(): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts += 1;
    // A second Ctrl-C means "now": do not wait for a clean release.
    if (interrupts > 1) process.exit(signal === "SIGINT" ? 130 : 143);
    controller.abort(signal);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const code = await runCli(
    process.argv.slice(2),
    { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
    controller.signal,
  );
  process.exitCode = code;
  // Anything still open (a WebSocket that is closing, a timer) must not keep a finished command alive.
  process.stdout.write("", () => process.exit(code));
}

/**
 * What a command is: its name, help text, options (node:util parseArgs options plus a description
 * and, for completion, what kind of value it takes) and a run function. main.ts parses the command
 * line against this table, help and shell completion are generated from it, so a new option
 * appears in all three at once.
 */
import type { ConnectionSettings } from "./connection.js";
import type { Remote } from "./remote.js";

export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly multiple?: boolean;
  readonly description: string;
  /** The value's name in help (`--ttl MS`). */
  readonly valueName?: string;
  /** Closed set of values, offered by shell completion and checked by the command. */
  readonly choices?: readonly string[];
  /** Complete a file name for the value. */
  readonly file?: boolean;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
  /** Everything after `--` (lock, elect): the command to run. */
  readonly command: readonly string[];
}

/** Where output goes; tests capture it, the process writes to stdout/stderr. */
export interface Io {
  readonly stdout: { write(chunk: string | Uint8Array): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(chunk: string | Uint8Array): unknown };
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
}

export interface CommandContext {
  readonly io: Io;
  readonly json: boolean;
  readonly servers: readonly string[];
  readonly timeoutMs: number;
  /** The HTTP client with fail-over (created on first use). */
  readonly remote: Remote;
  /** Credentials and CA (--user, --token-file, --ca-file), resolved on first use. */
  readonly connection: ConnectionSettings;
  /** Aborted on SIGINT/SIGTERM: long-running commands (watch, create -e, lock, elect) end cleanly. */
  readonly signal: AbortSignal;
  /** Asks the person at the terminal a yes/no question; false when stdin is not a terminal. */
  confirm(question: string): Promise<boolean>;
  out(text: string): void;
  /** Progress and notices for a person: stderr, so stdout stays clean for pipes and --json. */
  note(text: string): void;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Argument synopsis after the name, e.g. "PATH [DATA]". */
  readonly synopsis: string;
  /** Paragraphs after the synopsis in `keel <name> --help`. */
  readonly help?: string;
  readonly options: OptionSpecs;
  readonly positionals: { readonly min: number; readonly max: number };
  /** Takes a command to run after `--` (lock, elect). */
  readonly takesCommand?: boolean;
  /** The first positional is a znode path (shell completion). */
  readonly pathArgument?: boolean;
  /** Sub-commands offered by completion as the first positional (snapshot save|restore). */
  readonly subcommands?: readonly string[];
  run(context: CommandContext, args: ParsedArgs): Promise<number>;
}

/** Reads a string option; parseArgs already enforced the type. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  return typeof value === "string" ? value : undefined;
}

export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

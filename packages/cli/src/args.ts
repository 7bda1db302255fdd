/**
 * The command line: `keel [global options] <command> [options] [args] [-- CMD ...]`. Global options
 * may stand before or after the command name, except where a command has an option of the same
 * name (`users add NAME --password-file F`, `tokens create --user U`): after the command name the
 * command's own option takes it, so the global one must stand before. node:util parseArgs does the
 * option parsing (strict: an unknown option is a usage error), this module finds the command and
 * checks the counts.
 */
import { parseArgs } from "node:util";
import { UsageError } from "./cli-error.js";
import type { Command, OptionSpec, OptionSpecs, ParsedArgs } from "./command.js";

export const GLOBAL_OPTIONS: OptionSpecs = {
  servers: {
    type: "string",
    valueName: "URLS",
    description:
      "comma-separated server URLs (default: $KEEL_SERVERS, else the ones `npm start` prints: http://127.0.0.1:7201,7202,7203)",
  },
  json: { type: "boolean", description: "print JSON instead of tables (one JSON value per line for streams)" },
  timeout: {
    type: "string",
    valueName: "MS",
    description: "give up on a request after this long, trying every server (default 10000)",
  },
  user: {
    type: "string",
    valueName: "NAME",
    description: "authenticate as this user; the password comes from --password-file or $KEEL_PASSWORD",
  },
  "password-file": {
    type: "string",
    valueName: "FILE",
    file: true,
    description: "with --user: read the password from FILE (never give a password on the command line)",
  },
  "token-file": {
    type: "string",
    valueName: "FILE",
    file: true,
    description: "authenticate with the API token in FILE (default: $KEEL_TOKEN)",
  },
  "ca-file": {
    type: "string",
    valueName: "FILE",
    file: true,
    description: "trust the CA certificates in FILE (PEM) for https:// servers",
  },
  help: { type: "boolean", short: "h", description: "show help" },
};

export const TIMEOUT_MS_DEFAULT = 10_000;

export interface GlobalValues {
  readonly servers: string | undefined;
  readonly json: boolean;
  readonly timeoutMs: number;
  readonly user: string | undefined;
  readonly passwordFile: string | undefined;
  readonly tokenFile: string | undefined;
  readonly caFile: string | undefined;
}

export type CommandLine =
  | { readonly kind: "help"; readonly command?: Command }
  | { readonly kind: "version" }
  | { readonly kind: "run"; readonly command: Command; readonly args: ParsedArgs; readonly global: GlobalValues };

/** An integer option within [min, max]; the message names the option and the value. */
export function integerOption(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  return parsed;
}

function toParseArgsOptions(specs: OptionSpecs) {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = {
      type: spec.type,
      ...(spec.short === undefined ? {} : { short: spec.short }),
      ...(spec.multiple === undefined ? {} : { multiple: spec.multiple }),
    };
  }
  return options;
}

/** Global options that take a value: their value is not the command name. */
function takesValue(token: string): boolean {
  const name = token.replace(/^--?/, "");
  const spec: OptionSpec | undefined = GLOBAL_OPTIONS[name];
  return !token.includes("=") && spec?.type === "string";
}

export function parseCommandLine(argv: readonly string[], commands: readonly Command[]): CommandLine {
  const separator = argv.indexOf("--");
  const before = separator === -1 ? [...argv] : argv.slice(0, separator);
  const after = separator === -1 ? [] : argv.slice(separator + 1);

  let nameIndex = -1;
  for (let index = 0; index < before.length; index++) {
    const token = before[index] as string;
    if (token.startsWith("-")) {
      if (takesValue(token)) index += 1;
      continue;
    }
    nameIndex = index;
    break;
  }
  if (nameIndex === -1) {
    if (before.includes("--version") || before.includes("-V")) return { kind: "version" };
    const unknown = before.find((token) => token.startsWith("-") && !["-h", "--help"].includes(token));
    if (unknown !== undefined && !takesValue(unknown) && !/^--([a-z-]+)=/.test(unknown) && unknown !== "--json")
      throw new UsageError(`unknown option ${unknown} (see keel --help)`);
    return { kind: "help" };
  }
  const name = before[nameIndex] as string;
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) throw new UsageError(`unknown command ${JSON.stringify(name)} (see keel --help)`);

  // Options before the command name are global ones; after it, the command's own options and the
  // global ones it does not shadow.
  const specs = { ...GLOBAL_OPTIONS, ...command.options };
  let leading: ReturnType<typeof parseArgs>;
  let parsed: ReturnType<typeof parseArgs>;
  try {
    leading = parseArgs({
      args: before.slice(0, nameIndex),
      options: toParseArgsOptions(GLOBAL_OPTIONS),
      allowPositionals: false,
      strict: true,
    });
    parsed = parseArgs({
      args: before.slice(nameIndex + 1),
      options: toParseArgsOptions(specs),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${parseArgsMessage(error)} (see keel ${command.name} --help)`, command.name);
  }
  const globalValue = (name: string) =>
    leading.values[name] ?? (name in command.options ? undefined : parsed.values[name]);
  if (parsed.values.help === true || leading.values.help === true) return { kind: "help", command };

  // For a command that runs another, `--` starts that command; for the rest it only ends options
  // (so `keel set /a -- -1` sets "-1").
  const positionals = command.takesCommand ? [...parsed.positionals] : [...parsed.positionals, ...after];
  const commandToRun = command.takesCommand ? after : [];
  const { min, max } = command.positionals;
  if (positionals.length < min || positionals.length > max) {
    const expected = min === max ? `${min}` : max === Number.POSITIVE_INFINITY ? `at least ${min}` : `${min} to ${max}`;
    throw new UsageError(
      `expected ${expected} argument${max === 1 ? "" : "s"} (${command.synopsis}), got ${positionals.length} (see keel ${command.name} --help)`,
      command.name,
    );
  }
  if (command.takesCommand && commandToRun.length === 0)
    throw new UsageError(`give the command to run after --, e.g. keel ${command.name} NAME -- ./job.sh`, command.name);

  for (const [optionName, spec] of Object.entries(command.options)) {
    const value = parsed.values[optionName];
    if (spec.choices !== undefined && typeof value === "string" && !spec.choices.includes(value))
      throw new UsageError(
        `--${optionName} must be one of ${spec.choices.join(", ")}, got ${JSON.stringify(value)}`,
        command.name,
      );
  }

  const text = (name: string) => {
    const value = globalValue(name);
    return typeof value === "string" ? value : undefined;
  };
  const global: GlobalValues = {
    servers: text("servers"),
    json: globalValue("json") === true,
    timeoutMs: integerOption("timeout", text("timeout"), 1, 24 * 3600 * 1000) ?? TIMEOUT_MS_DEFAULT,
    user: text("user"),
    passwordFile: text("password-file"),
    tokenFile: text("token-file"),
    caFile: text("ca-file"),
  };
  return { kind: "run", command, args: { values: parsed.values, positionals, command: commandToRun }, global };
}

/** parseArgs' messages carry a long "To specify a positional…" tail; keep the first sentence. */
function parseArgsMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const first = (message.split(/\.\s|\n/)[0] ?? message).replace(/'/g, "");
  return first.charAt(0).toLowerCase() + first.slice(1);
}

// ---- help -------------------------------------------------------------------------------------

function optionLines(specs: OptionSpecs): string[] {
  const entries = Object.entries(specs).map(([name, spec]) => {
    const short = spec.short === undefined ? "    " : `-${spec.short}, `;
    const value = spec.type === "string" ? ` ${spec.valueName ?? "VALUE"}` : "";
    return [`  ${short}--${name}${value}`, spec.description] as const;
  });
  return aligned(entries);
}

function aligned(entries: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...entries.map(([left]) => left.length));
  return entries.map(([left, description]) => `${left.padEnd(width)}  ${description}`);
}

export function commandHelp(command: Command): string {
  const lines = [`usage: keel ${command.name} ${command.synopsis}`.trimEnd(), "", command.summary];
  if (command.help !== undefined) lines.push("", command.help.trimEnd());
  if (Object.keys(command.options).length > 0) lines.push("", "options:", ...optionLines(command.options));
  lines.push("", "global options:", ...optionLines(GLOBAL_OPTIONS));
  return `${lines.join("\n")}\n`;
}

export function topHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    "usage: keel [--servers URLS] [--json] [--timeout MS] [--user NAME --password-file FILE | --token-file FILE]",
    "            [--ca-file FILE] <command> [options] [args]",
    "",
    "The Keel command line: read and write the znode tree, watch it, run a command under a lock",
    "or while leader, and inspect the cluster, sessions and locks.",
    "",
    "commands:",
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    "global options:",
    ...optionLines({ ...GLOBAL_OPTIONS, version: { type: "boolean", short: "V", description: "print the version" } }),
    "",
    "`keel <command> --help` describes one command. Errors print one line, `keel <command>: <keelCode>: <message>`,",
    "and exit 1 (2 for a usage error); see docs/cli.md.",
    "",
  ].join("\n");
}

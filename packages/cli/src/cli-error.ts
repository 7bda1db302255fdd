/**
 * How the CLI fails: one line on stderr (`keel <command>: <message>`) and a non-zero exit code.
 * Errors from the ensemble keep their `keelCode` (docs/errors.md) at the front of the message so a
 * script can match on it, e.g. `keel get: NONODE: …`.
 */

/** Exit codes. A command run by `lock`/`elect` passes its own status through instead. */
export const EXIT_OK = 0;
/** The ensemble refused or failed the operation (the message names the keelCode). */
export const EXIT_FAILED = 1;
/** The command line itself is wrong: unknown command or option, missing argument. */
export const EXIT_USAGE = 2;
/**
 * The ensemble refused the credentials (AUTHFAILED) or wants some (NOAUTH "authentication
 * required"): no retry helps until the credentials change. Other NOAUTH (an ACL, a viewer's
 * write, a token's scope) stays 1, like any refusal.
 */
export const EXIT_AUTH = 3;

/** What to fix, for the refusals a person meets first. */
const CREDENTIAL_HINTS: readonly { readonly matches: (error: CliError) => boolean; readonly hint: string }[] = [
  {
    matches: (error) => error.keelCode === "AUTHFAILED",
    hint: "check --user with --password-file ($KEEL_PASSWORD), or --token-file ($KEEL_TOKEN): wrong, expired or revoked",
  },
  {
    matches: (error) => isAuthenticationRequired(error),
    hint: "the ensemble requires credentials: pass --user NAME with --password-file FILE, or --token-file FILE",
  },
];

function isAuthenticationRequired(error: CliError): boolean {
  return error.keelCode === "NOAUTH" && /authentication required/i.test(error.message);
}

function isCredentialRefusal(error: CliError): boolean {
  return error.keelCode === "AUTHFAILED" || isAuthenticationRequired(error);
}

/** The exit status for an error that ended a command. */
export function exitCodeOf(error: unknown): number {
  if (!(error instanceof CliError)) return EXIT_FAILED;
  if (error.exitCode === EXIT_FAILED && isCredentialRefusal(error)) return EXIT_AUTH;
  return error.exitCode;
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_FAILED,
    /** ZooKeeper-style code when the ensemble (or the CLI on its behalf) named one. */
    readonly keelCode?: string,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export class UsageError extends CliError {
  constructor(
    message: string,
    /** The command the line named, when the error was found while parsing its options. */
    readonly command?: string,
  ) {
    super(message, EXIT_USAGE);
    this.name = "UsageError";
  }
}

/** The single line printed for an error: keelCode first when there is one. */
export function errorLine(commandName: string | undefined, error: unknown): string {
  const name = commandName ?? (error instanceof UsageError ? error.command : undefined);
  const prefix = name === undefined ? "keel" : `keel ${name}`;
  if (error instanceof CliError) {
    if (error.keelCode === undefined) return `${prefix}: ${oneLine(error.message)}`;
    // Server messages often start with their code already ("NONODE: /a does not exist").
    const message = error.message.startsWith(`${error.keelCode}: `)
      ? error.message.slice(error.keelCode.length + 2)
      : error.message;
    const hint = CREDENTIAL_HINTS.find((candidate) => candidate.matches(error))?.hint;
    return `${prefix}: ${error.keelCode}: ${oneLine(message)}${hint === undefined ? "" : ` (${hint})`}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `${prefix}: ${oneLine(message)}`;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, " ").trim();
}

/** The one line and the exit status of an error, credential refusals included. */
import { describe, expect, it } from "vitest";
import { CliError, EXIT_AUTH, EXIT_FAILED, EXIT_USAGE, errorLine, exitCodeOf, UsageError } from "./cli-error.js";

describe("errors", () => {
  it.each([
    {
      error: new CliError("authentication failed", EXIT_FAILED, "AUTHFAILED"),
      code: EXIT_AUTH,
      line: /^keel whoami: AUTHFAILED: authentication failed \(check --user with --password-file/,
    },
    {
      error: new CliError("NOAUTH: authentication required", EXIT_FAILED, "NOAUTH"),
      code: EXIT_AUTH,
      line: /^keel whoami: NOAUTH: authentication required \(the ensemble requires credentials: pass --user/,
    },
    // a refusal by ACL, role or scope is an ordinary failure, with no credential hint
    {
      error: new CliError("no WRITE permission on /a", EXIT_FAILED, "NOAUTH"),
      code: EXIT_FAILED,
      line: /^keel whoami: NOAUTH: no WRITE permission on \/a$/,
    },
    {
      error: new CliError("no node", EXIT_FAILED, "NONODE"),
      code: EXIT_FAILED,
      line: /^keel whoami: NONODE: no node$/,
    },
    { error: new UsageError("bad"), code: EXIT_USAGE, line: /^keel whoami: bad$/ },
    { error: new Error("boom"), code: EXIT_FAILED, line: /^keel whoami: boom$/ },
  ])("$error.message", ({ error, code, line }) => {
    expect(exitCodeOf(error)).toBe(code);
    expect(errorLine("whoami", error)).toMatch(line);
  });
});

/**
 * A new user's password for `users add` and `users passwd`, never from the command line: from
 * `--password-file FILE` (after the command name), else the first line of stdin when it is a pipe,
 * else asked at the terminal twice without echo.
 */
import { readFileSync } from "node:fs";
import { CliError, UsageError } from "./cli-error.js";
import type { CommandContext } from "./command.js";
import { secretFromFile } from "./connection.js";

/** The API's bounds on a password (auth.users.add). */
export const PASSWORD_CHARS_MIN = 8;
export const PASSWORD_CHARS_MAX = 1024;

export function checkNewPassword(password: string): string {
  if (password.length < PASSWORD_CHARS_MIN || password.length > PASSWORD_CHARS_MAX)
    throw new UsageError(
      `the new password must have ${PASSWORD_CHARS_MIN} to ${PASSWORD_CHARS_MAX} characters, got ${password.length}`,
    );
  return password;
}

export async function readNewPassword(
  context: CommandContext,
  file: string | undefined,
  user: string,
): Promise<string> {
  if (file !== undefined) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new CliError(`cannot read --password-file ${file}: ${(error as { code?: string }).code ?? String(error)}`);
    }
    return checkNewPassword(secretFromFile(text));
  }
  const { stdin } = context.io;
  if (stdin.isTTY !== true) return checkNewPassword(secretFromFile((await readAll(stdin)).split("\n")[0] ?? ""));
  const first = await askHidden(context, `new password for ${user}: `);
  const second = await askHidden(context, "again: ");
  if (first !== second) throw new UsageError("the two passwords differ");
  return checkNewPassword(first);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
  return text;
}

/** One line from the terminal with echo off (raw mode), on stderr so stdout stays clean. */
function askHidden(context: CommandContext, prompt: string): Promise<string> {
  const stdin = context.io.stdin as NodeJS.ReadStream;
  context.io.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let line = "";
    const done = (result: () => void) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.removeListener("data", onData);
      context.io.stderr.write("\n");
      result();
    };
    const onData = (chunk: Buffer) => {
      for (const char of chunk.toString("utf8")) {
        if (char === "\r" || char === "\n") return done(() => resolve(line));
        if (char === "\u0003") return done(() => reject(new CliError("interrupted")));
        if (char === "\u007f" || char === "\b") line = line.slice(0, -1);
        else line += char;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on("data", onData);
  });
}

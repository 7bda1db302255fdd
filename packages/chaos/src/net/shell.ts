/**
 * Runs the network tools (`ip`, `iptables`, `ss`) synchronously. Synchronous on purpose: the lab's
 * clean-up must also run from a `process.on("exit")` handler, where nothing asynchronous finishes.
 */
import { execFileSync } from "node:child_process";

/** Runs `argv` and returns its stdout; throws with the command and its stderr when it fails. */
export function run(argv: readonly string[]): string {
  const [command, ...args] = argv;
  if (command === undefined) throw new Error("run: empty command");
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim() ?? "";
    throw new Error(`${argv.join(" ")} failed: ${stderr || String(error)}`);
  }
}

/** Runs `argv` for clean-up, where "already gone" is success: reports only whether it worked. */
export function attempt(argv: readonly string[]): boolean {
  try {
    run(argv);
    return true;
  } catch {
    return false;
  }
}

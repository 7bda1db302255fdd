/**
 * Runs the command given to `lock`/`elect` and stops it when told: SIGTERM, then SIGKILL once the
 * grace period passes (what `consul lock` does when it loses the lock). The exit status follows
 * the shell's convention: the child's code, or 128 + the signal number if a signal ended it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { constants } from "node:os";
import { CliError } from "./cli-error.js";

export interface ChildExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The status keel exits with. */
  readonly status: number;
}

export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  if (signal !== null) return 128 + (constants.signals[signal] ?? 0);
  return 1;
}

export class SupervisedChild {
  readonly exited: Promise<ChildExit>;
  readonly #child: ChildProcess;
  #stopping = false;
  #killTimer: NodeJS.Timeout | undefined;

  private constructor(child: ChildProcess) {
    this.#child = child;
    this.exited = new Promise<ChildExit>((resolve, reject) => {
      child.once("error", (error) => {
        clearTimeout(this.#killTimer);
        reject(new CliError(`cannot run ${child.spawnfile}: ${error.message}`, 127));
      });
      child.once("exit", (code, signal) => {
        clearTimeout(this.#killTimer);
        resolve({ code, signal, status: exitStatus(code, signal) });
      });
    });
  }

  /** Starts `command` with the terminal's stdio and `env` added to keel's own environment. */
  static start(command: readonly string[], env: Readonly<Record<string, string>>): SupervisedChild {
    const [file, ...args] = command;
    if (file === undefined) throw new CliError("no command to run", 2);
    return new SupervisedChild(spawn(file, args, { stdio: "inherit", env: { ...process.env, ...env } }));
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** SIGTERM now, SIGKILL after `graceMs` if it is still running. Idempotent. */
  stop(graceMs: number): void {
    if (this.#stopping || !this.running) return;
    this.#stopping = true;
    this.#child.kill("SIGTERM");
    this.#killTimer = setTimeout(() => {
      if (this.running) this.#child.kill("SIGKILL");
    }, graceMs);
  }

  /** Passes a signal keel received (SIGTERM from a supervisor) on to the child. */
  forward(signal: NodeJS.Signals): void {
    if (this.running) this.#child.kill(signal);
  }
}

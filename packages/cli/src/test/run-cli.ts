/**
 * Runs the built CLI (bin/keel.mjs → dist/) as a child process, as a user would: one-shot
 * commands to completion, long-running ones (watch, create -e, lock, elect) as handles whose
 * output the test waits on. Every process started here is killed by `stopAll()`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const bin = fileURLToPath(new URL("../../bin/keel.mjs", import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly servers: readonly string[];
  readonly input?: string | Buffer;
  readonly env?: Readonly<Record<string, string>>;
}

const running = new Set<ChildProcess>();

export class CliProcess {
  stdout = "";
  stderr = "";
  /** Set once the process has exited and its output is complete. */
  done = false;
  readonly exited: Promise<CliResult>;

  constructor(readonly child: ChildProcess) {
    running.add(child);
    child.stdout?.on("data", (chunk: Buffer) => {
      this.stdout += chunk.toString();
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => {
      child.once("close", (code, signal) => {
        running.delete(child);
        this.done = true;
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  /** Waits until `predicate` holds for the output so far (no time limit: the test runner's applies). */
  async waitFor(predicate: (output: { stdout: string; stderr: string }) => boolean, what: string): Promise<void> {
    while (!predicate(this)) {
      if (this.done) throw new Error(`keel exited before ${what}; stdout: ${this.stdout}; stderr: ${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

export function startCli(args: readonly string[], options: RunOptions): CliProcess {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, KEEL_SERVERS: options.servers.join(","), ...options.env },
    stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
    // Its own process group, so stopAll can kill keel *and* the command it runs (lock/elect):
    // a SIGKILLed keel cannot stop its child, which would keep the output pipes open.
    detached: true,
  });
  if (options.input !== undefined) child.stdin?.end(options.input);
  return new CliProcess(child);
}

export function runCli(args: readonly string[], options: RunOptions): Promise<CliResult> {
  return startCli(args, options).exited;
}

/** JSON output of a command that must succeed. */
export async function runJson<T>(args: readonly string[], options: RunOptions): Promise<T> {
  const result = await runCli(["--json", ...args], options);
  if (result.code !== 0) throw new Error(`keel ${args.join(" ")} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Kills every keel still running, with the commands it started (its whole process group). */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once("close", () => resolve());
          try {
            if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
          } catch {
            child.kill("SIGKILL"); // the group is gone already
          }
        }),
    ),
  );
}

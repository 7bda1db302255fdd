/**
 * Runs the real client programs (zkCli.sh, python3 + kazoo, java + Curator) as child processes,
 * keeps their stdout/stderr for assertions and failure messages, and kills what is left in
 * afterAll. Python is Debian's /usr/bin/python3 (where python3-kazoo lives), not a pyenv one.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { waitFor } from "./wait-for.js";

export const python = "/usr/bin/python3";
export const zkCli = "/usr/share/zookeeper/bin/zkCli.sh";

/** packages/zk-compat/clients/<name>/<file>: the programs the tests run. */
export function clientFile(name: "kazoo" | "zkcli" | "curator", file: string): string {
  return fileURLToPath(new URL(`../../clients/${name}/${file}`, import.meta.url));
}

export interface RunOptions {
  readonly stdin?: string;
  readonly timeoutMs?: number;
  readonly env?: Readonly<Record<string, string>>;
}

export interface ProgramResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running client program whose output the test can watch and whose stdin it can write. */
export class ClientProcess {
  stdout = "";
  stderr = "";
  readonly exited: Promise<ProgramResult>;
  private readonly child: ChildProcess;

  constructor(
    readonly label: string,
    command: string,
    args: readonly string[],
    options: RunOptions = {},
  ) {
    this.child = spawn(command, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, ...options.env },
    });
    this.child.stdout?.on("data", (chunk: Buffer) => {
      this.stdout += chunk.toString();
    });
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => {
      this.child.once("close", (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }));
      // A program that cannot start (no java, no python) never emits "close".
      this.child.once("error", (error) => {
        this.stderr += `spawn failed: ${error.message}\n`;
        resolve({ code: null, signal: null, stdout: this.stdout, stderr: this.stderr });
      });
    });
    if (options.stdin !== undefined) this.child.stdin?.end(options.stdin);
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  write(text: string): void {
    this.child.stdin?.write(text);
  }

  endInput(): void {
    this.child.stdin?.end();
  }

  /** Waits until stdout matches `pattern` (the program is still running, or exited having printed it). */
  async waitForOutput(pattern: RegExp, timeoutMs = 60_000): Promise<void> {
    await waitFor(`${this.label} to print ${pattern}`, () => pattern.test(this.stdout), {
      timeoutMs,
      describe: () => this.diagnostics(),
    });
  }

  /** Waits for exit; fails with the program's output if it does not exit 0 in time. */
  async succeeded(timeoutMs = 120_000): Promise<ProgramResult> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    const result = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (result === "timeout") {
      this.kill();
      throw new Error(`${this.label} did not exit within ${timeoutMs} ms\n${this.diagnostics()}`);
    }
    if (result.code !== 0)
      throw new Error(`${this.label} exited ${result.code ?? result.signal}\n${this.diagnostics()}`);
    return result;
  }

  kill(): void {
    if (this.running) this.child.kill("SIGKILL");
  }

  diagnostics(): string {
    return `--- ${this.label} stdout ---\n${this.stdout}\n--- ${this.label} stderr ---\n${this.stderr.slice(-4000)}`;
  }
}

/** Tracks every program a test file starts so afterAll can kill the stragglers. */
export class ClientProcesses {
  private readonly started: ClientProcess[] = [];

  start(label: string, command: string, args: readonly string[], options: RunOptions = {}): ClientProcess {
    const program = new ClientProcess(label, command, args, options);
    this.started.push(program);
    return program;
  }

  /** Runs a program to completion; throws with its output unless it exits 0. */
  run(label: string, command: string, args: readonly string[], options: RunOptions = {}): Promise<ProgramResult> {
    return this.start(label, command, args, options).succeeded(options.timeoutMs);
  }

  async killAll(): Promise<void> {
    await Promise.all(
      this.started.map(async (program) => {
        program.kill();
        await program.exited;
      }),
    );
  }
}

/** The JSON objects a client program printed, one per line (other lines, e.g. logs, are skipped). */
export function jsonLines<T = Record<string, unknown>>(stdout: string): T[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as T);
}

/** The single JSON object a client program printed last. */
export function lastJson<T = Record<string, unknown>>(result: ProgramResult): T {
  const lines = jsonLines<T>(result.stdout);
  const last = lines.at(-1);
  if (last === undefined) throw new Error(`no JSON in the output\n${result.stdout}\n${result.stderr.slice(-4000)}`);
  return last;
}

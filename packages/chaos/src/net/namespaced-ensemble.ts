/**
 * A Keel ensemble whose members each run in their own network namespace of a NetworkLab, so the
 * lab's partitions, loss and delay act on real sockets between real processes. Every member
 * listens on its lab address with the same ports (peer 7100, client 8100); the harness's clients
 * in the root namespace reach them at `clientUrl(id)` whatever the partition.
 *
 * Mirrors @keel/testkit's Ensemble (same flags, one random peer secret per ensemble written mode
 * 0600 into its temp directory, same status polling); `close()` and process exit kill every server
 * it started.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ClusterStatusView } from "@keel/api";
import { writePeerSecret } from "@keel/testkit";
import type { NetworkLab } from "./network-lab.js";

/** Create the lab with `peerPorts: [keelPeerPort]` so `delay` relays the members' replication traffic. */
export const keelPeerPort = 7100;
export const keelClientPort = 8100;

export interface NamespacedEnsembleOptions {
  readonly lab: NetworkLab;
  readonly tickMs?: number;
  /** Ticks without hearing the leader before re-election (testkit's default 10, for shared CPUs). */
  readonly syncLimitTicks?: number;
  /** Extra flags for every server. */
  readonly serverArgs?: readonly string[];
  /** Log at info and pass the servers' stderr through (debugging). */
  readonly verbose?: boolean;
  /** Extra environment for member `id`'s process (e.g. libfaketime's variables for a skewed wall clock). */
  readonly memberEnv?: (id: number) => Readonly<Record<string, string>>;
  /**
   * Where member `id` keeps its data (e.g. a disk the harness mounted). Default: a directory under
   * the ensemble's own temp directory. `close()` removes only its own directory, never these.
   */
  readonly dataDir?: (id: number) => string;
}

const serverEntry = (): string => {
  const require = createRequire(import.meta.url);
  return join(require.resolve("@keel/server/package.json"), "..", "dist", "main.js");
};

export class NamespacedEnsemble {
  private readonly processes = new Map<number, ChildProcess>();
  private readonly onExit = () => {
    for (const child of this.processes.values()) child.kill("SIGKILL");
  };

  /** The file holding this ensemble's peer secret, passed to every member as --peer-secret-file. */
  readonly peerSecretFile: string;

  private constructor(
    readonly lab: NetworkLab,
    private readonly options: NamespacedEnsembleOptions,
    private readonly rootDir: string,
  ) {
    this.peerSecretFile = writePeerSecret(rootDir);
  }

  /** Starts one server per lab member. */
  static start(options: NamespacedEnsembleOptions): NamespacedEnsemble {
    const rootDir = mkdtempSync(join(tmpdir(), `keel-chaos-${options.lab.tag}-`));
    const ensemble = new NamespacedEnsemble(options.lab, options, rootDir);
    process.on("exit", ensemble.onExit);
    for (const id of ensemble.ids()) ensemble.startMember(id);
    return ensemble;
  }

  ids(): number[] {
    return Array.from({ length: this.lab.members }, (_, index) => index + 1);
  }

  clientUrl(id: number): string {
    return `http://${this.lab.addressOf(id)}:${keelClientPort}`;
  }

  dataDir(id: number): string {
    return this.options.dataDir?.(id) ?? join(this.rootDir, `server-${id}`);
  }

  /** The server flags of member `id`. */
  argsFor(id: number): string[] {
    const peers = this.ids().flatMap((m) => [
      "--peer",
      `${m}=${this.lab.addressOf(m)}:${keelPeerPort}:${keelClientPort}`,
    ]);
    const address = this.lab.addressOf(id);
    return [
      ...["--id", String(id), "--ensemble-id", "keel-chaos", "--data-dir", this.dataDir(id)],
      ...["--client-host", address, "--client-port", String(keelClientPort)],
      ...["--peer-host", address, "--peer-port", String(keelPeerPort), "--zk-port", "0"],
      ...["--peer-secret-file", this.peerSecretFile],
      ...["--tick-ms", String(this.options.tickMs ?? 50)],
      ...["--sync-limit-ticks", String(this.options.syncLimitTicks ?? 10)],
      ...["--log-level", this.options.verbose ? "info" : "warn"],
      ...peers,
      ...(this.options.serverArgs ?? []),
    ];
  }

  /** Starts (or restarts, on its old data directory) member `id` inside its namespace. */
  startMember(id: number): void {
    if (this.isRunning(id)) throw new Error(`member ${id} is already running`);
    // `ip netns exec` execs the command, so the child's pid is the server's: kill reaches it.
    const [command, ...args] = this.lab.exec(id, [process.execPath, serverEntry(), ...this.argsFor(id)]);
    if (command === undefined) throw new Error("empty command");
    // `ip netns exec` keeps the environment it is given.
    const env = { ...process.env, ...this.options.memberEnv?.(id) };
    const child = spawn(command, args, { stdio: ["ignore", "ignore", "pipe"], env });
    child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[server ${id}] ${chunk.toString()}`));
    this.processes.set(id, child);
  }

  isRunning(id: number): boolean {
    const child = this.processes.get(id);
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  }

  /** Kills member `id` (SIGKILL by default) and waits for it to exit. */
  async kill(id: number, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    const child = this.processes.get(id);
    if (child === undefined || !this.isRunning(id)) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    await exited;
  }

  /** Member `id`'s /status.json, or undefined when it does not answer within 2 s. */
  async status(id: number): Promise<ClusterStatusView | undefined> {
    try {
      const response = await fetch(`${this.clientUrl(id)}/status.json`, { signal: AbortSignal.timeout(2000) });
      return response.ok ? ((await response.json()) as ClusterStatusView) : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * Waits until exactly one of `ids` (default: every running member) leads and all of `ids` are
   * ready; returns the leader's id. Pass the majority side's ids during a partition.
   */
  async waitForLeader(
    options: { readonly timeoutMs?: number; readonly ids?: readonly number[] } = {},
  ): Promise<number> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    const ids = options.ids ?? this.ids().filter((id) => this.isRunning(id));
    let last = "";
    while (Date.now() < deadline) {
      const statuses = await Promise.all(ids.map((id) => this.status(id)));
      const leaders = statuses.filter((s) => s?.role === "leading");
      if (leaders.length === 1 && statuses.every((s) => s?.ready)) return leaders[0]?.serverId as number;
      last = JSON.stringify(statuses.map((s) => (s ? `${s.serverId}:${s.role}:${s.ready}` : "down")));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no ready leader among ${ids.join(",")} within the timeout; last statuses ${last}`);
  }

  /** Kills every server and removes the data directories; the lab stays (destroy it separately). */
  async close(): Promise<void> {
    await Promise.all(this.ids().map((id) => this.kill(id)));
    process.off("exit", this.onExit);
    rmSync(this.rootDir, { recursive: true, force: true });
  }
}

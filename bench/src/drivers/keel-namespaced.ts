/**
 * Keel as separate hosts: a 3-member ensemble whose members each run in their own network
 * namespace on a bridge (@keel/chaos's NetworkLab and NamespacedEnsemble), with every
 * member↔member link delayed by `peerDelayMs` one way. Clients (this process, in the root
 * namespace) reach the members over the bridge without delay: only the replication and election
 * traffic pays the delay, as in a cluster spread over racks or zones with its clients nearby.
 *
 * The delay is the lab's TCP relay (this kernel has no sch_netem): each member's peer connections
 * are DNATed through a relay that holds every chunk for the sum of both ends' delays, so each
 * member gets half of `peerDelayMs`. The lab, its relays and the servers live in a child process
 * (delayed/lab-host.ts) so that the load generator's event loop does not delay peer traffic.
 * Needs root, iproute2 and iptables. No ZooKeeper port (the lab's servers run with `--zk-port 0`),
 * so the workloads use the WebSocket and HTTP paths only.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { onCleanup } from "../cleanup.js";
import {
  type Cluster,
  type ConnectOptions,
  type Driver,
  type KvClient,
  type LockContender,
  type StartOptions,
  type Transport,
  withTimeout,
} from "../driver.js";
import { KeelHttpKv, KeelWsKv } from "./keel.js";
import { KeelLock } from "./keel-lock.js";

const labHostSource = new URL("../delayed/lab-host.ts", import.meta.url);
/** Building the lab, starting three servers and electing over delayed links, on a busy machine. */
const labReadyMs = 90_000;
const labStopMs = 30_000;

let labsStarted = 0;

/** Lab names are ≤ 10 lower-case letters and digits: "kb", this pid, "r", a per-process count. */
function nextTag(): string {
  labsStarted++;
  return `kb${process.pid % 10_000}r${labsStarted % 1000}`;
}

interface LabHostMessage {
  readonly ready?: true;
  readonly clientUrls?: string[];
  readonly namespaces?: string[];
  readonly bytesRelayed?: number;
  readonly error?: string;
}

export class NamespacedKeelCluster implements Cluster {
  readonly transports: readonly Transport[] = ["ws", "http"];
  private readonly unregister: () => void;
  private stopping: Promise<void> | undefined;
  /** Member index `i` is lab member `((i + firstOffset) % size) + 1`; see `putLeaderFirst`. */
  private firstOffset = 0;
  /** Bytes the delay relays carried, known once the lab host has stopped. */
  bytesRelayed = Number.NaN;

  private constructor(
    private readonly host: ChildProcess,
    private readonly messages: AsyncIterator<LabHostMessage>,
    private readonly clientUrls: readonly string[],
    private readonly namespaces: readonly string[],
  ) {
    this.unregister = onCleanup(() => this.stop());
  }

  /** Starts a lab host and returns once its ensemble has a leader. */
  static async start(peerDelayMs: number, members: number): Promise<NamespacedKeelCluster> {
    const argv = [...process.execArgv, labHostSource.pathname, String(peerDelayMs), String(members), nextTag()];
    const host = spawn(process.execPath, argv, { stdio: ["pipe", "pipe", "inherit"] });
    const lines = createInterface({ input: host.stdout as NodeJS.ReadableStream });
    const messages = (async function* () {
      for await (const line of lines) {
        // Only the host's own lines are JSON objects; anything else on its stdout is passed on.
        if (line.startsWith("{")) yield JSON.parse(line) as LabHostMessage;
        else process.stderr.write(`[lab host] ${line}\n`);
      }
    })();
    const first = await withTimeout(messages.next(), labReadyMs, "namespaced ensemble start").catch((error) => {
      host.stdin?.end();
      throw error;
    });
    const message: LabHostMessage | undefined = first.done ? undefined : first.value;
    if (!message?.ready || !message.clientUrls || !message.namespaces) {
      host.stdin?.end();
      throw new Error(`namespaced ensemble: ${message?.error ?? "the lab host exited before it was ready"}`);
    }
    return new NamespacedKeelCluster(host, messages, message.clientUrls, message.namespaces);
  }

  get size(): number {
    return this.clientUrls.length;
  }

  /**
   * Renumbers the members so that index 0 (where the workloads' first client connects) is the
   * current leader, not lab member 1: a write then skips the follower→leader forward and its
   * commit back, which is what separates the 2 × delay floor from the 4 × delay one.
   */
  async putLeaderFirst(): Promise<void> {
    const leader = await this.leader();
    this.firstOffset = (this.firstOffset + leader) % this.size;
  }

  private memberOf(index: number): number {
    return (index + this.firstOffset) % this.size;
  }

  private urlOf(index: number): string {
    return this.clientUrls[this.memberOf(index)] as string;
  }

  /** The server's pid: `ip netns exec` execs it, so it is the one process in its namespace. */
  private pidOf(index: number): number | undefined {
    const namespace = this.namespaces[this.memberOf(index)] as string;
    const pids = execFileSync("ip", ["netns", "pids", namespace], { encoding: "utf8" })
      .split("\n")
      .map(Number)
      .filter((pid) => Number.isInteger(pid) && pid > 0);
    return pids.length > 0 ? Math.min(...pids) : undefined;
  }

  pids(): (number | undefined)[] {
    return Array.from({ length: this.size }, (_, index) => this.pidOf(index));
  }

  async leader(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (let index = 0; index < this.size; index++) {
        if (this.pidOf(index) === undefined) continue;
        try {
          const response = await fetch(`${this.urlOf(index)}/status.json`, { signal: AbortSignal.timeout(2000) });
          const status = response.ok ? ((await response.json()) as { role?: string; ready?: boolean }) : undefined;
          if (status?.role === "leading" && status.ready) return index;
        } catch {
          // down or busy: ask the next one
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`keel leader: none within ${timeoutMs} ms`);
  }

  signal(index: number, signal: "SIGKILL" | "SIGSTOP" | "SIGCONT"): void {
    const pid = this.pidOf(index);
    if (pid !== undefined) process.kill(pid, signal);
  }

  async connect(options: ConnectOptions = {}): Promise<KvClient> {
    const url = this.urlOf(options.node ?? 0);
    switch (options.transport ?? "ws") {
      case "ws":
        return new KeelWsKv(url);
      case "http":
        return new KeelHttpKv(url);
      case "zk":
        throw new Error("the namespaced ensemble runs without a ZooKeeper port");
    }
  }

  lockContender(lockPath: string, node: number): Promise<LockContender> {
    return KeelLock.open(this.urlOf(node), lockPath);
  }

  /** Ends the lab host's stdin: it kills the servers, removes the lab and reports the relayed bytes. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.unregister();
      // A paused server would never exit: let it go on first.
      for (let index = 0; index < this.size; index++) this.signal(index, "SIGCONT");
      const exited = new Promise<void>((resolve) => {
        if (this.host.exitCode !== null || this.host.signalCode !== null) resolve();
        else this.host.once("exit", () => resolve());
      });
      const drained = (async () => {
        for (let next = await this.messages.next(); !next.done; next = await this.messages.next()) {
          if (next.value.bytesRelayed !== undefined) this.bytesRelayed = next.value.bytesRelayed;
        }
      })();
      this.host.stdin?.end();
      await withTimeout(Promise.all([drained, exited]), labStopMs, "namespaced ensemble stop");
    })();
    return this.stopping;
  }
}

function missingTool(): string | undefined {
  for (const [tool, flag] of [
    ["ip", "-V"],
    ["iptables", "--version"],
    ["ss", "-V"],
  ] as const) {
    try {
      execFileSync(tool, [flag], { stdio: "ignore" });
    } catch {
      return tool;
    }
  }
  return undefined;
}

export interface NamespacedKeelDriver extends Driver {
  start(options: StartOptions): Promise<NamespacedKeelCluster>;
}

/** A Keel driver whose clusters are namespaced members with `peerDelayMs` on every peer link, one way. */
export function keelNamespacedDriver(peerDelayMs: number): NamespacedKeelDriver {
  if (!(peerDelayMs >= 0)) throw new Error("peerDelayMs must be ≥ 0");
  return {
    name: "keel",

    async prepare() {
      if (process.getuid?.() !== 0) return "network namespaces need root";
      const tool = missingTool();
      return tool === undefined ? undefined : `${tool} is not installed`;
    },

    describe() {
      return `Keel, 3 members in separate network namespaces on a bridge (server defaults: tick 50 ms, syncLimit 8 ticks), peer links delayed ${peerDelayMs} ms one way by a TCP relay in a separate process, client links undelayed; client: tRPC over WebSocket, plus rows via raw HTTP`;
    },

    start(options: StartOptions): Promise<NamespacedKeelCluster> {
      return NamespacedKeelCluster.start(peerDelayMs, options.nodes);
    },
  };
}

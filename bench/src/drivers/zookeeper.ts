/**
 * ZooKeeper 3.8 from Debian's `zookeeper` package: a loopback ensemble of QuorumPeerMain JVMs
 * started from zoo.cfg files we write (drivers/zk-config.ts), and node-zookeeper-client as the
 * client. The lock is ZooKeeper's documented recipe (ephemeral-sequential child, watch the
 * predecessor); watches are ZooKeeper's one-shot data watches, re-armed after each event, so
 * writes that land while a watch is being re-armed are coalesced, exactly as users see it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePorts } from "@keel/testkit";
import zookeeper from "node-zookeeper-client";
import { killNow, onCleanup, trackDir, trackPid } from "../cleanup.js";
import type { Cluster, Driver, KvClient, LockContender, StartOptions } from "../driver.js";
import { waitUntil, withTimeout } from "../driver.js";
import { ensureDebianPackages, installedVersion } from "../install.js";
import { myid, type ZkMember, zooCfg } from "./zk-config.js";

const zookeeperJar = "/usr/share/java/zookeeper.jar";
const sessionTimeoutMs = 10_000;

/** One four-letter-word command over the client port; resolves with the whole answer. */
export function fourLetterWord(port: number, word: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = netConnect(port, "127.0.0.1");
    let answer = "";
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`${word}: timeout`));
    }, timeoutMs);
    socket.on("connect", () => socket.write(word));
    socket.on("data", (chunk) => {
      answer += chunk.toString();
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

function call<T>(fn: (callback: (error: unknown, result: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    fn((error, result) => (error ? reject(error) : resolve(result)));
  });
}

function isZkCode(error: unknown, code: number): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === code;
}

/** A node-zookeeper-client session on `port` (ZooKeeper's, or Keel's ZooKeeper port: drivers/keel.ts). */
export async function openClient(port: number): Promise<zookeeper.Client> {
  const client = zookeeper.createClient(`127.0.0.1:${port}`, {
    sessionTimeout: sessionTimeoutMs,
    retries: 0,
    spinDelay: 100,
  });
  const connected = new Promise<void>((resolve) => client.once("connected", () => resolve()));
  client.connect();
  try {
    await withTimeout(connected, 15_000, `zookeeper connect to ${port}`);
  } catch (error) {
    client.close();
    throw error;
  }
  return client;
}

export class ZkKv implements KvClient {
  constructor(private readonly client: zookeeper.Client) {}

  async ensure(key: string, value: Buffer): Promise<void> {
    try {
      await call<string>((cb) => this.client.create(key, value, cb));
    } catch (error) {
      if (!isZkCode(error, zookeeper.Exception.NODE_EXISTS)) throw error;
    }
  }

  async put(key: string, value: Buffer): Promise<string> {
    const stat = await call<zookeeper.Stat>((cb) => this.client.setData(key, value, -1, cb));
    return String(stat.version);
  }

  async get(key: string): Promise<Buffer> {
    return call<Buffer>((cb) => this.client.getData(key, cb));
  }

  async watch(key: string, onEvent: (token: string) => void): Promise<() => Promise<void>> {
    let active = true;
    // A one-shot watch fires for the first change after the version it was armed at.
    const arm = async (): Promise<void> => {
      let armedVersion = -1;
      const watcher = (): void => {
        if (!active) return;
        onEvent(String(armedVersion + 1));
        arm().catch(() => undefined);
      };
      const stat = await new Promise<zookeeper.Stat>((resolve, reject) =>
        this.client.getData(key, watcher, (error, _data, stat) => (error ? reject(error) : resolve(stat))),
      );
      armedVersion = stat.version;
    };
    await arm();
    return async () => {
      active = false;
    };
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

/** ZooKeeper's lock recipe (zookeeper.apache.org "Recipes and Solutions": Locks), herd-free. */
class ZkLock implements LockContender {
  private mine: string | undefined;

  constructor(
    private readonly client: zookeeper.Client,
    private readonly lockPath: string,
  ) {}

  async acquire(): Promise<void> {
    const created = await call<string>((cb) =>
      this.client.create(`${this.lockPath}/lock-`, Buffer.alloc(0), zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL, cb),
    );
    const name = created.slice(this.lockPath.length + 1);
    this.mine = created;
    for (;;) {
      const children = (await call<string[]>((cb) => this.client.getChildren(this.lockPath, cb))).sort();
      const index = children.indexOf(name);
      if (index < 0) throw new Error(`zookeeper lock: our node ${created} vanished`);
      if (index === 0) return;
      const predecessor = `${this.lockPath}/${children[index - 1]}`;
      let fired: () => void = () => undefined;
      const gone = new Promise<void>((resolve) => {
        fired = resolve;
      });
      const stat = await new Promise<zookeeper.Stat | null>((resolve, reject) =>
        this.client.exists(
          predecessor,
          () => fired(),
          (error, s) => (error ? reject(error) : resolve(s ?? null)),
        ),
      );
      if (stat) await gone;
    }
  }

  async release(): Promise<void> {
    const mine = this.mine;
    this.mine = undefined;
    if (mine) await call<void>((cb) => this.client.remove(mine, -1, (error) => cb(error, undefined)));
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

interface ZkProcess {
  member: ZkMember;
  dir: string;
  child: ChildProcess | undefined;
  untrack: () => void;
}

class ZkCluster implements Cluster {
  private readonly unregister: () => void;
  private readonly untrackDir: () => void;

  constructor(
    private readonly rootDir: string,
    private readonly servers: ZkProcess[],
  ) {
    this.unregister = onCleanup(() => this.stop());
    this.untrackDir = trackDir(rootDir);
  }

  get size(): number {
    return this.servers.length;
  }

  pids(): (number | undefined)[] {
    return this.servers.map((s) => (s.child && s.child.exitCode === null ? s.child.pid : undefined));
  }

  async mode(index: number): Promise<string | undefined> {
    const server = this.servers[index];
    if (!server) return undefined;
    const answer = await fourLetterWord(server.member.clientPort, "srvr").catch(() => "");
    return /Mode: (\w+)/.exec(answer)?.[1];
  }

  async leader(timeoutMs = 30_000): Promise<number> {
    let found = -1;
    await waitUntil(
      async () => {
        for (let i = 0; i < this.servers.length; i++) {
          const mode = await this.mode(i);
          if (mode === "leader" || mode === "standalone") {
            found = i;
            return true;
          }
        }
        return false;
      },
      timeoutMs,
      "zookeeper leader",
    );
    return found;
  }

  signal(index: number, signal: "SIGKILL" | "SIGSTOP" | "SIGCONT"): void {
    this.servers[index]?.child?.kill(signal);
  }

  async connect(options: { node?: number } = {}): Promise<KvClient> {
    const server = this.servers[options.node ?? 0];
    if (!server) throw new Error("no such member");
    return new ZkKv(await openClient(server.member.clientPort));
  }

  async lockContender(lockPath: string, node: number): Promise<LockContender> {
    const server = this.servers[node % this.servers.length] as ZkProcess;
    const client = await openClient(server.member.clientPort);
    return new ZkLock(client, lockPath);
  }

  async stop(): Promise<void> {
    this.unregister();
    await Promise.all(
      this.servers.map(async (s) => {
        const child = s.child;
        if (child && child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
          const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
          killNow(child.pid);
          await exited;
        }
        s.untrack();
      }),
    );
    rmSync(this.rootDir, { recursive: true, force: true });
    this.untrackDir();
  }

  /** stderr+stdout tail of member `index`, for error messages. */
  logTail(index: number): string {
    const server = this.servers[index];
    if (!server) return "";
    try {
      return readFileSync(join(server.dir, "server.log"), "utf8").split("\n").slice(-15).join("\n");
    } catch {
      return "";
    }
  }
}

export const zookeeperDriver: Driver = {
  name: "zookeeper",

  async prepare(log) {
    const problem = ensureDebianPackages(["zookeeper"], log).get("zookeeper");
    if (problem) return problem;
    if (!existsSync(zookeeperJar)) return `${zookeeperJar} is missing although the package is installed`;
    if (!existsSync("/usr/bin/java")) return "no java at /usr/bin/java";
    return undefined;
  },

  describe() {
    return `ZooKeeper ${installedVersion("zookeeper") ?? "?"} (Debian), forceSync=yes, tickTime=2000 initLimit=10 syncLimit=5, JVM defaults; client node-zookeeper-client 1.1.3`;
  },

  async start(options: StartOptions): Promise<Cluster> {
    const ports = await freePorts(options.nodes * 3);
    const members: ZkMember[] = Array.from({ length: options.nodes }, (_, i) => ({
      id: i + 1,
      clientPort: ports[i * 3] as number,
      quorumPort: ports[i * 3 + 1] as number,
      electionPort: ports[i * 3 + 2] as number,
    }));
    const rootDir = mkdtempSync(join(tmpdir(), "bench-zookeeper-"));
    const servers: ZkProcess[] = members.map((member) => {
      const dir = join(rootDir, `server-${member.id}`);
      const dataDir = join(dir, "data");
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(join(dir, "zoo.cfg"), zooCfg({ dataDir, self: member, members }));
      writeFileSync(join(dataDir, "myid"), myid(member));
      const logFd = openSync(join(dir, "server.log"), "a");
      const child = spawn(
        "java",
        [
          "-cp",
          `/etc/zookeeper/conf:${zookeeperJar}`,
          `-Dzookeeper.log.dir=${dir}`,
          "org.apache.zookeeper.server.quorum.QuorumPeerMain",
          join(dir, "zoo.cfg"),
        ],
        { stdio: ["ignore", logFd, logFd], cwd: dir },
      );
      const untrack = child.pid === undefined ? () => undefined : trackPid(child.pid);
      child.on("error", () => undefined);
      return { member, dir, child, untrack };
    });
    const cluster = new ZkCluster(rootDir, servers);
    try {
      await waitUntil(
        async () => {
          const modes = await Promise.all(servers.map((_, i) => cluster.mode(i)));
          return modes.every((m) => m === "leader" || m === "follower" || m === "standalone");
        },
        60_000,
        "zookeeper ensemble up",
      );
    } catch (error) {
      const tail = cluster.logTail(0);
      await cluster.stop();
      throw new Error(`${(error as Error).message}\n${tail}`);
    }
    return cluster;
  },
};

/**
 * etcd 3.4 from Debian's `etcd-server` package: a loopback cluster with etcd's defaults (fsync on,
 * heartbeat 100 ms, election timeout 1000 ms), and the etcd3 npm client with its retries and
 * circuit breakers turned off, so every failure is seen and no call is silently repeated. Reads
 * are serializable (member-local), the same consistency as Keel's and ZooKeeper's default reads.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePorts } from "@keel/testkit";
import { noop } from "cockatiel";
import { Etcd3 } from "etcd3";
import { killNow, onCleanup, trackDir, trackPid } from "../cleanup.js";
import type { Cluster, Driver, KvClient, LockContender, StartOptions } from "../driver.js";
import { waitUntil } from "../driver.js";
import { ensureDebianPackages, installedVersion } from "../install.js";
import { EtcdMutex } from "./etcd-mutex.js";

const etcdBinary = "/usr/bin/etcd";

function newClient(clientPort: number): Etcd3 {
  return new Etcd3({
    hosts: `127.0.0.1:${clientPort}`,
    faultHandling: { host: () => noop, global: noop },
  });
}

class EtcdKv implements KvClient {
  constructor(private readonly client: Etcd3) {}

  async ensure(key: string, value: Buffer): Promise<void> {
    await this.client.if(key, "Create", "==", 0).then(this.client.put(key).value(value)).commit();
  }

  async put(key: string, value: Buffer): Promise<string> {
    const response = await this.client.put(key).value(value).exec();
    return response.header.revision;
  }

  async get(key: string): Promise<Buffer> {
    const value = await this.client.get(key).serializable(true).buffer();
    if (value === null) throw new Error(`etcd: no key ${key}`);
    return value;
  }

  async watch(key: string, onEvent: (token: string) => void): Promise<() => Promise<void>> {
    const watcher = await this.client.watch().key(key).create();
    watcher.on("put", (kv) => onEvent(kv.mod_revision));
    return () => watcher.cancel();
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

interface EtcdMember {
  name: string;
  clientPort: number;
  peerPort: number;
  dir: string;
  child: ChildProcess | undefined;
  untrack: () => void;
}

async function memberStatus(clientPort: number): Promise<{ memberId: string; leader: string } | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${clientPort}/v3/maintenance/status`, {
      method: "POST",
      body: "{}",
      signal: AbortSignal.timeout(2000),
    });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { header?: { member_id?: string }; leader?: string };
    if (!body.header?.member_id || !body.leader || body.leader === "0") return undefined;
    return { memberId: body.header.member_id, leader: body.leader };
  } catch {
    return undefined;
  }
}

class EtcdCluster implements Cluster {
  private readonly unregister: () => void;
  private readonly untrackDir: () => void;

  constructor(
    private readonly rootDir: string,
    private readonly members: EtcdMember[],
  ) {
    this.unregister = onCleanup(() => this.stop());
    this.untrackDir = trackDir(rootDir);
  }

  get size(): number {
    return this.members.length;
  }

  pids(): (number | undefined)[] {
    return this.members.map((m) => (m.child && m.child.exitCode === null ? m.child.pid : undefined));
  }

  async leader(timeoutMs = 30_000): Promise<number> {
    let found = -1;
    await waitUntil(
      async () => {
        for (let i = 0; i < this.members.length; i++) {
          const status = await memberStatus((this.members[i] as EtcdMember).clientPort);
          if (status && status.memberId === status.leader) {
            found = i;
            return true;
          }
        }
        return false;
      },
      timeoutMs,
      "etcd leader",
    );
    return found;
  }

  signal(index: number, signal: "SIGKILL" | "SIGSTOP" | "SIGCONT"): void {
    this.members[index]?.child?.kill(signal);
  }

  async connect(options: { node?: number } = {}): Promise<KvClient> {
    const member = this.members[options.node ?? 0];
    if (!member) throw new Error("no such member");
    return new EtcdKv(newClient(member.clientPort));
  }

  async lockContender(lockPath: string, node: number): Promise<LockContender> {
    const member = this.members[node % this.members.length] as EtcdMember;
    const client = newClient(member.clientPort);
    const mutex = new EtcdMutex(client, lockPath);
    return {
      acquire: () => mutex.acquire(),
      release: () => mutex.release(),
      close: async () => {
        await mutex.close();
        client.close();
      },
    };
  }

  async stop(): Promise<void> {
    this.unregister();
    await Promise.all(
      this.members.map(async (m) => {
        const child = m.child;
        if (child && child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
          const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
          killNow(child.pid);
          await exited;
        }
        m.untrack();
      }),
    );
    rmSync(this.rootDir, { recursive: true, force: true });
    this.untrackDir();
  }

  logTail(index: number): string {
    const member = this.members[index];
    if (!member) return "";
    try {
      return readFileSync(join(member.dir, "server.log"), "utf8").split("\n").slice(-15).join("\n");
    } catch {
      return "";
    }
  }
}

export const etcdDriver: Driver = {
  name: "etcd",

  async prepare(log) {
    const problem = ensureDebianPackages(["etcd-server"], log).get("etcd-server");
    return problem;
  },

  describe() {
    return `etcd ${installedVersion("etcd-server") ?? "?"} (Debian), defaults (fsync on, heartbeat 100 ms, election 1000 ms); client etcd3 1.1.2, retries and circuit breakers off, serializable reads`;
  },

  async start(options: StartOptions): Promise<Cluster> {
    const ports = await freePorts(options.nodes * 2);
    const rootDir = mkdtempSync(join(tmpdir(), "bench-etcd-"));
    const token = `bench-${process.pid}-${Date.now()}`;
    const specs = Array.from({ length: options.nodes }, (_, i) => ({
      name: `n${i + 1}`,
      clientPort: ports[i * 2] as number,
      peerPort: ports[i * 2 + 1] as number,
    }));
    const initialCluster = specs.map((s) => `${s.name}=http://127.0.0.1:${s.peerPort}`).join(",");
    const members: EtcdMember[] = specs.map((spec) => {
      const dir = join(rootDir, spec.name);
      mkdirSync(dir, { recursive: true });
      const logFd = openSync(join(dir, "server.log"), "a");
      const client = `http://127.0.0.1:${spec.clientPort}`;
      const peer = `http://127.0.0.1:${spec.peerPort}`;
      const child = spawn(
        etcdBinary,
        [
          "--name",
          spec.name,
          "--data-dir",
          join(dir, "data"),
          "--listen-client-urls",
          client,
          "--advertise-client-urls",
          client,
          "--listen-peer-urls",
          peer,
          "--initial-advertise-peer-urls",
          peer,
          "--initial-cluster",
          initialCluster,
          "--initial-cluster-state",
          "new",
          "--initial-cluster-token",
          token,
          "--logger",
          "zap",
          "--log-level",
          "warn",
        ],
        { stdio: ["ignore", logFd, logFd], cwd: dir },
      );
      child.on("error", () => undefined);
      const untrack = child.pid === undefined ? () => undefined : trackPid(child.pid);
      return { ...spec, dir, child, untrack };
    });
    const cluster = new EtcdCluster(rootDir, members);
    try {
      await waitUntil(
        async () => {
          const statuses = await Promise.all(members.map((m) => memberStatus(m.clientPort)));
          return statuses.every((s) => s !== undefined);
        },
        60_000,
        "etcd cluster up",
      );
    } catch (error) {
      const tail = cluster.logTail(0);
      await cluster.stop();
      throw new Error(`${(error as Error).message}\n${tail}`);
    }
    return cluster;
  },
};

/**
 * Keel: real `apps/server` processes started through testkit's Ensemble (free 127.0.0.1 ports,
 * temp data dirs, the server's default 50 ms tick), driven through the public tRPC API
 * (docs/api.md) over WebSocket (the default here) or plain HTTP, or through its ZooKeeper port with
 * the very client the ZooKeeper driver uses (node-zookeeper-client): the same client and protocol
 * on both sides of that comparison.
 */
import type { AppRouter } from "@keel/api";
import { Ensemble } from "@keel/testkit";
import type { TRPCClient } from "@trpc/client";
import { onCleanup, trackPid } from "../cleanup.js";
import type { Cluster, ConnectOptions, Driver, KvClient, LockContender, StartOptions } from "../driver.js";
import { httpMutation, httpQuery, keelCodeOf, keelWs } from "./keel-api.js";
import { KeelLock } from "./keel-lock.js";
import { openClient, ZkKv } from "./zookeeper.js";

/** Keel's data is UTF-8 text or base64; the bench's values are ASCII, so they go as text. */
const asText = (value: Buffer): string => value.toString("latin1");

type Stat = { mzxid: string };

export class KeelWsKv implements KvClient {
  private readonly client: TRPCClient<AppRouter>;
  private readonly closeSocket: () => void;

  constructor(clientUrl: string) {
    const api = keelWs(clientUrl);
    this.client = api.client;
    this.closeSocket = () => api.close();
  }

  async ensure(key: string, value: Buffer): Promise<void> {
    try {
      await this.client.node.create.mutate({ path: key, data: asText(value) });
    } catch (error) {
      if (keelCodeOf(error) !== "NODEEXISTS") throw error;
    }
  }

  async put(key: string, value: Buffer): Promise<string> {
    const { stat } = await this.client.node.set.mutate({ path: key, data: asText(value) });
    return stat.mzxid;
  }

  async get(key: string): Promise<Buffer> {
    const node = await this.client.node.get.query({ path: key });
    return Buffer.from(node.dataBase64, "base64");
  }

  async watch(key: string, onEvent: (token: string) => void): Promise<() => Promise<void>> {
    const subscription = this.client.watch.events.subscribe(
      { path: key, mode: "persistent" },
      {
        onData: ({ data }) => {
          if (data.type === "NodeDataChanged") onEvent(data.zxid);
        },
      },
    );
    return async () => subscription.unsubscribe();
  }

  async close(): Promise<void> {
    this.closeSocket();
  }
}

export class KeelHttpKv implements KvClient {
  constructor(private readonly clientUrl: string) {}

  async ensure(key: string, value: Buffer): Promise<void> {
    try {
      await httpMutation(this.clientUrl, "node.create", { path: key, data: asText(value) });
    } catch (error) {
      if (keelCodeOf(error) !== "NODEEXISTS") throw error;
    }
  }

  async put(key: string, value: Buffer): Promise<string> {
    const { stat } = await httpMutation<{ stat: Stat }>(this.clientUrl, "node.set", { path: key, data: asText(value) });
    return stat.mzxid;
  }

  async get(key: string): Promise<Buffer> {
    const node = await httpQuery<{ dataBase64: string }>(this.clientUrl, "node.get", { path: key });
    return Buffer.from(node.dataBase64, "base64");
  }

  async watch(): Promise<() => Promise<void>> {
    throw new Error("watch streams are WebSocket-only");
  }

  async close(): Promise<void> {}
}

export class KeelCluster implements Cluster {
  private readonly unregister: () => void;
  private untrack: (() => void)[] = [];

  constructor(readonly ensemble: Ensemble) {
    this.unregister = onCleanup(() => this.stop());
    this.retrackPids();
  }

  /** Registers the members' current pids for the exit-time kill (again after a restart). */
  retrackPids(): void {
    for (const untrack of this.untrack) untrack();
    this.untrack = this.ensemble.members.flatMap((m) =>
      m.process?.pid === undefined ? [] : [trackPid(m.process.pid)],
    );
  }

  get size(): number {
    return this.ensemble.members.length;
  }

  pids(): (number | undefined)[] {
    return this.ensemble.members.map((m) => (this.ensemble.isRunning(m.id) ? m.process?.pid : undefined));
  }

  async leader(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (let i = 0; i < this.ensemble.members.length; i++) {
        const member = this.ensemble.members[i];
        if (!member || !this.ensemble.isRunning(member.id)) continue;
        const status = await this.ensemble.status(member.id);
        if (status?.role === "leading" && status.ready) return i;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`keel leader: none within ${timeoutMs} ms`);
  }

  signal(index: number, signal: "SIGKILL" | "SIGSTOP" | "SIGCONT"): void {
    this.ensemble.members[index]?.process?.kill(signal);
  }

  private member(node: number) {
    const member = this.ensemble.members[node % this.ensemble.members.length];
    if (!member) throw new Error("no such member");
    return member;
  }

  private url(node: number): string {
    return this.member(node).clientUrl;
  }

  private zkPort(node: number): number {
    return this.member(node).zkPort;
  }

  async connect(options: ConnectOptions = {}): Promise<KvClient> {
    const url = this.url(options.node ?? 0);
    if (options.transport === "zk") return new ZkKv(await openClient(this.zkPort(options.node ?? 0)));
    return options.transport === "http" ? new KeelHttpKv(url) : new KeelWsKv(url);
  }

  lockContender(lockPath: string, node: number): Promise<LockContender> {
    return KeelLock.open(this.url(node), lockPath);
  }

  async stop(): Promise<void> {
    this.unregister();
    await this.ensemble.close();
    for (const untrack of this.untrack) untrack();
  }
}

export const keelDriver: Driver = {
  name: "keel",

  async prepare() {
    return undefined;
  },

  describe() {
    return "Keel (apps/server via testkit), server defaults (tick 50 ms, syncLimit 400 ms, SQLite WAL synchronous=FULL); client: tRPC over WebSocket (the SDK's SocketLink + ws), plus rows via its ZooKeeper port (node-zookeeper-client 1.1.3, as for ZooKeeper) and via raw HTTP";
  },

  async start(options: StartOptions): Promise<Cluster> {
    const ensemble = await Ensemble.start({ voters: options.nodes, serverDefaults: true });
    const cluster = new KeelCluster(ensemble);
    try {
      await ensemble.waitForLeader({ timeoutMs: 60_000 });
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  },
};

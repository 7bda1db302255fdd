/**
 * The one interface every compared system implements. A workload only sees these types, so the
 * same code measures Keel, ZooKeeper and etcd; what differs (client library, recipe, config) lives
 * in drivers/<system>.ts.
 *
 * Keys are path-like ("/bench/k1"): ZooKeeper and Keel need the parent to exist (workloads call
 * `ensure` on it first); etcd treats the key as an opaque string.
 */
import type { SystemName } from "./report.js";

export interface StartOptions {
  nodes: 1 | 3;
}

export interface Driver {
  readonly name: SystemName;
  /** Installs or finds what the system needs; returns why it cannot run here, or undefined. */
  prepare(log: (line: string) => void): Promise<string | undefined>;
  /** Starts a fresh cluster on free 127.0.0.1 ports in new temp dirs; returns when it serves writes. */
  start(options: StartOptions): Promise<Cluster>;
  /** One line describing the configuration, for the report. */
  describe(): string;
}

/** Keel's call paths: its WebSocket API, plain HTTP, or its ZooKeeper port with ZooKeeper's own client. */
export type Transport = "ws" | "http" | "zk";

export interface ConnectOptions {
  /** Which member to talk to (index into the cluster); default 0. */
  node?: number;
  /** Keel only: the call path. Others have one protocol and ignore it. */
  transport?: Transport;
}

export interface Cluster {
  readonly size: number;
  /** The call paths this cluster serves, when not every one its system has (default: all of them). */
  readonly transports?: readonly Transport[];
  /** The server process ids, by member index (undefined if that member is down). */
  pids(): (number | undefined)[];
  /** Index of the member that leads now (waits until there is one). */
  leader(timeoutMs?: number): Promise<number>;
  /** Sends a signal to member `index` (SIGKILL, SIGSTOP, SIGCONT). */
  signal(index: number, signal: "SIGKILL" | "SIGSTOP" | "SIGCONT"): void;
  connect(options?: ConnectOptions): Promise<KvClient>;
  /** A lock contender with its own session/connection, using the system's usual lock recipe. */
  lockContender(lockPath: string, node: number): Promise<LockContender>;
  /** Kills every process and deletes every directory this cluster made. */
  stop(): Promise<void>;
}

export interface KvClient {
  /** Creates `key` with `value` if it does not exist (parents must exist for ZooKeeper/Keel). */
  ensure(key: string, value: Buffer): Promise<void>;
  /** Overwrites `key`; returns a token that the watch event of this write carries too. */
  put(key: string, value: Buffer): Promise<string>;
  get(key: string): Promise<Buffer>;
  /**
   * Watches `key` for data changes in the system's natural way and calls `onEvent` with the
   * token of the write each delivered event stands for. Resolves once the watch is in place.
   */
  watch(key: string, onEvent: (token: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface LockContender {
  acquire(): Promise<void>;
  release(): Promise<void>;
  close(): Promise<void>;
}

/** Rejects with a timeout error if `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns true or the time runs out. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    await sleep(100);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

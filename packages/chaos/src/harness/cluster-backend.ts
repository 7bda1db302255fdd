/**
 * What the chaos harness needs from the servers it faults, whoever runs them: @keel/testkit's
 * Ensemble on 127.0.0.1 (process faults only), or a NamespacedEnsemble inside a NetworkLab (process
 * and network faults). Both start members 1..n, and both are reached from this process's namespace.
 */
import { Ensemble } from "@keel/testkit";
import type { NetworkLab } from "../net/index.js";

export interface ClusterBackend {
  readonly memberIds: readonly number[];
  /** The network the members run in, when they run in one: the network nemeses act on it. */
  readonly lab: NetworkLab | undefined;
  clientUrl(id: number): string;
  /** Starts (or restarts on its old data) member `id`. */
  startMember(id: number): void;
  /** Whether member `id`'s process is alive (false once it exited, on its own or killed). */
  isRunning(id: number): boolean;
  /** kill -9, resolved once the process has exited. */
  kill(id: number): Promise<void>;
  /** Stops or continues a running member's process (the signal does not end it). */
  signal(id: number, signal: "SIGSTOP" | "SIGCONT"): void;
  /** Waits until one running member leads and every running member is ready; the leader's id. */
  waitForLeader(timeoutMs: number): Promise<number>;
  /** Kills every member and removes what the backend created (data directories, the network). */
  close(): Promise<void>;
}

/** Per member: its extra environment, and the data directory it was given (default: the backend's own). */
export interface MemberSetup {
  readonly memberEnv: (id: number) => Readonly<Record<string, string>>;
  readonly dataDir: ((id: number) => string) | undefined;
}

/** Members as plain processes on 127.0.0.1 (testkit's Ensemble): no network faults possible. */
export async function startLocalBackend(nodes: 3 | 5, setup: MemberSetup): Promise<ClusterBackend> {
  const { memberEnv, dataDir } = setup;
  const ensemble = await Ensemble.start({ voters: nodes, memberEnv, ...(dataDir === undefined ? {} : { dataDir }) });
  return {
    memberIds: ensemble.members.map((member) => member.id),
    lab: undefined,
    clientUrl: (id) => ensemble.member(id).clientUrl,
    startMember: (id) => ensemble.startMember(id),
    isRunning: (id) => ensemble.isRunning(id),
    kill: (id) => ensemble.kill(id, "SIGKILL"),
    signal: (id, signal) => {
      const child = ensemble.member(id).process;
      if (!child || !ensemble.isRunning(id)) throw new Error(`${signal} ${id}: no running process`);
      child.kill(signal);
    },
    waitForLeader: (timeoutMs) => ensemble.waitForLeader({ timeoutMs }),
    close: () => ensemble.close(),
  };
}

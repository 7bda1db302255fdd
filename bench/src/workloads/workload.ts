/**
 * What a workload is: a bounded measurement against one freshly started cluster, returning
 * Figures. The runner starts and stops the cluster; the workload must close its own clients.
 */
import type { Cluster, Driver } from "../driver.js";
import { CpuMeter } from "../proc.js";
import type { Figure, SystemName } from "../report.js";

export interface WorkloadContext {
  system: SystemName;
  driver: Driver;
  cluster: Cluster;
  quick: boolean;
  log: (line: string) => void;
  /** Something a reader of the report should know about this run (errors, caps hit). */
  note: (line: string) => void;
}

export interface Workload {
  /** The id used by --workloads. */
  readonly id: string;
  readonly title: string;
  readonly nodes: 1 | 3;
  /** Full mode only (skipped by --quick). */
  readonly fullOnly?: boolean;
  /** Only these systems (default: all). */
  readonly systems?: readonly SystemName[];
  run(context: WorkloadContext): Promise<Figure[]>;
}

/**
 * Unmeasured work before every measurement, the same for every system: ZooKeeper's JVM and Keel's
 * V8 compile their hot paths while running (etcd's Go is compiled ahead), and a fresh cluster's
 * first operations also pay for its first connections, allocations and file growth. A coordination
 * service runs for months, so the figures are of a warm one; `ops` for workloads counted in
 * operations (sequential writes, watched writes), `ms` for those counted in time.
 */
export function warmupOf(context: Pick<WorkloadContext, "quick">): { ops: number; ms: number } {
  return context.quick ? { ops: 100, ms: 500 } : { ops: 500, ms: 2000 };
}

/** Starts measuring server and client CPU; the returned function gives the figures. */
export function meterCpu(cluster: Cluster): () => Figure[] {
  const meter = new CpuMeter(cluster.pids().filter((pid): pid is number => pid !== undefined));
  return () => {
    const { serverCores, clientCores } = meter.stop();
    return [
      { metric: "server CPU", unit: "cores", better: "info", value: serverCores },
      { metric: "client CPU", unit: "cores", better: "info", value: clientCores },
    ];
  };
}

/** An ASCII value of `bytes` bytes (ASCII so Keel can carry it as text). */
export function value(bytes: number, seed = 0): Buffer {
  const head = `v${seed}:`;
  return Buffer.from(head + "x".repeat(Math.max(0, bytes - head.length)), "latin1");
}

/**
 * Set-up steps (creating the keys a load then uses) are not measured, so they retry: a system
 * that briefly has no leader under load must not fail the whole workload before it starts.
 */
export async function retrying<T>(step: () => Promise<T>, attempts = 50, delayMs = 100): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

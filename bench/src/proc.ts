/**
 * What the kernel says about a server process: resident memory and CPU time, read from /proc so
 * the same number is taken the same way for a JVM, a Go binary and Node.
 */
import { readFileSync } from "node:fs";

/** Clock ticks per second for /proc/<pid>/stat's utime/stime: 100 on every Linux we run on. */
const clockTicksPerSecond = 100;

/** Resident set size in MiB, or NaN if the process is gone. */
export function rssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** User + system CPU seconds the process has used, or NaN if it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces; fields after the closing parenthesis are fixed.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the name: state is index 0, so utime (field 14) is index 11 and stime (15) index 12.
    return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
  } catch {
    return Number.NaN;
  }
}

/** This (client) process's CPU seconds. */
export function clientCpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** Measures the CPU the servers and this client use between start() and stop(). */
export class CpuMeter {
  private readonly serverStart: Map<number, number>;
  private readonly clientStart = clientCpuSeconds();
  private readonly wallStart = performance.now();

  constructor(private readonly pids: readonly number[]) {
    this.serverStart = new Map(pids.map((pid) => [pid, cpuSeconds(pid)]));
  }

  /** CPU used, in cores (1.0 = one core busy the whole time), for the servers summed and the client. */
  stop(): { serverCores: number; clientCores: number } {
    const wallSeconds = (performance.now() - this.wallStart) / 1000;
    let server = 0;
    for (const pid of this.pids) {
      const delta = cpuSeconds(pid) - (this.serverStart.get(pid) ?? Number.NaN);
      if (Number.isFinite(delta)) server += delta;
    }
    return { serverCores: server / wallSeconds, clientCores: (clientCpuSeconds() - this.clientStart) / wallSeconds };
  }
}

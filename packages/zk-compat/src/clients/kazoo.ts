/** Starts the kazoo programs in clients/kazoo with Debian's python3 (python3-kazoo 2.8). */
import { type ClientProcess, type ClientProcesses, clientFile, python, type RunOptions } from "./client-process.js";

export function startKazoo(
  processes: ClientProcesses,
  label: string,
  script: string,
  args: readonly string[],
  options: RunOptions = {},
): ClientProcess {
  return processes.start(label, python, [clientFile("kazoo", script), ...args], {
    ...options,
    env: { PYTHONUNBUFFERED: "1", ...options.env },
  });
}

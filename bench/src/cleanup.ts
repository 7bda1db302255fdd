/**
 * Everything the bench starts registers how to stop it here, so Ctrl-C, an error or a normal end
 * all leave no server process or temp directory behind. Async cleanups run on the normal paths;
 * the synchronous pid list is the last resort when the process is exiting.
 */
import { rmSync } from "node:fs";

type Cleanup = () => Promise<void>;

const cleanups = new Set<Cleanup>();
const pids = new Set<number>();
const dirs = new Set<string>();

export function onCleanup(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

export function trackPid(pid: number): () => void {
  pids.add(pid);
  return () => pids.delete(pid);
}

export function trackDir(dir: string): () => void {
  dirs.add(dir);
  return () => dirs.delete(dir);
}

export function killNow(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function cleanupSync(): void {
  for (const pid of pids) killNow(pid);
  pids.clear();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  dirs.clear();
}

export async function cleanupAll(): Promise<void> {
  const pending = [...cleanups];
  cleanups.clear();
  await Promise.allSettled(pending.map((cleanup) => cleanup()));
  cleanupSync();
}

let installed = false;
let stopping = false;

/** True once Ctrl-C/SIGTERM arrived: the runner starts nothing new after that. */
export function interrupted(): boolean {
  return stopping;
}

/** Ctrl-C / SIGTERM: clean up and exit 130/143; on any exit, kill whatever is still tracked. */
export function installSignalHandlers(): void {
  if (installed) return;
  installed = true;
  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    process.once(signal, () => {
      stopping = true;
      process.stderr.write(`\nbench: ${signal}, stopping every server it started...\n`);
      const hardStop = setTimeout(() => {
        cleanupSync();
        process.exit(code);
      }, 10_000);
      hardStop.unref();
      void cleanupAll().finally(() => process.exit(code));
    });
  }
  process.on("exit", cleanupSync);
}

/**
 * Test helpers for real-socket tests: free loopback ports, a polling wait, and a logger that keeps
 * its lines in memory. Excluded from the build (tsconfig.build.json drops src/**\/test-*.ts).
 */
import { createServer, type Server } from "node:net";
import { type Logger, pino } from "pino";

/** Ports the OS reports free on 127.0.0.1 right now (bound to port 0, then released). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer();
          server.once("error", reject);
          server.listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("freePorts: no port");
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  return ports;
}

/** Polls `condition` every 5 ms; fails after `timeoutMs` (a ceiling, not a timing assumption). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface MemoryLogger {
  readonly logger: Logger;
  readonly lines: () => Record<string, unknown>[];
}

export function memoryLogger(level = "debug"): MemoryLogger {
  const lines: string[] = [];
  const logger = pino({ level }, { write: (line: string) => void lines.push(line) });
  return { logger, lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** Counts of live TCP handles, to check that a test closed every socket and listener it opened. */
export function tcpHandleCount(): number {
  return process.getActiveResourcesInfo().filter((name) => name.startsWith("TCP")).length;
}

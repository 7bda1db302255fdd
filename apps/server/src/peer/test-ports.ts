/**
 * Test helpers for real-socket tests: a polling wait, a logger that keeps its lines in memory, and
 * a count of open TCP handles (free ports come from @keel/testkit). Excluded from the build (tsconfig.build.json drops src/**\/test-*.ts).
 */
import { type Logger, pino } from "pino";

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

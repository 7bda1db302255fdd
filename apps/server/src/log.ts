/**
 * The logger factory. One logger per server, created in main and passed to whatever needs it (style
 * rule 10): three servers in one test process each log with their own id, and no module-level
 * singleton leaks between tests.
 */
import { type DestinationStream, type Logger, pino } from "pino";
import type { ServerConfig } from "./config.js";

export type { Logger } from "pino";

/** JSON lines to stdout by default; tests pass a destination to capture them. */
export function createLogger(
  config: Pick<ServerConfig, "id" | "ensembleId" | "logLevel">,
  destination?: DestinationStream,
): Logger {
  const options = {
    level: config.logLevel,
    base: { pid: process.pid, serverId: config.id, ensembleId: config.ensembleId },
    timestamp: pino.stdTimeFunctions.isoTime,
    // Level names rather than pino's numbers: the log is read by people and grep as often as by tools.
    formatters: { level: (label: string) => ({ level: label }) },
    serializers: { err: pino.stdSerializers.err },
  };
  return destination === undefined ? pino(options) : pino(options, destination);
}

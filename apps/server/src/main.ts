#!/usr/bin/env node
/**
 * keel-server's entry point: parse the configuration (--help, --version, --check-config), then
 * run the server until SIGINT or SIGTERM, and stop cleanly.
 * Exit codes: 0 ok, 1 failed at runtime, 2 bad configuration.
 */
import { ConfigError, loadConfig, serverVersion } from "./config.js";
import { isEntryPoint, type ProcessInputs, readProcessInputs } from "./env.js";
import { createLogger } from "./log.js";
import { startServer } from "./server.js";

export interface MainOutput {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const exitCodeConfigError = 2;

export async function runMain(inputs: ProcessInputs, output: MainOutput): Promise<number> {
  let load: ReturnType<typeof loadConfig>;
  try {
    load = loadConfig(inputs);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const problems = error.problems.map((problem) => `  - ${problem}\n`).join("");
    output.stderr(`keel-server: bad configuration:\n${problems}Run keel-server --help for the options.\n`);
    return exitCodeConfigError;
  }
  if (load.type === "help" || load.type === "version") {
    output.stdout(load.type === "help" ? load.text : `${load.text}\n`);
    return 0;
  }
  const logger = createLogger(load.config);
  for (const warning of load.warnings) logger.warn(warning);
  logger.info({ config: load.config }, "configured");
  if (load.checkOnly) {
    logger.flush();
    return 0;
  }
  // Fail-stop: an error nothing handled (a store write that failed, the disk full) leaves the
  // replica between a Ready and its advance, so it must not serve on. Log why, then exit; the
  // ensemble carries on without this member, which rejoins once restarted (docs/operations.md).
  process.once("uncaughtException", (error) => {
    logger.fatal({ err: error }, "fatal error: stopping this server (fail-stop)");
    logger.flush();
    process.exit(1);
  });
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({
      config: load.config,
      peerAuth: load.peerAuth,
      tls: load.tls,
      superPassword: load.superPassword,
      logger,
      version: serverVersion(),
    });
  } catch (error) {
    logger.fatal({ err: error }, "could not start");
    logger.flush();
    return 1;
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });
  logger.info({ signal }, "stopping");
  await server.stop();
  logger.flush();
  return 0;
}

if (isEntryPoint(import.meta.url)) {
  const output: MainOutput = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
  process.exitCode = await runMain(readProcessInputs(), output);
}

/**
 * The one place outside config.ts that touches `process.argv`/`process.env` (style rule 10): it hands
 * them to loadConfig as plain values, so everything downstream gets a frozen ServerConfig instead.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";

export interface ProcessInputs {
  /** Command-line arguments after `node main.js`. */
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function readProcessInputs(): ProcessInputs {
  return { argv: process.argv.slice(2), env: { ...process.env } };
}

/** True when `moduleUrl` (a module's import.meta.url) is the script node was started with. */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return pathToFileURL(realpathSync(script)).href === moduleUrl;
  } catch {
    return false;
  }
}

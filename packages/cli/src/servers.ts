/**
 * Which servers the CLI talks to: `--servers`, else `KEEL_SERVERS`, else the three client URLs
 * `npm start` prints (scripts/start.mjs: client port = KEEL_START_PORT (default 7100) + 100 + id).
 * Entries may omit the scheme (`127.0.0.1:7201`); the list is comma- or space-separated.
 */
import { UsageError } from "./cli-error.js";

export const START_PORT_DEFAULT = 7100;

export function defaultServers(env: NodeJS.ProcessEnv): string[] {
  const base = env.KEEL_START_PORT === undefined ? START_PORT_DEFAULT : Number(env.KEEL_START_PORT);
  if (!Number.isInteger(base) || base < 1 || base > 65_000)
    throw new UsageError(`KEEL_START_PORT must be a port number, got ${JSON.stringify(env.KEEL_START_PORT)}`);
  return [1, 2, 3].map((id) => `http://127.0.0.1:${base + 100 + id}`);
}

export function parseServers(text: string): string[] {
  const entries = text
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) throw new UsageError("--servers needs at least one server URL, e.g. http://127.0.0.1:7201");
  return entries.map(normalizeServer);
}

export function normalizeServer(entry: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ? entry : `http://${entry}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`not a server URL: ${JSON.stringify(entry)} (expected e.g. http://127.0.0.1:7201)`);
  }
  if (url.protocol === "ws:") url.protocol = "http:";
  if (url.protocol === "wss:") url.protocol = "https:";
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError(`not a server URL: ${JSON.stringify(entry)} (use http:// or https://)`);
  return url.origin;
}

export function resolveServers(flag: string | undefined, env: NodeJS.ProcessEnv): string[] {
  if (flag !== undefined) return parseServers(flag);
  if (env.KEEL_SERVERS !== undefined && env.KEEL_SERVERS.trim() !== "") return parseServers(env.KEEL_SERVERS);
  return defaultServers(env);
}

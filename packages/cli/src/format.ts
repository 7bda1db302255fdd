/**
 * Human output: aligned tables, stat fields, times and zxids. Everything here is a pure function
 * of its input so the unit tests can pin the layout (format.test.ts).
 */
import type { StatView } from "@keel/api";
import { formatZxid, parseZxid, zxidCounter, zxidEpoch } from "@keel/core";

/**
 * Columns padded to their widest cell, two spaces apart; the last column is not padded so lines
 * carry no trailing blanks. `headers` is the first row.
 */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers, ...rows];
  const widths = headers.map((_, column) => Math.max(...all.map((row) => (row[column] ?? "").length)));
  const lines = all.map((row) =>
    headers
      .map((_, column) => {
        const cell = row[column] ?? "";
        return column === headers.length - 1 ? cell : cell.padEnd(widths[column] as number);
      })
      .join("  ")
      .trimEnd(),
  );
  return `${lines.join("\n")}\n`;
}

/** A zxid from the API's decimal form as `0x<epoch>:<counter>` (the console's form); bad input as is. */
export function showZxid(decimal: string): string {
  const zxid = parseZxid(decimal);
  return zxid === undefined ? decimal : formatZxid(zxid);
}

/** How far `behind` is from `ahead`, in txns, when both are in the same epoch; else undefined. */
export function zxidLag(ahead: string, behind: string): number | undefined {
  const a = parseZxid(ahead);
  const b = parseZxid(behind);
  if (a === undefined || b === undefined) return undefined;
  if (zxidEpoch(a) !== zxidEpoch(b)) return undefined;
  return Math.max(0, zxidCounter(a) - zxidCounter(b));
}

/** Milliseconds since the epoch as UTC, to the millisecond; 0 (never) as "-". */
export function showTime(ms: number): string {
  if (ms === 0) return "-";
  return new Date(ms).toISOString();
}

/** A session id as the API gives it: "0" (no owner) shown as "-". */
export function showOwner(sessionId: string): string {
  return sessionId === "0" ? "-" : sessionId;
}

/** ZooKeeper's `stat` layout: one field per line, zxids in both forms. */
export function statRows(stat: StatView): [string, string][] {
  return [
    ["czxid", `${showZxid(stat.czxid)} (${stat.czxid})`],
    ["mzxid", `${showZxid(stat.mzxid)} (${stat.mzxid})`],
    ["pzxid", `${showZxid(stat.pzxid)} (${stat.pzxid})`],
    ["ctime", showTime(stat.ctime)],
    ["mtime", showTime(stat.mtime)],
    ["version", String(stat.version)],
    ["cversion", String(stat.cversion)],
    ["aversion", String(stat.aversion)],
    ["ephemeralOwner", showOwner(stat.ephemeralOwner)],
    ["dataLength", String(stat.dataLength)],
    ["numChildren", String(stat.numChildren)],
  ];
}

/** `key  value` lines, keys padded. */
export function keyValues(rows: readonly (readonly [string, string])[]): string {
  const width = Math.max(0, ...rows.map(([key]) => key.length));
  return rows
    .map(([key, value]) => `${key.padEnd(width)}  ${value}`.trimEnd())
    .join("\n")
    .concat("\n");
}

/** The `ls -l` columns for one node. */
export const LONG_LISTING_HEADERS = ["VERSION", "CVERSION", "BYTES", "CHILDREN", "OWNER", "MTIME", "NAME"] as const;

export function longListingRow(name: string, stat: StatView): string[] {
  return [
    String(stat.version),
    String(stat.cversion),
    String(stat.dataLength),
    String(stat.numChildren),
    showOwner(stat.ephemeralOwner),
    showTime(stat.mtime),
    name,
  ];
}

/** Machine output: pretty JSON with a newline; bigint never reaches here (the API sends strings). */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** One JSON value per line, for streams (watch, lock and elect events). */
export function jsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/** Why a node was deleted (the API's DeleteCauseView), in words; undefined when not known. */
export function describeCause(
  cause: { kind: string; sessionId?: string; reason?: string } | undefined,
): string | undefined {
  if (cause === undefined) return undefined;
  const session = cause.sessionId === undefined || cause.sessionId === "0" ? "" : ` by session ${cause.sessionId}`;
  switch (cause.kind) {
    case "delete":
      return session === "" ? "deleted without a session" : `deleted${session}`;
    case "forceRelease":
      return `force-released${session}: ${cause.reason ?? "no reason given"}`;
    case "sessionExpired":
      return `owner session ${cause.sessionId ?? "?"} expired`;
    case "sessionClosed":
      return `owner session ${cause.sessionId ?? "?"} closed`;
    case "ttlExpired":
      return "TTL expired";
    case "containerEmpty":
      return "empty container removed";
    default:
      return cause.kind;
  }
}

/** One watch event as a line: zxid, type, path and, for deletions, why. */
export function eventLine(event: { type: string; path: string; zxid: string; cause?: { kind: string } }): string {
  const why = describeCause(event.cause);
  return `${showZxid(event.zxid)}  ${event.type}  ${event.path}${why === undefined ? "" : `  (${why})`}\n`;
}

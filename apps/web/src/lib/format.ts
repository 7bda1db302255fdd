/**
 * Formatting shared by every page: zxids, durations, ages, times, bytes, session ids. Pure
 * functions of their input (format.test.ts pins them). Other pages append helpers here: keep each
 * one small, and add to the end.
 */
import { formatZxid as formatZxidCore, parseZxid } from "@keel/core";

/**
 * A zxid from the API's decimal string as `0x<epoch hex>:<counter>`, the form the servers' logs
 * and the CLI use; input that is not a zxid is shown as it came.
 */
export function formatZxid(decimal: string): string {
  const zxid = parseZxid(decimal);
  return zxid === undefined ? decimal : formatZxidCore(zxid);
}

/** A duration in ms as an operator reads it: "840 ms", "3.2 s", "4 min 12 s", "2 h 5 min", "3 d 4 h". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "–";
  const sign = ms < 0 ? "-" : "";
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${Math.round(abs)} ms`;
  const seconds = abs / 1000;
  if (seconds < 60) return `${sign}${seconds < 10 ? seconds.toFixed(1) : Math.floor(seconds)} s`;
  const totalSeconds = Math.floor(seconds);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${sign}${minutes} min ${totalSeconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${sign}${hours} h ${minutes % 60} min`;
  return `${sign}${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** How long ago `thenMs` was, as of `nowMs`: "just now", "12 s ago", "4 min 12 s ago". */
export function formatAge(thenMs: number, nowMs: number): string {
  const ms = Math.max(0, nowMs - thenMs);
  if (ms < 1000) return "just now";
  return `${formatDuration(ms)} ago`;
}

/** A wall-clock time in ms as local "HH:MM:SS.mmm" (events and timelines read by the second). */
export function formatClockTime(ms: number): string {
  const date = new Date(ms);
  const pad = (value: number, width = 2) => String(value).padStart(width, "0");
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** A byte count with a binary unit: "512 B", "1.5 KiB", "3.0 MiB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** A 64-bit session id (decimal string from the API) as ZooKeeper shows it: `0x` and hex; "0" (none) as "–". */
export function formatSessionId(decimal: string): string {
  if (decimal === "0") return "–";
  try {
    return `0x${BigInt(decimal).toString(16)}`;
  } catch {
    return decimal;
  }
}

/** A count with thousands separators ("12,345"), locale-independent so tests and screenshots agree. */
export function formatCount(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A recent moment to a tenth of a second ("0.4 s ago", "12.3 s ago"), as heartbeats are read; older ones as formatAge. */
export function formatRecentAge(thenMs: number, nowMs: number): string {
  const ms = Math.max(0, nowMs - thenMs);
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)} s ago` : formatAge(thenMs, nowMs);
}

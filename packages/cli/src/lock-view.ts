/**
 * Holders and queues of the SDK's locks, derived from the tree (docs/client.md, "Where recipes keep their state"):
 * a lock NAME is the children of /keel/locks/NAME, ephemeral-sequential nodes `lock-<seq>` whose
 * data is JSON { clientId, host, pid, label?, acquiredAt? }. The lowest sequence holds the lock,
 * the others wait in sequence order. Pure, so the unit test pins the derivation.
 */
import type { StatView } from "@keel/api";

export const LOCKS_ROOT = "/keel/locks";

export interface HolderMetadata {
  readonly clientId?: string;
  readonly host?: string;
  readonly pid?: number;
  readonly label?: string;
  readonly acquiredAt?: number;
}

export interface LockEntry {
  readonly node: string;
  readonly sequence: number;
  readonly sessionId: string;
  readonly ctime: number;
  readonly czxid: string;
  /** Parsed holder metadata; undefined when the data is not the documented JSON. */
  readonly metadata: HolderMetadata | undefined;
}

export interface LockView {
  readonly name: string;
  readonly holder: LockEntry | undefined;
  readonly waiters: LockEntry[];
}

export interface RawChild {
  readonly name: string;
  readonly stat: StatView;
  /** The node's data as UTF-8, when it was read. */
  readonly data: string | undefined;
}

/** The sequence number ZooKeeper-style sequential names end with (10 digits); undefined if none. */
export function sequenceOf(name: string): number | undefined {
  const match = /(\d{10})$/.exec(name);
  return match === null ? undefined : Number(match[1]);
}

export function parseMetadata(data: string | undefined): HolderMetadata | undefined {
  if (data === undefined || data.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const pick = <T>(key: string, type: "string" | "number"): T | undefined =>
    typeof record[key] === type ? (record[key] as T) : undefined;
  const metadata: Record<string, unknown> = {
    clientId: pick<string>("clientId", "string"),
    host: pick<string>("host", "string"),
    pid: pick<number>("pid", "number"),
    label: pick<string>("label", "string"),
    acquiredAt: pick<number>("acquiredAt", "number"),
  };
  for (const key of Object.keys(metadata)) if (metadata[key] === undefined) delete metadata[key];
  return metadata as HolderMetadata;
}

export function lockView(name: string, children: readonly RawChild[]): LockView {
  const entries: LockEntry[] = [];
  for (const child of children) {
    const sequence = sequenceOf(child.name);
    if (sequence === undefined) continue; // not a contender (a stray node someone made by hand)
    entries.push({
      node: `${LOCKS_ROOT}/${name}/${child.name}`,
      sequence,
      sessionId: child.stat.ephemeralOwner,
      ctime: child.stat.ctime,
      czxid: child.stat.czxid,
      metadata: parseMetadata(child.data),
    });
  }
  entries.sort((a, b) => a.sequence - b.sequence);
  const [holder, ...waiters] = entries;
  return { name, holder, waiters };
}

export const LOCK_HEADERS = ["LOCK", "STATE", "NODE", "SESSION", "CLIENT", "HOST", "PID", "LABEL", "SINCE"] as const;

export function lockCells(view: LockView, showTime: (ms: number) => string): string[][] {
  const rows: string[][] = [];
  const row = (state: string, entry: LockEntry, since: number) => [
    view.name,
    state,
    entry.node.slice(entry.node.lastIndexOf("/") + 1),
    entry.sessionId,
    entry.metadata?.clientId ?? "-",
    entry.metadata?.host ?? "-",
    entry.metadata?.pid === undefined ? "-" : String(entry.metadata.pid),
    entry.metadata?.label ?? "-",
    showTime(since),
  ];
  if (view.holder === undefined) return [[view.name, "free", "-", "-", "-", "-", "-", "-", "-"]];
  rows.push(row("held", view.holder, view.holder.metadata?.acquiredAt ?? view.holder.ctime));
  view.waiters.forEach((entry, index) => {
    rows.push(row(`waiting ${index + 1}`, entry, entry.ctime));
  });
  return rows;
}

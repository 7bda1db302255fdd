/**
 * `keel locks` output for the SDK's locks (docs/client.md, "Where recipes keep their state"). Who
 * holds and who waits is core's lockView (packages/core/src/views, shared with the console); this
 * file keeps only the CLI's shapes: the table's cells and the JSON entries `keel locks --json` has
 * always printed, so scripts reading them are not broken.
 */
import { type Contender, lockView as coreLockView, type HolderMetadata, type RecipeChild } from "@keel/core";

/** A contender as `keel locks --json` prints it. */
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

function entryOf(contender: Contender): LockEntry {
  return {
    node: contender.node,
    sequence: contender.sequence,
    sessionId: contender.sessionId,
    ctime: contender.since,
    czxid: contender.fencingToken,
    metadata: contender.metadata,
  };
}

/** One lock NAME from the children of /keel/locks/NAME (core decides who holds and who waits). */
export function lockView(name: string, children: readonly RecipeChild[]): LockView {
  const view = coreLockView(name, children);
  return {
    name,
    holder: view.holder === undefined ? undefined : entryOf(view.holder),
    waiters: view.waiters.map(entryOf),
  };
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

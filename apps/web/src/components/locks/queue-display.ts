/**
 * One table shape for every queue recipe's card: core's views (lockView, readWriteLockView,
 * semaphoreView) flattened into holder rows and waiter rows, with what each waiter waits for in
 * words an operator reads (the blocking node and whose it is). Pure, unit-tested.
 */
import type { Contender, LockView, ReadWriteLockView, SemaphoreView, Waiter } from "@keel/core";

export type QueueKind = "lock" | "rwlock" | "semaphore";

export interface ContenderRow {
  readonly node: string;
  readonly name: string;
  readonly sessionId: string;
  readonly clientId: string | undefined;
  readonly label: string | undefined;
  readonly host: string | undefined;
  readonly pid: number | undefined;
  /** When its node was created (it queued then; a holder holds since its grant, which is at most this late). */
  readonly sinceMs: number;
  readonly fencingToken: string;
  /** Read/write locks only. */
  readonly mode: "read" | "write" | undefined;
}

export interface WaiterRow extends ContenderRow {
  /** 1 for the next in line. */
  readonly position: number;
  /** What it waits for, in words: "lock-0000000003 (session 0x…)", "any change of the queue". */
  readonly waitsFor: WaitsFor;
}

export type WaitsFor =
  | { readonly type: "node"; readonly name: string; readonly sessionId: string | undefined }
  | { readonly type: "queueChange" }
  /** A semaphore whose permits the console does not know: it holds or waits. */
  | { readonly type: "unknown" };

export interface QueueDisplay {
  readonly kind: QueueKind;
  readonly name: string;
  readonly holders: readonly ContenderRow[];
  readonly waiters: readonly WaiterRow[];
  /**
   * Semaphores: the permit count and where it came from (the operator, or the head contender's
   * node); undefined when unknown, and then the waiters' standing is undecided.
   */
  readonly permits?: { readonly count: number; readonly from: "caller" | "node" } | undefined;
}

function rowOf(contender: Contender, mode?: "read" | "write"): ContenderRow {
  const metadata = contender.metadata;
  return {
    node: contender.node,
    name: contender.name,
    sessionId: contender.sessionId,
    clientId: metadata?.clientId,
    label: metadata?.label,
    host: metadata?.host,
    pid: metadata?.pid,
    sinceMs: contender.since,
    fencingToken: contender.fencingToken,
    mode,
  };
}

const baseName = (path: string): string => path.slice(path.lastIndexOf("/") + 1);

function waiterRows(
  waiters: readonly (Waiter & { mode?: "read" | "write" })[],
  everyone: readonly Contender[],
): WaiterRow[] {
  const sessionOf = new Map(everyone.map((contender) => [contender.node, contender.sessionId]));
  return waiters.map((waiter, index) => ({
    ...rowOf(waiter, waiter.mode),
    position: index + 1,
    waitsFor:
      waiter.waitsFor.type === "node"
        ? { type: "node", name: baseName(waiter.waitsFor.node), sessionId: sessionOf.get(waiter.waitsFor.node) }
        : { type: "queueChange" },
  }));
}

export function lockDisplay(view: LockView): QueueDisplay {
  const holders = view.holder === undefined ? [] : [view.holder];
  return {
    kind: "lock",
    name: view.name,
    holders: holders.map((holder) => rowOf(holder)),
    waiters: waiterRows(view.waiters, [...holders, ...view.waiters]),
  };
}

export function readWriteLockDisplay(view: ReadWriteLockView): QueueDisplay {
  return {
    kind: "rwlock",
    name: view.name,
    holders: view.holders.map((holder) => rowOf(holder, holder.mode)),
    waiters: waiterRows(view.waiters, [...view.holders, ...view.waiters]),
  };
}

export function semaphoreDisplay(view: SemaphoreView): QueueDisplay {
  if (view.type === "counted") {
    return {
      kind: "semaphore",
      name: view.name,
      holders: view.holders.map((holder) => rowOf(holder)),
      waiters: waiterRows(view.waiters, [...view.holders, ...view.waiters]),
      permits: { count: view.permits, from: view.permitsFrom },
    };
  }
  const holders = view.surelyHolding === undefined ? [] : [view.surelyHolding];
  return {
    kind: "semaphore",
    name: view.name,
    holders: holders.map((holder) => rowOf(holder)),
    waiters: view.undecided.map((contender, index) => ({
      ...rowOf(contender),
      position: index + 1,
      waitsFor: { type: "unknown" },
    })),
  };
}

/** "billing-worker" / "7f3a…" / "–": the best name a contender gave itself. */
export function contenderTitle(row: Pick<ContenderRow, "label" | "clientId">): string {
  return row.label ?? row.clientId ?? "–";
}

/** "host-1 · pid 4242", or what of it is known. */
export function contenderOrigin(row: Pick<ContenderRow, "host" | "pid">): string {
  const parts = [row.host, row.pid === undefined ? undefined : `pid ${row.pid}`].filter(
    (part): part is string => part !== undefined,
  );
  return parts.length === 0 ? "–" : parts.join(" · ");
}

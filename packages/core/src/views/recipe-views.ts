/**
 * Snapshot views of the SDK's lock, read/write lock, semaphore and election, for the console and
 * the CLI: who holds, who waits and for what, derived from one listing of the instance's children
 * by the SDK's own rules (queue-rules.ts; docs/client.md "Lock", "Read/write lock", "Semaphore",
 * "Leader election").
 */
import { type Contender, queueStandings, type RecipeChild, type Waiter } from "./contenders.js";
import { validPermits } from "./queue-rules.js";
import { READ_PREFIX } from "./recipe-paths.js";

export interface LockView {
  readonly name: string;
  /** The lowest sequence; undefined when the lock is free. */
  readonly holder: Contender | undefined;
  /** In queue order; each waits for the node just ahead of it. */
  readonly waiters: Waiter[];
}

export function lockView(name: string, children: readonly RecipeChild[]): LockView {
  const { holders, waiters } = queueStandings({ recipe: "lock" }, name, children);
  return { name, holder: holders[0], waiters };
}

export type RwMode = "read" | "write";

export interface RwHolder extends Contender {
  readonly mode: RwMode;
}

export interface RwWaiter extends Waiter {
  readonly mode: RwMode;
}

export interface ReadWriteLockView {
  readonly name: string;
  /** Readers (any number) or one writer; empty when free. */
  readonly holders: RwHolder[];
  /** In queue order: a writer waits for its predecessor, a reader for the last writer before it. */
  readonly waiters: RwWaiter[];
}

const modeOf = (contender: Contender): RwMode => (contender.prefix === READ_PREFIX ? "read" : "write");

export function readWriteLockView(name: string, children: readonly RecipeChild[]): ReadWriteLockView {
  const { holders, waiters } = queueStandings({ recipe: "rwlock" }, name, children);
  return {
    name,
    holders: holders.map((holder) => ({ ...holder, mode: modeOf(holder) })),
    waiters: waiters.map((waiter) => ({ ...waiter, mode: modeOf(waiter) })),
  };
}

/**
 * The SDK keeps a semaphore's permits only in each user's memory (every user must pass the same
 * count): nothing in the tree says it yet. With the count, the first `permits` hold and the rest
 * wait for any change of the queue. Without it, only the first contender is known to hold.
 */
export type SemaphoreView =
  | {
      readonly type: "counted";
      readonly name: string;
      readonly permits: number;
      /** Where the count came from: the caller, or the `permits` the head contender's node records. */
      readonly permitsFrom: "caller" | "node";
      readonly holders: Contender[];
      /** In queue order; each waits for any change of the queue (a herd, by the SDK's design). */
      readonly waiters: Waiter[];
    }
  | {
      readonly type: "permitsUnknown";
      readonly name: string;
      /** The first contender: it holds whatever the count, since permits are ≥ 1. */
      readonly surelyHolding: Contender | undefined;
      /** The others in queue order: each holds or waits depending on the unknown count. */
      readonly undecided: Contender[];
    };

/**
 * `permits` that is not an integer ≥ 1 (what the SDK accepts) counts as unknown; then a `permits`
 * field in the head contender's JSON is used, should the SDK record one.
 */
export function semaphoreView(
  name: string,
  permits: number | undefined,
  children: readonly RecipeChild[],
): SemaphoreView {
  const given = validPermits(permits);
  const unknown = queueStandings({ recipe: "semaphore" }, name, children);
  const recorded = validPermits(unknown.holders[0]?.metadata?.permits);
  const count = given ?? recorded;
  if (count === undefined) {
    return { type: "permitsUnknown", name, surelyHolding: unknown.holders[0], undecided: unknown.unknown };
  }
  const standings = queueStandings({ recipe: "semaphore", permits: count }, name, children);
  return {
    type: "counted",
    name,
    permits: count,
    permitsFrom: given === undefined ? "node" : "caller",
    holders: standings.holders,
    waiters: standings.waiters,
  };
}

export interface ElectionLeader extends Contender {
  /** The leader's term: the czxid of its node (the same as its fencing token), a decimal string. */
  readonly term: string;
}

export interface ElectionView {
  readonly name: string;
  /** The lowest candidate; undefined when there is no candidate. */
  readonly leader: ElectionLeader | undefined;
  /** Every candidate in queue order, the leader first. */
  readonly candidates: Contender[];
  /** The candidates after the leader, each waiting for the node just ahead of it. */
  readonly waiters: Waiter[];
}

export function electionView(name: string, children: readonly RecipeChild[]): ElectionView {
  const { queue, holders, waiters } = queueStandings({ recipe: "election" }, name, children);
  const first = holders[0];
  return {
    name,
    leader: first === undefined ? undefined : { ...first, term: first.fencingToken },
    candidates: queue,
    waiters,
  };
}

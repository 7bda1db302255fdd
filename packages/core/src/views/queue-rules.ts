/**
 * The rules of the SDK's queue engine (packages/client/src/recipes/hold.ts and the recipes on it;
 * docs/client.md, "Recipes"): contenders sort by sequence (then name), and each one either holds
 * or waits for what blocks it. The snapshot views and the hand-off replay both decide with these
 * functions, so they cannot disagree.
 */
import { unreachable } from "../assert.js";
import { type QueueRecipe, WRITE_PREFIX } from "./recipe-paths.js";

/** A queue node as the rules see it. */
export interface QueueSlot {
  readonly name: string;
  readonly prefix: string;
  readonly sequence: number;
}

/** What a contender waits for: one node to go (herd-free), or any change of the queue (semaphores). */
export type Blocker = { readonly type: "node"; readonly name: string } | { readonly type: "queueChange" };

/**
 * The rule of one recipe. `permits` matters only to semaphores; undefined there means unknown,
 * and then only the first contender is known to hold (permits are ≥ 1), the others are unknown.
 */
export interface QueueRule {
  readonly recipe: QueueRecipe;
  readonly permits?: number | undefined;
}

/** The verdict for one contender: it holds, it waits for a blocker, or (semaphore without permits) nobody can tell. */
export type Standing =
  | { readonly type: "holds" }
  | { readonly type: "waits"; readonly blocker: Blocker }
  | { readonly type: "unknown" };

/** Sequence order, ties by name, exactly as the SDK's sortBySequence. */
export function compareSlots(a: QueueSlot, b: QueueSlot): number {
  return a.sequence - b.sequence || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Lock, election and a writer: hold when first, else wait for the predecessor. */
function exclusiveStanding(queue: readonly QueueSlot[], index: number): Standing {
  const before = queue[index - 1];
  return before === undefined ? { type: "holds" } : { type: "waits", blocker: { type: "node", name: before.name } };
}

/** A reader: hold unless a writer queued before it; then wait for the last such writer. */
function readerStanding(queue: readonly QueueSlot[], index: number): Standing {
  for (let before = index - 1; before >= 0; before--) {
    const entry = queue[before] as QueueSlot;
    if (entry.prefix === WRITE_PREFIX) return { type: "waits", blocker: { type: "node", name: entry.name } };
  }
  return { type: "holds" };
}

function semaphoreStanding(index: number, permits: number | undefined): Standing {
  if (permits === undefined) return index === 0 ? { type: "holds" } : { type: "unknown" };
  return index < permits ? { type: "holds" } : { type: "waits", blocker: { type: "queueChange" } };
}

/** Whether the contender at `index` of the sorted `queue` holds, and if not what it waits for. */
export function standingOf(rule: QueueRule, queue: readonly QueueSlot[], index: number): Standing {
  switch (rule.recipe) {
    case "lock":
    case "election":
      return exclusiveStanding(queue, index);
    case "rwlock":
      return queue[index]?.prefix === WRITE_PREFIX ? exclusiveStanding(queue, index) : readerStanding(queue, index);
    case "semaphore":
      return semaphoreStanding(index, rule.permits);
    default:
      return unreachable(rule.recipe);
  }
}

/** Whether `permits` is a count the SDK accepts (an integer ≥ 1); anything else counts as unknown. */
export function validPermits(permits: number | undefined): number | undefined {
  return permits !== undefined && Number.isInteger(permits) && permits >= 1 ? permits : undefined;
}

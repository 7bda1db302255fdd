/**
 * A recipe instance's children, as read from the tree, turned into its queue: the sequential
 * nodes with the recipe's prefixes, in the SDK's order, each with who owns it and what it says.
 * Other children (a stray node made by hand, a wrong prefix) take no part, as in the SDK.
 */
import { type HolderMetadata, parseHolderMetadata } from "./holder-metadata.js";
import { compareSlots, type QueueRule, type QueueSlot, type Standing, standingOf } from "./queue-rules.js";
import { isQueuePrefix, parseSequential, recipeDir } from "./recipe-paths.js";

/** One child of a recipe instance: structurally what `node.children` with stats plus `node.get` give. */
export interface RecipeChild {
  readonly name: string;
  readonly stat: {
    readonly czxid: string;
    readonly ctime: number;
    readonly ephemeralOwner: string;
    readonly mzxid?: string;
  };
  /** The node's data as UTF-8; undefined when it was not read. */
  readonly data: string | undefined;
}

/** One contender in a recipe's queue. */
export interface Contender {
  /** The node's full path, e.g. /keel/locks/jobs/lock-0000000007. */
  readonly node: string;
  /** The node's name, e.g. lock-0000000007. */
  readonly name: string;
  readonly prefix: string;
  readonly sequence: number;
  /** The owning session (the node is ephemeral), a decimal string. */
  readonly sessionId: string;
  /** When the node was created (ms): when it queued. */
  readonly since: number;
  /** The czxid of the node, a decimal string: the lease's fencing token (an election's term). */
  readonly fencingToken: string;
  /** The holder metadata in the node's data; undefined when it is not a JSON object. */
  readonly metadata: HolderMetadata | undefined;
}

/** What a waiter waits for: the node ahead that blocks it, or (semaphores) any change of the queue. */
export type WaitTarget = { readonly type: "node"; readonly node: string } | { readonly type: "queueChange" };

export interface Waiter extends Contender {
  readonly waitsFor: WaitTarget;
}

export interface QueueStandings {
  /** Every contender, in queue order. */
  readonly queue: Contender[];
  readonly holders: Contender[];
  readonly waiters: Waiter[];
  /** Contenders whose standing cannot be told (a semaphore whose permits are unknown). */
  readonly unknown: Contender[];
}

function contenderOf(dir: string, child: RecipeChild, slot: QueueSlot): Contender {
  return {
    node: `${dir}/${child.name}`,
    name: child.name,
    prefix: slot.prefix,
    sequence: slot.sequence,
    sessionId: child.stat.ephemeralOwner,
    since: child.stat.ctime,
    fencingToken: child.stat.czxid,
    metadata: parseHolderMetadata(child.data),
  };
}

/** The recipe instance's queue, split into holders, waiters (with their blockers) and the unknown. */
export function queueStandings(rule: QueueRule, name: string, children: readonly RecipeChild[]): QueueStandings {
  const dir = recipeDir(rule.recipe, name);
  const queue: Contender[] = [];
  for (const child of children) {
    const parsed = parseSequential(child.name);
    if (parsed === undefined || !isQueuePrefix(rule.recipe, parsed.prefix)) continue;
    queue.push(contenderOf(dir, child, { name: child.name, ...parsed }));
  }
  queue.sort(compareSlots);
  const holders: Contender[] = [];
  const waiters: Waiter[] = [];
  const unknown: Contender[] = [];
  queue.forEach((contender, index) => {
    const standing: Standing = standingOf(rule, queue, index);
    if (standing.type === "holds") holders.push(contender);
    else if (standing.type === "unknown") unknown.push(contender);
    else {
      const blocker = standing.blocker;
      const waitsFor: WaitTarget =
        blocker.type === "node" ? { type: "node", node: `${dir}/${blocker.name}` } : { type: "queueChange" };
      waiters.push({ ...contender, waitsFor });
    }
  });
  return { queue, holders, waiters, unknown };
}

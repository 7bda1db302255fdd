/**
 * Where the SDK's recipes keep their state and how their queue nodes are named. The contract is
 * docs/client.md, "Where recipes keep their state"; these copy `RECIPE_ROOTS` and the node
 * prefixes of packages/client/src/recipes (core imports nothing from the workspace, so the SDK
 * could import them from here instead).
 */

export const LOCKS_ROOT = "/keel/locks";
export const RWLOCKS_ROOT = "/keel/rwlocks";
export const SEMAPHORES_ROOT = "/keel/semaphores";
export const ELECTIONS_ROOT = "/keel/elections";
export const QUEUES_ROOT = "/keel/queues";
export const COUNTERS_ROOT = "/keel/counters";
export const BARRIERS_ROOT = "/keel/barriers";
export const SERVICES_ROOT = "/keel/services";

export const RECIPE_ROOTS = {
  locks: LOCKS_ROOT,
  rwlocks: RWLOCKS_ROOT,
  semaphores: SEMAPHORES_ROOT,
  elections: ELECTIONS_ROOT,
  queues: QUEUES_ROOT,
  counters: COUNTERS_ROOT,
  barriers: BARRIERS_ROOT,
  services: SERVICES_ROOT,
} as const;

export const LOCK_PREFIX = "lock-";
export const READ_PREFIX = "read-";
export const WRITE_PREFIX = "write-";
export const LEASE_PREFIX = "lease-";
export const CANDIDATE_PREFIX = "candidate-";

/** The recipes that queue contenders as ephemeral-sequential nodes (hold.ts in the SDK). */
export type QueueRecipe = "lock" | "rwlock" | "semaphore" | "election";

/** Each queue recipe's root and the prefixes that take part in its queue. */
export const QUEUE_RECIPES: Readonly<Record<QueueRecipe, { root: string; prefixes: readonly string[] }>> = {
  lock: { root: LOCKS_ROOT, prefixes: [LOCK_PREFIX] },
  rwlock: { root: RWLOCKS_ROOT, prefixes: [READ_PREFIX, WRITE_PREFIX] },
  semaphore: { root: SEMAPHORES_ROOT, prefixes: [LEASE_PREFIX] },
  election: { root: ELECTIONS_ROOT, prefixes: [CANDIDATE_PREFIX] },
};

/**
 * Node names ZooKeeper clients' own recipes use, so locks and elections they keep under Keel's
 * recipe roots show like the SDK's (docs/zookeeper-compat.md, "One model"): kazoo's Lock and
 * Election name nodes `<uuid>__lock__<seq>`, Curator's InterProcessMutex and LeaderSelector
 * `_c_<uuid>-lock-<seq>`, its LeaderLatch `_c_<uuid>-latch-<seq>`. Each orders by sequence alone.
 */
const ZOOKEEPER_CLIENT_PREFIXES: Readonly<Partial<Record<QueueRecipe, RegExp>>> = {
  lock: /(?:__lock__|-lock-)$/,
  election: /(?:__lock__|-lock-|-latch-)$/,
};

/** Whether a sequential node with `prefix` takes part in `recipe`'s queue. */
export function isQueuePrefix(recipe: QueueRecipe, prefix: string): boolean {
  return QUEUE_RECIPES[recipe].prefixes.includes(prefix) || ZOOKEEPER_CLIENT_PREFIXES[recipe]?.test(prefix) === true;
}

/** The directory of one recipe instance, e.g. /keel/locks/jobs. */
export function recipeDir(recipe: QueueRecipe, name: string): string {
  return `${QUEUE_RECIPES[recipe].root}/${name}`;
}

/** ZooKeeper's sequential suffix: always 10 digits. */
const SEQUENCE_DIGITS = 10;

export interface SequentialName {
  readonly prefix: string;
  readonly sequence: number;
}

/** Splits `lock-0000000042` into its prefix and sequence; undefined when it is not sequential. */
export function parseSequential(name: string): SequentialName | undefined {
  if (name.length <= SEQUENCE_DIGITS) return undefined;
  const digits = name.slice(-SEQUENCE_DIGITS);
  if (!/^\d{10}$/.test(digits)) return undefined;
  return { prefix: name.slice(0, -SEQUENCE_DIGITS), sequence: Number(digits) };
}

export interface RecipeNodePath {
  readonly recipe: QueueRecipe;
  /** The instance's name (the directory under the root). */
  readonly name: string;
  /** The queue node's name under the instance, e.g. lock-0000000007. */
  readonly child: string;
}

/** Which queue recipe instance a node path belongs to; undefined for any other path. */
export function parseRecipeNodePath(path: string): RecipeNodePath | undefined {
  for (const recipe of Object.keys(QUEUE_RECIPES) as QueueRecipe[]) {
    const root = `${QUEUE_RECIPES[recipe].root}/`;
    if (!path.startsWith(root)) continue;
    const parts = path.slice(root.length).split("/");
    if (parts.length !== 2 || parts[0] === "" || parts[1] === "") return undefined;
    return { recipe, name: parts[0] as string, child: parts[1] as string };
  }
  return undefined;
}

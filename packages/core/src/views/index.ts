// Views of the SDK's recipes for the console and the CLI: pure derivations from the tree and the audit feed.
export type { Contender, RecipeChild, Waiter, WaitTarget } from "./contenders.js";
export {
  type AuditCause,
  type AuditEntry,
  type HandOff,
  type HandOffKind,
  type HandOffOptions,
  handOffHistory,
} from "./hand-off-history.js";
export { type HolderMetadata, parseHolderMetadata } from "./holder-metadata.js";
export {
  BARRIERS_ROOT,
  CANDIDATE_PREFIX,
  COUNTERS_ROOT,
  ELECTIONS_ROOT,
  LEASE_PREFIX,
  LOCK_PREFIX,
  LOCKS_ROOT,
  parseRecipeNodePath,
  parseSequential,
  QUEUE_RECIPES,
  QUEUES_ROOT,
  type QueueRecipe,
  READ_PREFIX,
  RECIPE_ROOTS,
  type RecipeNodePath,
  RWLOCKS_ROOT,
  recipeDir,
  SEMAPHORES_ROOT,
  SERVICES_ROOT,
  type SequentialName,
  WRITE_PREFIX,
} from "./recipe-paths.js";
export {
  type ElectionLeader,
  type ElectionView,
  electionView,
  type LockView,
  lockView,
  type ReadWriteLockView,
  type RwHolder,
  type RwMode,
  type RwWaiter,
  readWriteLockView,
  type SemaphoreView,
  semaphoreView,
} from "./recipe-views.js";

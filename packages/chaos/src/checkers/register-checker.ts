/**
 * The register workload's linearizability checker. The history is split by key and each key is
 * checked on its own (P-compositionality: a history is linearizable iff each object's is), which
 * keeps the search small. Before the search, operations that provably had no effect are dropped:
 * `fail` (the server said it did not happen) and `unknown` reads (they change nothing).
 */
import assert from "node:assert/strict";
import type { History, Operation, RegisterOp } from "../history.js";
import { explainRegisterFailure } from "./explain-register-failure.js";
import {
  type SearchBudget,
  type SearchOperation,
  type SearchResult,
  searchLinearization,
} from "./linearizability-search.js";
import {
  createRegisterModel,
  type InternedRegisterState,
  type RegisterModel,
  type RegisterState,
} from "./register-model.js";

export interface RegisterCheckOptions {
  /** Per key: search steps (tries plus backtracks) before answering `unknown`. */
  readonly searchStepsMax?: number;
  /** Per key: estimated bytes of memoised configurations (each a bitset of the key's operations). */
  readonly cacheBytesMax?: number;
}

/** Generous for thousands of operations per key; pathological histories stop instead of hanging. */
export const defaultRegisterCheckBudget: SearchBudget = { stepsMax: 20_000_000, cacheBytesMax: 256 * 1024 * 1024 };

export interface RegisterLinearizationStep {
  readonly operation: Operation<RegisterOp>;
  readonly stateAfter: RegisterState;
}

export type RegisterCheckResult =
  | {
      readonly type: "valid";
      readonly valid: true;
      readonly keys: number;
      /** Operations in the history, and how many of them the search had to place. */
      readonly operations: number;
      readonly operationsChecked: number;
    }
  | {
      readonly type: "invalid";
      readonly valid: false;
      /** The first invalid key (in sorted order); `invalidKeys` lists them all. */
      readonly key: string;
      readonly invalidKeys: readonly string[];
      /** One line a person can act on. */
      readonly message: string;
      /** The operation that could not be linearized. */
      readonly operation: Operation<RegisterOp>;
      /** The longest linearizable prefix of the key's history the search found, in order. */
      readonly prefix: readonly RegisterLinearizationStep[];
      /** Operations overlapping `operation` in time (in the prefix or not): the ones free to reorder. */
      readonly concurrent: readonly Operation<RegisterOp>[];
      /** The register states `operation` was tried in (and rejected by). */
      readonly allowedStates: readonly RegisterState[];
      readonly keys: number;
      readonly operations: number;
    }
  | {
      readonly type: "unknown";
      readonly valid: "unknown";
      readonly reason: "search budget exceeded";
      readonly key: string;
      readonly keys: number;
      readonly operations: number;
    };

type InvalidKey = Omit<Extract<RegisterCheckResult, { type: "invalid" }>, "invalidKeys" | "keys" | "operations">;
type KeyVerdict = { readonly type: "valid" } | { readonly type: "unknown" } | InvalidKey;

export function checkRegisterHistory(history: History, options: RegisterCheckOptions = {}): RegisterCheckResult {
  const budget: SearchBudget = {
    stepsMax: options.searchStepsMax ?? defaultRegisterCheckBudget.stepsMax,
    cacheBytesMax: options.cacheBytesMax ?? defaultRegisterCheckBudget.cacheBytesMax,
  };
  const byKey = partitionByKey(history);
  const keys = [...byKey.keys()].sort();
  const invalid: InvalidKey[] = [];
  let unknownKey: string | undefined;
  let operationsChecked = 0;
  for (const key of keys) {
    const keyOperations = byKey.get(key) ?? [];
    operationsChecked += keyOperations.length;
    const verdict = checkKey(key, keyOperations, budget);
    if (verdict.type === "invalid") invalid.push(verdict);
    else if (verdict.type === "unknown") unknownKey ??= key;
  }
  const counts = { keys: keys.length, operations: history.length };
  const [first] = invalid;
  if (first !== undefined) return { ...first, invalidKeys: invalid.map((verdict) => verdict.key), ...counts };
  if (unknownKey !== undefined) {
    return { type: "unknown", valid: "unknown", reason: "search budget exceeded", key: unknownKey, ...counts };
  }
  return { type: "valid", valid: true, ...counts, operationsChecked };
}

/** Groups by key, keeping only operations that may have had an effect, in invoke order. */
function partitionByKey(history: History): Map<string, Operation<RegisterOp>[]> {
  const byKey = new Map<string, Operation<RegisterOp>[]>();
  for (const operation of history) {
    assertWellFormed(operation);
    const list = byKey.get(operation.key) ?? [];
    byKey.set(operation.key, list);
    if (operation.outcome === "fail") continue;
    if (operation.outcome === "unknown" && operation.op.f === "read") continue;
    list.push(operation);
  }
  for (const list of byKey.values()) list.sort((a, b) => a.invokeMs - b.invokeMs || a.id - b.id);
  return byKey;
}

function assertWellFormed(operation: Operation<RegisterOp>): void {
  if (operation.outcome !== "ok") return;
  assert.ok(operation.completeMs !== undefined, `ok operation #${operation.id} has no completeMs`);
  assert.ok(
    operation.completeMs >= operation.invokeMs,
    `operation #${operation.id} completes at ${operation.completeMs} ms, before its invoke at ${operation.invokeMs} ms`,
  );
}

function checkKey(key: string, keyOperations: readonly Operation<RegisterOp>[], budget: SearchBudget): KeyVerdict {
  const model = createRegisterModel(keyOperations);
  const result = searchLinearization(toSearchOperations(keyOperations), model, budget);
  switch (result.type) {
    case "linearizable":
      return { type: "valid" };
    case "budget-exceeded":
      return { type: "unknown" };
    case "not-linearizable":
      return describeFailure(key, keyOperations, model, result);
    default:
      throw new Error(`unexpected search result ${JSON.stringify(result)}`);
  }
}

function toSearchOperations(keyOperations: readonly Operation<RegisterOp>[]): SearchOperation[] {
  const interchangeClassOf = interchangeClasses(keyOperations);
  return keyOperations.map((operation) => {
    const interchangeClass = interchangeClassOf(operation);
    return {
      invokeMs: operation.invokeMs,
      // An unknown outcome may take effect at any time after its invoke, or never.
      completeMs: completeMsOrInfinity(operation),
      definite: operation.outcome === "ok",
      ...(interchangeClass === undefined ? {} : { interchangeClass }),
    };
  });
}

/** Maps the search's dead end back to operations, states and a sentence. */
function describeFailure(
  key: string,
  keyOperations: readonly Operation<RegisterOp>[],
  model: RegisterModel,
  result: Extract<SearchResult<InternedRegisterState>, { type: "not-linearizable" }>,
): InvalidKey {
  const operation = keyOperations[result.culprit];
  assert.ok(operation !== undefined, "culprit index out of range");
  const prefix = result.longestPrefix.map((step) => {
    const stepOperation = keyOperations[step.index];
    assert.ok(stepOperation !== undefined, "prefix index out of range");
    return { operation: stepOperation, stateAfter: model.toRegisterState(step.stateAfter) };
  });
  const allowedStates = result.rejectedStates
    .map((state) => model.toRegisterState(state))
    .sort((a, b) => a.version - b.version || a.value.localeCompare(b.value));
  const concurrent = keyOperations.filter((other) => other !== operation && overlaps(other, operation));
  const message = explainRegisterFailure({
    key,
    culprit: operation,
    allowedStates,
    allowedStatesTruncated: result.rejectedStatesTruncated,
    culpritEverAccepted: result.culpritEverAccepted,
    keyOperations,
  });
  return { type: "invalid", valid: false, key, message, operation, prefix, concurrent, allowedStates };
}

/**
 * Unknown writes whose value no read returned are interchangeable: whichever of them took effect,
 * every later operation sees the same version and no read can tell the values apart. Unknown cas
 * operations are too, among those expecting the same version. Without this, k such writes pending
 * at once make the search try all 2^k subsets of them.
 */
function interchangeClasses(
  keyOperations: readonly Operation<RegisterOp>[],
): (operation: Operation<RegisterOp>) => number | undefined {
  const observed = new Set<string>();
  for (const { op, outcome } of keyOperations)
    if (outcome === "ok" && op.f === "read" && op.value !== undefined) observed.add(op.value);
  const casClasses = new Map<number, number>();
  return ({ op, outcome }) => {
    if (outcome !== "unknown" || op.f === "read" || observed.has(op.value)) return undefined;
    if (op.f === "write") return 0;
    let casClass = casClasses.get(op.expectedVersion);
    if (casClass === undefined) {
      casClass = casClasses.size + 1;
      casClasses.set(op.expectedVersion, casClass);
    }
    return casClass;
  };
}

function completeMsOrInfinity(operation: Operation<RegisterOp>): number {
  return operation.outcome === "ok" ? (operation.completeMs ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY;
}

function overlaps(a: Operation<RegisterOp>, b: Operation<RegisterOp>): boolean {
  return a.invokeMs <= completeMsOrInfinity(b) && b.invokeMs <= completeMsOrInfinity(a);
}

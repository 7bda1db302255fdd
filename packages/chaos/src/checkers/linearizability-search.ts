/**
 * Wing & Gong's linearizability search with Lowe's memoisation ("just-in-time linearisation"), the
 * algorithm behind Knossos's `wgl` and Porcupine, for the operations on ONE object.
 *
 * The history becomes a time-ordered doubly linked list of call and return entries. The search walks
 * it from the head: at a call entry it tries to linearize that operation now (the model must accept
 * it, and the pair (linearized set, new state) must be new to the cache), lifting its call and return
 * out of the list; at a return entry the operation it closes was not linearized before its response,
 * so the last choice is undone (unlift) and the next candidate tried. Operations with an unknown
 * outcome return at +∞, so they may be linearized anywhere after their invoke; the search succeeds
 * once every definite operation is linearized, leaving the unknown rest out ("never happened").
 */
import assert from "node:assert/strict";

/** One operation as the search sees it: its interval and whether it must take effect. */
export interface SearchOperation {
  readonly invokeMs: number;
  /** +∞ for an operation with an unknown outcome. */
  readonly completeMs: number;
  /** False for unknown outcomes: the search may leave them out. */
  readonly definite: boolean;
  /**
   * Operations of one class (a small integer) are interchangeable: swapping which of them takes
   * effect changes nothing any other operation can observe, and none has a return to meet. Only
   * the earliest pending one of a class is then tried, which turns the 2^k subsets of k pending
   * unknown writes into k+1 prefixes. Only for non-definite operations. A wrong class can hide a
   * linearization (a false alarm, never a missed anomaly): leave it undefined when unsure.
   */
  readonly interchangeClass?: number;
}

/** The sequential specification: a pure state machine over operation indices. */
export interface SearchModel<State> {
  readonly initial: State;
  /** The state after applying operation `index`, or undefined if the model forbids it in `state`. */
  step(state: State, index: number): State | undefined;
  hash(state: State): number;
  equal(a: State, b: State): boolean;
  /**
   * False if operation `index` can never be linearized from `state` or any state after it (for a
   * register: its version is already past the one the operation saw). Optional, and only consulted
   * when placing a non-definite operation; like `interchangeClass`, an error can only cause false alarms.
   */
  viable?(state: State, index: number): boolean;
}

export interface SearchBudget {
  /** Loop iterations (tries plus backtracks) before giving up with `budget-exceeded`. */
  readonly stepsMax: number;
  /** Estimated memory of the memoised configurations (each holds a compact form of its linearized set). */
  readonly cacheBytesMax: number;
}

export interface LinearizationStep<State> {
  readonly index: number;
  readonly stateAfter: State;
}

export type SearchResult<State> =
  | { readonly type: "linearizable"; readonly order: readonly LinearizationStep<State>[]; readonly steps: number }
  | {
      readonly type: "not-linearizable";
      /** The longest linearizable prefix the search reached before a dead end, in order. */
      readonly longestPrefix: readonly LinearizationStep<State>[];
      /** The operation whose response came before it could be linearized, at that deepest dead end. */
      readonly culprit: number;
      /** Distinct states the culprit was tried in and rejected by the model (capped sample). */
      readonly rejectedStates: readonly State[];
      /** More states were rejected than `rejectedStates` holds. */
      readonly rejectedStatesTruncated: boolean;
      /** Whether the model ever accepted the culprit somewhere (then the conflict is with later ops). */
      readonly culpritEverAccepted: boolean;
      readonly steps: number;
    }
  | { readonly type: "budget-exceeded"; readonly steps: number; readonly cacheBytes: number };

/** How many distinct rejected states each operation remembers for the explanation. */
const rejectedStatesPerOperationMax = 6;

/** A rough per-configuration cost beyond the bitset, for the memory budget. */
const cacheEntryOverheadBytes = 120;

const callKind = 0;
const returnKind = 1;

interface EntryList {
  /** Entry index → operation index. */
  readonly operation: Int32Array;
  readonly kind: Uint8Array;
  /** Call entry → its return entry. */
  readonly match: Int32Array;
  /** Links; index `head` is the sentinel. */
  readonly next: Int32Array;
  readonly prev: Int32Array;
  /** A second list through the return entries only, so the earliest pending return is O(1). */
  readonly returnNext: Int32Array;
  readonly returnPrev: Int32Array;
  readonly head: number;
}

/** Sorts the call and return events by time; at equal times calls go first (treated as concurrent). */
function buildEntryList(operations: readonly SearchOperation[]): EntryList {
  const events: { time: number; kind: number; operation: number }[] = [];
  operations.forEach((op, index) => {
    assert.ok(op.completeMs >= op.invokeMs, `operation ${index} completes before it is invoked`);
    events.push({ time: op.invokeMs, kind: callKind, operation: index });
    events.push({ time: op.completeMs, kind: returnKind, operation: index });
  });
  events.sort((a, b) => a.time - b.time || a.kind - b.kind || a.operation - b.operation);
  const count = events.length;
  const head = count;
  const list: EntryList = {
    operation: new Int32Array(count),
    kind: new Uint8Array(count),
    match: new Int32Array(count).fill(-1),
    next: new Int32Array(count + 1),
    prev: new Int32Array(count + 1),
    returnNext: new Int32Array(count + 1),
    returnPrev: new Int32Array(count + 1),
    head,
  };
  const callEntryOf = new Int32Array(operations.length);
  events.forEach((event, entry) => {
    list.operation[entry] = event.operation;
    list.kind[entry] = event.kind;
    if (event.kind === callKind) callEntryOf[event.operation] = entry;
    else list.match[callEntryOf[event.operation] ?? -1] = entry;
  });
  // Circular list through the sentinel, so every link is a valid index.
  for (let entry = 0; entry < count; entry++) {
    list.next[entry] = entry + 1 < count ? entry + 1 : head;
    list.prev[entry] = entry > 0 ? entry - 1 : head;
  }
  list.next[head] = count > 0 ? 0 : head;
  list.prev[head] = count > 0 ? count - 1 : head;
  let previousReturn = head;
  for (let entry = 0; entry < count; entry++) {
    if (list.kind[entry] !== returnKind) continue;
    list.returnNext[previousReturn] = entry;
    list.returnPrev[entry] = previousReturn;
    previousReturn = entry;
  }
  list.returnNext[previousReturn] = head;
  list.returnPrev[head] = previousReturn;
  return list;
}

function unlink(list: EntryList, entry: number): void {
  const prev = list.prev[entry] ?? -1;
  const next = list.next[entry] ?? -1;
  list.next[prev] = next;
  list.prev[next] = prev;
}

/** Lifts an operation out of both lists: its call and its return. */
function lift(list: EntryList, call: number): void {
  const ret = list.match[call] ?? -1;
  unlink(list, call);
  unlink(list, ret);
  const prev = list.returnPrev[ret] ?? -1;
  const next = list.returnNext[ret] ?? -1;
  list.returnNext[prev] = next;
  list.returnPrev[next] = prev;
}

/** Undoes `lift`; lifts must be undone in reverse order (the search's stack guarantees it). */
function unlift(list: EntryList, call: number): void {
  const ret = list.match[call] ?? -1;
  list.returnNext[list.returnPrev[ret] ?? -1] = ret;
  list.returnPrev[list.returnNext[ret] ?? -1] = ret;
  relink(list, ret);
  relink(list, call);
}

function relink(list: EntryList, entry: number): void {
  list.next[list.prev[entry] ?? -1] = entry;
  list.prev[list.next[entry] ?? -1] = entry;
}

/**
 * Memoised configurations: Zobrist hash of the linearized set combined with the state's hash. A
 * set is stored compactly: operations linearize roughly in history order, so its bitset is all
 * ones up to some word, then a few sparse words, then zeros. Keeping only the middle part (and
 * where it starts) makes an entry a few words instead of n/32 of them, which is what lets a
 * 10-minute history (tens of thousands of operations per key) fit the memory budget.
 */
class ConfigurationCache<State> {
  private readonly buckets = new Map<number, { set: CompactSet; state: State }[]>();
  /** Estimated: the compact set plus the bucket slot, the entry object and the state. */
  bytes = 0;

  constructor(private readonly model: SearchModel<State>) {}

  /** Adds the configuration; false if it was already there (that subtree was already explored). */
  add(setHash: number, bits: Uint32Array, state: State): boolean {
    const key = (setHash ^ Math.imul(this.model.hash(state), 0x9e3779b1)) | 0;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = [];
      this.buckets.set(key, bucket);
    }
    const set = compactSet(bits);
    for (const seen of bucket) {
      if (this.model.equal(seen.state, state) && sameCompactSet(seen.set, set)) return false;
    }
    bucket.push({ set, state });
    this.bytes += set.words.byteLength + cacheEntryOverheadBytes;
    return true;
  }
}

/** A bitset as (index of its first word that is not all ones, the words from there to its last non-zero word). */
interface CompactSet {
  readonly fullWords: number;
  readonly words: Uint32Array;
}

/** Canonical: two bitsets of one length are equal exactly when their compact forms are. */
function compactSet(bits: Uint32Array): CompactSet {
  let first = 0;
  while (first < bits.length && bits[first] === 0xffffffff) first++;
  let last = bits.length - 1;
  while (last >= first && bits[last] === 0) last--;
  return { fullWords: first, words: bits.slice(first, last + 1) };
}

function sameCompactSet(a: CompactSet, b: CompactSet): boolean {
  if (a.fullWords !== b.fullWords || a.words.length !== b.words.length) return false;
  for (let i = 0; i < a.words.length; i++) if (a.words[i] !== b.words[i]) return false;
  return true;
}

/** Deterministic per-operation hash words (splitmix32), so runs and reports are reproducible. */
function zobristWords(count: number): Int32Array {
  const words = new Int32Array(count);
  let seed = 0x2545f491;
  for (let i = 0; i < count; i++) {
    seed = (seed + 0x9e3779b9) | 0;
    let z = seed;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    words[i] = z ^ (z >>> 16);
  }
  return words;
}

interface Frame<State> {
  readonly entry: number;
  readonly stateBefore: State;
  readonly stateAfter: State;
}

function toSteps<State>(list: EntryList, stack: readonly Frame<State>[]): LinearizationStep<State>[] {
  return stack.map((frame) => ({ index: list.operation[frame.entry] ?? -1, stateAfter: frame.stateAfter }));
}

/** Remembers, per operation, a few distinct states the model rejected it in (for the explanation). */
class RejectionLog<State> {
  private readonly states = new Map<number, State[]>();
  private readonly truncated = new Set<number>();
  readonly accepted = new Set<number>();

  constructor(private readonly model: SearchModel<State>) {}

  reject(index: number, state: State): void {
    let states = this.states.get(index);
    if (states === undefined) {
      states = [];
      this.states.set(index, states);
    }
    if (states.some((seen) => this.model.equal(seen, state))) return;
    if (states.length < rejectedStatesPerOperationMax) states.push(state);
    else this.truncated.add(index);
  }

  /** Whether more distinct states were rejected than remembered. */
  isTruncated(index: number): boolean {
    return this.truncated.has(index);
  }

  rejectedStates(index: number): readonly State[] {
    return this.states.get(index) ?? [];
  }
}

export function searchLinearization<State>(
  operations: readonly SearchOperation[],
  model: SearchModel<State>,
  budget: SearchBudget,
): SearchResult<State> {
  return new Search(operations, model).run(budget);
}

/**
 * Marks which interchange classes the current scan of the list has passed. A scan restarts at the
 * head after each linearization; after a backtrack it resumes mid-list, so the marks are rebuilt
 * by walking from the head to the resume point.
 */
class ClassPass {
  private readonly classOf: Int32Array;
  private readonly stamp: Int32Array;
  private pass = 0;

  constructor(operations: readonly SearchOperation[]) {
    this.classOf = Int32Array.from(operations, (op, index) => {
      // A definite operation has a return to meet, so it is never interchangeable with another.
      assert.ok(op.interchangeClass === undefined || !op.definite, `definite operation ${index} has a class`);
      return op.interchangeClass ?? -1;
    });
    const classCount = this.classOf.reduce((max, c) => Math.max(max, c), -1) + 1;
    this.stamp = new Int32Array(classCount).fill(-1);
  }

  restart(): void {
    this.pass++;
  }

  /** Marks the operation's class; false if an earlier pending one of the class came first. */
  visit(index: number): boolean {
    const c = this.classOf[index] ?? -1;
    if (c < 0) return true;
    if (this.stamp[c] === this.pass) return false;
    this.stamp[c] = this.pass;
    return true;
  }

  /** Re-marks the classes of the call entries from the head up to and including `until`. */
  replay(list: EntryList, until: number): void {
    this.restart();
    for (let entry = list.next[list.head] ?? list.head; entry !== list.head; entry = list.next[entry] ?? list.head) {
      if (list.kind[entry] === callKind) this.visit(list.operation[entry] ?? -1);
      if (entry === until) return;
    }
  }
}

class Search<State> {
  private readonly list: EntryList;
  private readonly words: Int32Array;
  private readonly bits: Uint32Array;
  private readonly cache: ConfigurationCache<State>;
  private readonly log: RejectionLog<State>;
  private readonly classes: ClassPass;
  private readonly stack: Frame<State>[] = [];
  private readonly definiteTotal: number;
  private definiteRemaining: number;
  private state: State;
  private setHash = 0;
  private deepest: { prefix: LinearizationStep<State>[]; culprit: number; definitePlaced: number } | undefined;

  constructor(
    private readonly operations: readonly SearchOperation[],
    private readonly model: SearchModel<State>,
  ) {
    this.list = buildEntryList(operations);
    this.words = zobristWords(operations.length);
    this.bits = new Uint32Array(Math.ceil(operations.length / 32));
    this.cache = new ConfigurationCache(model);
    this.log = new RejectionLog(model);
    this.classes = new ClassPass(operations);
    this.definiteTotal = operations.filter((op) => op.definite).length;
    this.definiteRemaining = this.definiteTotal;
    this.state = model.initial;
  }

  run(budget: SearchBudget): SearchResult<State> {
    const { list } = this;
    let steps = 0;
    let entry = list.next[list.head] ?? list.head;
    while (this.definiteRemaining > 0) {
      steps++;
      if (steps > budget.stepsMax || this.cache.bytes > budget.cacheBytesMax) {
        return { type: "budget-exceeded", steps, cacheBytes: this.cache.bytes };
      }
      // With definite operations left, a finite return entry always precedes the +∞ ones.
      assert.ok(entry !== list.head, "walked off the entry list with definite operations left");
      if (list.kind[entry] === callKind) {
        entry = this.tryLinearize(entry) ? (list.next[list.head] ?? list.head) : (list.next[entry] ?? list.head);
        continue;
      }
      // A return entry: its operation responded before we linearized it, so undo the last choice.
      this.noteDeadEnd(list.operation[entry] ?? -1);
      const resumeAfter = this.backtrack();
      if (resumeAfter === undefined) break;
      entry = list.next[resumeAfter] ?? list.head;
    }
    if (this.definiteRemaining === 0) {
      return { type: "linearizable", order: toSteps(list, this.stack), steps };
    }
    const deepest = this.deepest;
    assert.ok(deepest !== undefined, "search failed without reaching a dead end");
    return {
      type: "not-linearizable",
      longestPrefix: deepest.prefix,
      culprit: deepest.culprit,
      rejectedStates: this.log.rejectedStates(deepest.culprit),
      rejectedStatesTruncated: this.log.isTruncated(deepest.culprit),
      culpritEverAccepted: this.log.accepted.has(deepest.culprit),
      steps,
    };
  }

  /** Linearizes the call entry's operation now if the model allows it and it leads somewhere new. */
  private tryLinearize(entry: number): boolean {
    const { list, bits } = this;
    const index = list.operation[entry] ?? -1;
    if (!this.classes.visit(index)) return false;
    const next = this.model.step(this.state, index);
    if (next === undefined) {
      this.log.reject(index, this.state);
      return false;
    }
    this.log.accepted.add(index);
    const word = index >>> 5;
    const mask = 1 << (index & 31);
    bits[word] = (bits[word] ?? 0) | mask;
    const nextHash = this.setHash ^ (this.words[index] ?? 0);
    if (this.strandsDeadline(index, next) || !this.cache.add(nextHash, bits, next)) {
      bits[word] = (bits[word] ?? 0) & ~mask;
      return false;
    }
    this.stack.push({ entry, stateBefore: this.state, stateAfter: next });
    this.state = next;
    this.setHash = nextHash;
    if (this.operations[index]?.definite) this.definiteRemaining--;
    lift(list, entry);
    this.classes.restart();
    return true;
  }

  /**
   * An optional (unknown) operation must not make the pending operation that returns first
   * impossible: without this, k pending unknown writes are stacked k deep before every dead end.
   * Definite operations are not pruned here, so the dead end (and the report) stays theirs.
   */
  private strandsDeadline(index: number, next: State): boolean {
    const { list, model } = this;
    if (model.viable === undefined || this.operations[index]?.definite) return false;
    const firstReturn = list.returnNext[list.head] ?? list.head;
    if (firstReturn === list.head) return false;
    const deadline = list.operation[firstReturn] ?? -1;
    return this.operations[deadline]?.definite === true && !model.viable(next, deadline);
  }

  /** Undoes the last linearization; returns the entry to resume after, or undefined if none is left. */
  private backtrack(): number | undefined {
    const { list, bits } = this;
    const frame = this.stack.pop();
    if (frame === undefined) return undefined;
    const undone = list.operation[frame.entry] ?? -1;
    unlift(list, frame.entry);
    bits[undone >>> 5] = (bits[undone >>> 5] ?? 0) & ~(1 << (undone & 31));
    this.setHash ^= this.words[undone] ?? 0;
    this.state = frame.stateBefore;
    if (this.operations[undone]?.definite) this.definiteRemaining++;
    this.classes.replay(list, frame.entry);
    return frame.entry;
  }

  /**
   * Keeps the deepest dead end for the report: the most definite operations placed and, among
   * equals, the fewest optional (unknown) ones, so the prefix carries no write it did not need.
   */
  private noteDeadEnd(culprit: number): void {
    const definitePlaced = this.definiteTotal - this.definiteRemaining;
    const deepest = this.deepest;
    if (
      deepest === undefined ||
      definitePlaced > deepest.definitePlaced ||
      (definitePlaced === deepest.definitePlaced && this.stack.length < deepest.prefix.length)
    ) {
      this.deepest = { prefix: toSteps(this.list, this.stack), culprit, definitePlaced };
    }
  }
}

/**
 * Known-valid register histories for testing checkers: a sequential simulation of the registers
 * picks each operation's effect at a linearization point, then widens it into a random interval
 * around that point, so operations overlap but the history is linearizable by construction.
 * Seeded, so a failing seed replays exactly.
 */
import type { History, Operation, Outcome, RegisterOp } from "../history.js";
import { initialRegisterState, type RegisterState } from "./register-model.js";

export interface RandomRegisterHistoryOptions {
  readonly seed: number;
  readonly operations: number;
  readonly processes: number;
  readonly keys: readonly string[];
  /** How far invoke and complete may lie from the linearization point (points are ~1 ms apart). */
  readonly spreadMs?: number;
  /** Fraction of operations that end `unknown` (half of those writes and cases take effect). */
  readonly unknownRate?: number;
}

/** mulberry32: small, fast and good enough for test data. */
export function seededRandom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Draft = Omit<Operation, "id">;

export function randomRegisterHistory(options: RandomRegisterHistoryOptions): History {
  const random = seededRandom(options.seed);
  const spreadMs = options.spreadMs ?? 4;
  const unknownRate = options.unknownRate ?? 0;
  const states = new Map<string, RegisterState>(options.keys.map((key) => [key, initialRegisterState]));
  // Slot → [process id, busy until]; a process with an unknown outcome is retired, as in Jepsen.
  const slots = Array.from({ length: options.processes }, (_, slot) => ({ process: slot, busyUntilMs: -1 }));
  let nextProcess = options.processes;
  const drafts: Draft[] = [];
  let pointMs = spreadMs;
  for (let n = 0; n < options.operations; n++) {
    pointMs += 0.2 + random() * 1.6;
    const invokeMs = round(pointMs - random() * spreadMs);
    const completeMs = round(pointMs + random() * spreadMs);
    const free = slots.filter((slot) => slot.busyUntilMs < invokeMs);
    const slot = free[Math.floor(random() * free.length)];
    if (slot === undefined) continue;
    const key = options.keys[Math.floor(random() * options.keys.length)] ?? "";
    const state = states.get(key) ?? initialRegisterState;
    const unknown = random() < unknownRate;
    const effect = simulate(state, random, `${key}#${n}`);
    const applied = effect.outcome === "ok" && (!unknown || random() < 0.5);
    if (applied) states.set(key, effect.stateAfter);
    const outcome: Outcome = unknown ? "unknown" : effect.outcome;
    const op = unknown ? withoutResponse(effect.op) : effect.op;
    drafts.push({
      process: slot.process,
      key,
      op,
      invokeMs,
      completeMs: unknown ? undefined : completeMs,
      outcome,
      ...(outcome === "fail" ? { error: "BADVERSION" } : unknown ? { error: "timeout" } : {}),
    });
    slot.busyUntilMs = completeMs;
    if (unknown) slot.process = nextProcess++;
  }
  drafts.sort((a, b) => a.invokeMs - b.invokeMs);
  return drafts.map((draft, id) => ({ id, ...draft }));
}

interface Effect {
  readonly op: RegisterOp;
  readonly outcome: Outcome;
  readonly stateAfter: RegisterState;
}

/** One operation applied to the sequential register: what the server would answer. */
function simulate(state: RegisterState, random: () => number, value: string): Effect {
  const dice = random();
  const written: RegisterState = { value, version: state.version + 1 };
  if (dice < 0.4)
    return { op: { f: "read", value: state.value, version: state.version }, outcome: "ok", stateAfter: state };
  if (dice < 0.7) return { op: { f: "write", value, version: written.version }, outcome: "ok", stateAfter: written };
  // Mostly the current version (a winner), sometimes an older one (BADVERSION).
  const expectedVersion = random() < 0.6 ? state.version : Math.max(0, state.version - 1 - Math.floor(random() * 2));
  if (expectedVersion !== state.version) {
    return { op: { f: "cas", expectedVersion, value }, outcome: "fail", stateAfter: state };
  }
  return { op: { f: "cas", expectedVersion, value, version: written.version }, outcome: "ok", stateAfter: written };
}

/** An unknown outcome carries only what was sent. */
function withoutResponse(op: RegisterOp): RegisterOp {
  switch (op.f) {
    case "read":
      return { f: "read" };
    case "write":
      return { f: "write", value: op.value };
    case "cas":
      return { f: "cas", expectedVersion: op.expectedVersion, value: op.value };
    default:
      return op;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

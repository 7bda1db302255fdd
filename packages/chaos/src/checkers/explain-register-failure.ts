/**
 * Turns the search's dead end into one sentence a person can act on: which operation could not be
 * linearized, what the register could hold when it ran, and the likely anomaly (stale read, lost
 * write, cas on the wrong version, a value never written, a version that disagrees with its value,
 * an effect before its cause).
 */
import type { Operation, RegisterOp } from "../history.js";
import { formatMs, formatState } from "./format-history.js";
import type { RegisterState } from "./register-model.js";

export interface RegisterFailure {
  readonly key: string;
  /** The operation the search could not linearize. */
  readonly culprit: Operation<RegisterOp>;
  /** The states the culprit was tried in and rejected (what the linearizations allowed). */
  readonly allowedStates: readonly RegisterState[];
  /** More states were possible than `allowedStates` lists. */
  readonly allowedStatesTruncated: boolean;
  /** The model accepted the culprit somewhere, but then the rest of the history did not fit. */
  readonly culpritEverAccepted: boolean;
  /** Every checked operation on the key (fails and unknown reads already dropped). */
  readonly keyOperations: readonly Operation<RegisterOp>[];
}

export function explainRegisterFailure(failure: RegisterFailure): string {
  const { culprit } = failure;
  const { op } = culprit;
  const where = `${op.f} of ${failure.key} by p${culprit.process} at [${formatMs(culprit.invokeMs)}, ${formatMs(culprit.completeMs)}] ms`;
  const allowed = describeAllowed(failure);
  switch (op.f) {
    case "read":
      return `${where} returned ${describeRead(op)}, but ${allowed}: ${classifyRead(failure, op)}`;
    case "write":
      return `${where} of ${JSON.stringify(op.value)} reported version ${op.version ?? "?"}, but ${allowed}: a write whose reported version skips or repeats one`;
    case "cas":
      return `${where} expecting version ${op.expectedVersion} → ${JSON.stringify(op.value)} reported ok${op.version === undefined ? "" : ` (version ${op.version})`}, but ${allowed}: ${classifyCas(failure, op.expectedVersion)}`;
    default:
      return `${where} could not be linearized`;
  }
}

function describeRead(op: { readonly value?: string; readonly version?: number }): string {
  if (op.value === undefined) return `version ${op.version ?? "?"}`;
  return op.version === undefined ? JSON.stringify(op.value) : formatState({ value: op.value, version: op.version });
}

function describeAllowed(failure: RegisterFailure): string {
  const more = failure.allowedStatesTruncated ? " or others" : "";
  const states = `${failure.allowedStates.map(formatState).join(" or ")}${more}`;
  if (failure.allowedStates.length === 0) return "no linearization reaches it";
  return failure.culpritEverAccepted
    ? `where it fits, the rest of the history does not (elsewhere the register held ${states})`
    : `every linearization allows only ${states}`;
}

function classifyCas(failure: RegisterFailure, expectedVersion: number): string {
  const matched = failure.allowedStates.some((state) => state.version === expectedVersion);
  return matched ? "a cas whose reported version is wrong" : "a cas that reported ok on the wrong version";
}

type ReadOp = Extract<RegisterOp, { f: "read" }>;

/** The most specific anomaly first: each later test assumes the earlier ones failed. */
function classifyRead(failure: RegisterFailure, read: ReadOp): string {
  const { culprit, keyOperations, allowedStates } = failure;
  if (read.value === undefined) return "a read whose version no order explains";
  const writers = keyOperations.filter((operation) => operation.op.f !== "read" && operation.op.value === read.value);
  const initial = read.value === "";
  if (writers.length === 0 && !initial) return "a read of a value never written";
  const readCompleteMs = culprit.completeMs ?? Number.POSITIVE_INFINITY;
  if (!initial && writers.every((writer) => writer.invokeMs > readCompleteMs)) {
    const firstInvokeMs = Math.min(...writers.map((writer) => writer.invokeMs));
    return `the write of ${JSON.stringify(read.value)} began at ${formatMs(firstInvokeMs)} ms, after this read returned: a write that appears to take effect before it was invoked`;
  }
  if (read.version !== undefined && versionDisagrees(writers, allowedStates, read.value, read.version)) {
    return "the read's version disagrees with its value";
  }
  const minAllowed = Math.min(...allowedStates.map((state) => state.version));
  if (read.version !== undefined && read.version < minAllowed) return `a stale read${lostWriteHint(failure, read)}`;
  return "no order of the operations concurrent with it explains this value";
}

function versionDisagrees(
  writers: readonly Operation<RegisterOp>[],
  allowedStates: readonly RegisterState[],
  value: string,
  version: number,
): boolean {
  const reported = writers.flatMap((writer) =>
    writer.outcome === "ok" && writer.op.version !== undefined ? [writer.op.version] : [],
  );
  if (reported.length > 0 && reported.length === writers.length && !reported.includes(version)) return true;
  return allowedStates.some((state) => state.version === version && state.value !== value);
}

/** Names the latest acknowledged write that finished before the read began, if the read missed it. */
function lostWriteHint(failure: RegisterFailure, read: ReadOp): string {
  const readInvokeMs = failure.culprit.invokeMs;
  const missed = failure.keyOperations
    .filter(
      (operation) =>
        operation.op.f !== "read" &&
        operation.outcome === "ok" &&
        operation.op.value !== read.value &&
        (operation.completeMs ?? Number.POSITIVE_INFINITY) < readInvokeMs,
    )
    .sort((a, b) => (b.completeMs ?? 0) - (a.completeMs ?? 0))[0];
  if (missed === undefined) return "";
  return ` (the ${missed.op.f} of ${JSON.stringify(missed.op.value)} by p${missed.process}, acknowledged at ${formatMs(missed.completeMs)} ms before this read began, is not visible: stale or lost)`;
}

/** Plain-text rendering of register operations and states, for checker messages and reports. */
import type { Operation, RegisterOp } from "../history.js";
import type { RegisterState } from "./register-model.js";

export function formatMs(ms: number | undefined): string {
  return ms === undefined || !Number.isFinite(ms) ? "?" : ms.toFixed(1);
}

export function formatState(state: RegisterState): string {
  return `${JSON.stringify(state.value)} (version ${state.version})`;
}

/** The call and, when there was one, the response: `cas(v2 → "x") ok → version 3`. */
export function formatRegisterOp(op: RegisterOp, outcome: Operation["outcome"]): string {
  const version = op.version === undefined ? "" : ` version ${op.version}`;
  switch (op.f) {
    case "read": {
      const value = op.value === undefined ? "" : ` ${JSON.stringify(op.value)}`;
      return outcome === "ok" ? `read → ${`${value}${version}`.trim()}` : "read";
    }
    case "write":
      return `write(${JSON.stringify(op.value)})${outcome === "ok" && version !== "" ? ` →${version}` : ""}`;
    case "cas":
      return `cas(v${op.expectedVersion} → ${JSON.stringify(op.value)})${outcome === "ok" && version !== "" ? ` →${version}` : ""}`;
    default:
      return JSON.stringify(op);
  }
}

/** One line: `#12 p3 /k1 [1234.5, 1240.0] ms ok write("b") → version 2`. */
export function formatOperation(operation: Operation<RegisterOp>): string {
  const error = operation.error === undefined ? "" : ` (${operation.error})`;
  return (
    `#${operation.id} p${operation.process} ${operation.key} ` +
    `[${formatMs(operation.invokeMs)}, ${formatMs(operation.completeMs)}] ms ` +
    `${operation.outcome} ${formatRegisterOp(operation.op, operation.outcome)}${error}`
  );
}

export interface FormatHistoryOptions {
  /** Show at most this many operations: the last ones, with a line saying how many were left out. */
  readonly limit?: number;
  readonly indent?: string;
}

/** A history as indented lines, in invoke order, for reports. */
export function formatHistory(history: readonly Operation<RegisterOp>[], options: FormatHistoryOptions = {}): string {
  const indent = options.indent ?? "  ";
  const limit = options.limit ?? history.length;
  const ordered = [...history].sort((a, b) => a.invokeMs - b.invokeMs || a.id - b.id);
  const shown = ordered.slice(Math.max(0, ordered.length - limit));
  const lines = shown.map((operation) => `${indent}${formatOperation(operation)}`);
  const hidden = ordered.length - shown.length;
  if (hidden > 0) lines.unshift(`${indent}… ${hidden} earlier operation${hidden === 1 ? "" : "s"}`);
  return lines.join("\n");
}

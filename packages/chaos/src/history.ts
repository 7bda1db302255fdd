/**
 * A history: every operation a workload's clients invoked, with what came back, on one monotonic
 * clock (ms since the run started, from `performance.now()`). Checkers read only this.
 *
 * Outcomes, as Jepsen records them:
 * - `ok`: the server confirmed it; its effect happened exactly once, between invoke and complete;
 * - `fail`: the server said it did not happen (a definite error: BADVERSION, NOTREADY, THROTTLEDOP);
 * - `unknown`: no definite answer (timeout, connection lost): it may or may not have taken effect,
 *   at any time after its invoke — a checker must allow both.
 */

/** The register workload's operations on one key (a znode whose data is the register's value). */
export type RegisterOp =
  /** A linearizable read: the value and the node's data version it saw. */
  | { readonly f: "read"; readonly value?: string; readonly version?: number }
  /** An unconditional write (setData, version -1); on ok, `version` is the new data version. */
  | { readonly f: "write"; readonly value: string; readonly version?: number }
  /** Compare-and-set on the data version (setData with `expectedVersion`); ok means it matched. */
  | { readonly f: "cas"; readonly expectedVersion: number; readonly value: string; readonly version?: number };

export type Outcome = "ok" | "fail" | "unknown";

export interface Operation<Op = RegisterOp> {
  /** Unique within the history, in invoke order. */
  readonly id: number;
  /** The client (logical process) that ran it; a process runs one operation at a time. */
  readonly process: number;
  /** The independent object it acts on (checked separately: P-compositionality). */
  readonly key: string;
  readonly op: Op;
  readonly invokeMs: number;
  /** Undefined for `unknown` (it may take effect at any time after invoke). */
  readonly completeMs: number | undefined;
  readonly outcome: Outcome;
  /** For fail/unknown: the error, for the report. */
  readonly error?: string;
}

export type History<Op = RegisterOp> = readonly Operation<Op>[];

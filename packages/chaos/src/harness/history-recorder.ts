/**
 * Collects a workload's operations into a History on the run's one monotonic clock. Ids are
 * given at invoke, so the history reads in invoke order whatever order the calls complete in.
 */
import type { History, Operation, Outcome, RegisterOp } from "../history.js";

export interface RunClock {
  /** Ms since the run started (`performance.now()` based: monotonic). */
  now(): number;
}

export function startClock(): RunClock {
  const startMs = performance.now();
  return { now: () => performance.now() - startMs };
}

export interface Invocation {
  readonly id: number;
  readonly process: number;
  readonly key: string;
  readonly invokeMs: number;
}

export class HistoryRecorder {
  private nextId = 0;
  private readonly operations: Operation[] = [];
  private readonly inFlight = new Set<number>();
  /** invoke/complete of every ok write or cas, in completion order: what "the cluster took a write" means. */
  private readonly okWrites: { invokeMs: number; completeMs: number }[] = [];

  constructor(readonly clock: RunClock) {}

  invoke(process: number, key: string): Invocation {
    const invocation = { id: this.nextId++, process, key, invokeMs: this.clock.now() };
    this.inFlight.add(invocation.id);
    return invocation;
  }

  complete(invocation: Invocation, op: RegisterOp, outcome: Outcome, error?: string): Operation {
    if (!this.inFlight.delete(invocation.id)) throw new Error(`operation ${invocation.id} completed twice`);
    const completeMs = outcome === "unknown" ? undefined : this.clock.now();
    const operation: Operation = {
      ...invocation,
      op,
      completeMs,
      outcome,
      ...(error === undefined ? {} : { error }),
    };
    this.operations.push(operation);
    if (outcome === "ok" && op.f !== "read" && completeMs !== undefined) {
      this.okWrites.push({ invokeMs: invocation.invokeMs, completeMs });
    }
    return operation;
  }

  /** When the first write invoked at or after `sinceMs` was acknowledged, if one was. */
  firstOkWriteAfter(sinceMs: number): number | undefined {
    // okWrites is in completion order, so the first match completed first.
    return this.okWrites.find((write) => write.invokeMs >= sinceMs)?.completeMs;
  }

  get size(): number {
    return this.operations.length;
  }

  /** The history in invoke order; every invoked operation must have completed. */
  history(): History {
    if (this.inFlight.size > 0) throw new Error(`${this.inFlight.size} operations still in flight`);
    return [...this.operations].sort((a, b) => a.id - b.id);
  }
}

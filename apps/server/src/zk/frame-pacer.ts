/**
 * Bounds the ZooKeeper-port work one event-loop turn may start, across all connections, as
 * api/message-pacer.ts does for WebSocket calls: a client that pipelines thousands of requests in
 * one TCP read must not keep the loop from the peers' heartbeats (docs/architecture.md, "Bounded
 * work per event-loop turn"). Each connection with work waiting is served round-robin with what is
 * left of the turn's budget; what does not fit waits for the next turn, after I/O and timers.
 */

/** Requests (frames handled, or reads answered) all ZooKeeper connections may start per turn. */
export const ZK_FRAMES_PER_TURN_MAX = 64;

export interface PacedWorker {
  /** Does up to `budget` units of work; returns how many it did (0 when it has none left). */
  serve(budget: number): number;
  /** True while it has work it could do now. */
  readonly hasWork: boolean;
}

export class FramePacer {
  private budget: number;
  private refillScheduled = false;
  private readonly waiting = new Set<PacedWorker>();

  constructor(private readonly perTurnMax = ZK_FRAMES_PER_TURN_MAX) {
    this.budget = perTurnMax;
  }

  /** `worker` has work: serve it now if the turn has budget left, else next turn. */
  wake(worker: PacedWorker): void {
    if (this.budget > 0 && !this.waiting.has(worker)) this.budget -= worker.serve(this.budget);
    if (worker.hasWork) this.waiting.add(worker);
    else this.waiting.delete(worker);
    if (this.waiting.size > 0 || this.budget < this.perTurnMax) this.scheduleRefill();
  }

  /** A closed connection leaves the queue. */
  forget(worker: PacedWorker): void {
    this.waiting.delete(worker);
  }

  private scheduleRefill(): void {
    if (this.refillScheduled) return;
    this.refillScheduled = true;
    setImmediate(() => {
      this.refillScheduled = false;
      this.budget = this.perTurnMax;
      for (const worker of [...this.waiting]) {
        if (this.budget <= 0) break;
        this.budget -= worker.serve(this.budget);
        // Served workers go to the back of the queue, so a busy connection cannot starve the others.
        this.waiting.delete(worker);
        if (worker.hasWork) this.waiting.add(worker);
      }
      if (this.waiting.size > 0) this.scheduleRefill();
    });
  }
}

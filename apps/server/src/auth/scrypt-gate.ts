/**
 * A global bound on password hashing. scrypt runs on libuv's thread pool, and on a small machine a
 * burst of logins from many addresses (each under its own failure limit) could still keep every
 * core hashing while replication and client calls wait. At most `concurrent` hashes run at once and
 * at most `queued` wait; past that a check is refused at once ("busy"), which the caller reports as
 * a failed, retryable authentication instead of queueing without bound.
 */
export const SCRYPT_GATE_LIMITS = Object.freeze({ concurrent: 2, queued: 64 });

export class ScryptGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limits: { concurrent: number; queued: number } = SCRYPT_GATE_LIMITS) {}

  /** Runs `work` when a slot is free; "busy" when the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<T | "busy"> {
    if (this.running >= this.limits.concurrent) {
      if (this.waiting.length >= this.limits.queued) return "busy";
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next waiter (running stays counted), or free it.
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.running -= 1;
    }
  }

  get queuedCount(): number {
    return this.waiting.length;
  }
}

/**
 * Runs a callback once `now()` has reached a deadline, which may move while it waits.
 *
 * A bare setTimeout is not that. Node counts a timeout on the event loop's own time, kept in whole
 * milliseconds, so a timeout can fire a little BEFORE `performance.now()` reaches the time asked
 * for (on Node 20 here: about 1 timeout in 40, up to ~2 ms early). The deadline can also
 * move later while the timer runs (a member changes the session timeout). A check made at such a
 * wake-up finds the deadline not reached, and unless the timer is armed again nothing checks until
 * the next confirmation. For the suspect timer of a client whose link is frozen, that is the thaw:
 * the client stayed `disconnected`, never `suspect`, so a paused lock holder kept its lease after
 * the ensemble expired its session and granted the lock to another.
 */

/** The clock and timers the timer runs on (tests pass one whose timeouts fire early). */
export interface TimerClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_TIMER_CLOCK: TimerClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class DeadlineTimer {
  private handle: unknown;
  private running = false;

  constructor(
    /** Read again on every wake-up: the deadline as it is then. */
    private readonly deadline: () => number,
    private readonly onDeadline: () => void,
    private readonly clock: TimerClock = SYSTEM_TIMER_CLOCK,
  ) {}

  /** Waits (again, from scratch) for the deadline; `onDeadline` runs once, when `now()` has reached it. */
  start(): void {
    this.stop();
    this.running = true;
    this.schedule();
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.clock.clearTimeout(this.handle);
    this.handle = undefined;
  }

  private schedule(): void {
    const wait = this.deadline() - this.clock.now();
    this.handle = this.clock.setTimeout(() => this.wake(), Math.max(0, wait) + 1);
  }

  private wake(): void {
    if (!this.running) return;
    if (this.clock.now() < this.deadline()) {
      this.schedule();
      return;
    }
    this.running = false;
    this.handle = undefined;
    this.onDeadline();
  }
}

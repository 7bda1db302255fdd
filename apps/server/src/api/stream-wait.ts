/**
 * Waits for the console's periodic streams (cluster.events, cluster.metrics). Each wait settles
 * exactly once, on its timer, a wake-up or the abort, and leaves no timer or listener behind, so
 * a stream whose client went away ends at its next step instead of leaking a timer.
 */

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * A wake-up source with a floor between deliveries: `wait(sinceMs)` resolves at `sinceMs +
 * periodMs` at the latest, and earlier when `notify()` is (or was, since the last wait) called, but
 * never before `sinceMs + gapMinMs`: a burst of changes costs one delivery per gap.
 */
export class CoalescingWaker {
  private pending = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly periodMs: number,
    private readonly gapMinMs: number,
    private readonly now: () => number,
  ) {}

  notify(): void {
    this.pending = true;
    this.wake?.();
  }

  wait(sinceMs: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.wake = undefined;
        this.pending = false;
        resolve();
      };
      const arm = (atMs: number) => {
        clearTimeout(timer);
        timer = setTimeout(done, Math.max(0, atMs - this.now()));
      };
      signal.addEventListener("abort", done, { once: true });
      arm(sinceMs + this.periodMs);
      this.wake = () => {
        this.wake = undefined; // the earliest deadline is fixed: later notifications change nothing
        arm(sinceMs + this.gapMinMs);
      };
      if (this.pending) this.wake();
    });
  }
}

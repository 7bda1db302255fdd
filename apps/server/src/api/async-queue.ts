/**
 * A bounded single-consumer queue that turns pushed values into an async iterator, for tRPC
 * subscriptions. It ends when the producer calls `end()`, fails with `fail(error)`, or when the
 * consumer's AbortSignal fires. Overflow fails the stream (a slow client must resume, not stall
 * the server or grow memory without bound).
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private waiting: (() => void) | undefined;
  private done = false;
  private error: Error | undefined;

  constructor(
    private readonly itemsMax: number,
    signal: AbortSignal,
  ) {
    if (signal.aborted) this.done = true;
    else signal.addEventListener("abort", () => this.end(), { once: true });
  }

  push(item: T): void {
    if (this.done) return;
    if (this.items.length >= this.itemsMax) {
      this.fail(new Error(`the client fell more than ${this.itemsMax} events behind; resume from the last zxid seen`));
      return;
    }
    this.items.push(item);
    this.wake();
  }

  end(): void {
    this.done = true;
    this.wake();
  }

  fail(error: Error): void {
    this.error ??= error;
    this.end();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.error) throw this.error;
      if (this.done) return;
      await new Promise<void>((resolve) => {
        this.waiting = resolve;
      });
    }
  }
}

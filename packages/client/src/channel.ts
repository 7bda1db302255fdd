/**
 * A bounded async queue with one consumer: producers push, the consumer iterates with `for await`.
 * It ends normally (`end`) or with an error (`fail`); `return()` (the consumer breaking out of the
 * loop) runs `onReturn` so the producer can stop. A full queue fails rather than grow without
 * bound: a consumer that stops reading must not exhaust memory.
 */
export class Channel<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiter: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | undefined;
  private finished = false;
  private failure: unknown;
  private returned = false;

  constructor(
    private readonly capacity: number,
    private readonly onReturn: () => void = () => {},
  ) {}

  get done(): boolean {
    return this.finished || this.returned;
  }

  push(item: T): void {
    if (this.done) return;
    if (this.waiter) {
      const { resolve } = this.waiter;
      this.waiter = undefined;
      resolve({ value: item, done: false });
      return;
    }
    if (this.items.length >= this.capacity) {
      this.fail(new RangeError(`the consumer fell ${this.capacity} items behind; read faster or resume`));
      return;
    }
    this.items.push(item);
  }

  end(): void {
    if (this.done) return;
    this.finished = true;
    this.settleWaiter();
  }

  fail(error: unknown): void {
    if (this.done) return;
    this.finished = true;
    this.failure = error;
    this.settleWaiter();
  }

  private settleWaiter(): void {
    const waiter = this.waiter;
    if (!waiter || this.items.length > 0) return;
    this.waiter = undefined;
    if (this.failure !== undefined) waiter.reject(this.failure);
    else waiter.resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined || this.items.length > 0) return Promise.resolve({ value: item as T, done: false });
    if (this.returned) return Promise.resolve({ value: undefined, done: true });
    if (this.finished) {
      if (this.failure !== undefined) {
        const failure = this.failure;
        this.failure = undefined;
        this.returned = true;
        return Promise.reject(failure);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    if (this.waiter) throw new Error("Channel has one consumer: next() while a next() is pending");
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.returned) {
      this.returned = true;
      this.items.length = 0;
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter?.resolve({ value: undefined, done: true });
      this.onReturn();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

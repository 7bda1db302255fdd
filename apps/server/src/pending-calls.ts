/**
 * Calls into the replica that wait for its reply (a sync(), a confirmed touch), by id, in the
 * order they were made, each with a deadline. Deadlines are set at call time with one fixed
 * timeout, so insertion order is deadline order and expiry stops at the first call still in time.
 */
import type { KeelError } from "@keel/core";

interface PendingCall<T> {
  resolve(value: T): void;
  reject(error: KeelError): void;
  readonly deadlineMs: number;
}

export class PendingCalls<T> {
  private readonly calls = new Map<number, PendingCall<T>>();

  /** A promise settled by `resolve`/`reject` with this id, by `expire` after `deadlineMs`, or by `rejectAll`. */
  wait(id: number, deadlineMs: number, start: () => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.calls.set(id, { resolve, reject, deadlineMs });
      start();
    });
  }

  resolve(id: number, value: T): void {
    const call = this.calls.get(id);
    if (call === undefined) return;
    this.calls.delete(id);
    call.resolve(value);
  }

  reject(id: number, error: KeelError): void {
    const call = this.calls.get(id);
    if (call === undefined) return;
    this.calls.delete(id);
    call.reject(error);
  }

  /** Fails every call whose deadline is ≤ `nowMs`. */
  expire(nowMs: number, error: () => KeelError): void {
    for (const [id, call] of this.calls) {
      if (call.deadlineMs > nowMs) break;
      this.calls.delete(id);
      call.reject(error());
    }
  }

  rejectAll(error: () => KeelError): void {
    for (const [id, call] of this.calls) {
      this.calls.delete(id);
      call.reject(error());
    }
  }

  get size(): number {
    return this.calls.size;
  }
}

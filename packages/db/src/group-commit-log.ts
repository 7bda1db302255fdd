/**
 * Group commit for callers that append one small batch at a time (docs/storage.md, "Group
 * commit"). Every `append()` made in one event-loop turn joins one `ReplicaStore.write()`: one
 * SQLite transaction, one fsync. Their promises resolve after that commit, or all reject if it fails.
 *
 * The server driver does not need this: it already drains a turn's inputs into one
 * `DurableWrite` per `ready()`, which is the same group commit. This is for tools, benchmarks and
 * hosts that append from many independent call sites.
 */
import { assert, formatZxid, type LogEntry } from "@keel/core";
import { GROUP_COMMIT_ENTRIES_MAX } from "./limits.js";
import type { ReplicaStore } from "./replica-store.js";

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

export interface GroupCommitStats {
  readonly commits: number;
  readonly entries: number;
}

export class GroupCommitLog {
  readonly #store: ReplicaStore;
  #pending: LogEntry[] = [];
  #waiters: Waiter[] = [];
  #scheduled: NodeJS.Immediate | undefined;
  #commits = 0;
  #entries = 0;

  constructor(store: ReplicaStore) {
    this.#store = store;
  }

  /** Resolves once `entries` are durable. Entries across calls must keep increasing zxids. */
  append(entries: readonly LogEntry[]): Promise<void> {
    const last = this.#pending.at(-1);
    const first = entries[0];
    if (last !== undefined && first !== undefined) {
      assert(first.zxid > last.zxid, `group commit: ${formatZxid(first.zxid)} not after ${formatZxid(last.zxid)}`);
    }
    const done = new Promise<void>((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
    });
    this.#pending.push(...entries);
    if (this.#pending.length >= GROUP_COMMIT_ENTRIES_MAX) this.flush();
    else this.#scheduled ??= setImmediate(() => this.flush());
    return done;
  }

  /** Commits what is pending now (normally called by the scheduled `setImmediate`). */
  flush(): void {
    if (this.#scheduled !== undefined) clearImmediate(this.#scheduled);
    this.#scheduled = undefined;
    const entries = this.#pending;
    const waiters = this.#waiters;
    if (waiters.length === 0) return;
    this.#pending = [];
    this.#waiters = [];
    try {
      this.#store.write({ entries });
    } catch (error) {
      for (const waiter of waiters) waiter.reject(error);
      return;
    }
    this.#commits += 1;
    this.#entries += entries.length;
    for (const waiter of waiters) waiter.resolve();
  }

  stats(): GroupCommitStats {
    return { commits: this.#commits, entries: this.#entries };
  }
}

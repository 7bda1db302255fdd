/**
 * A fair read/write lock: `/keel/rwlocks/<name>/read-<seq>` and `write-<seq>`. A reader holds when
 * no writer queued before it (it waits for the last such writer); a writer holds when first (it
 * waits for its predecessor). Readers never starve a writer: a reader that queues after a writer
 * waits for it.
 */
import type { KeelClient } from "../client.js";
import { WaitTimeoutError } from "../errors.js";
import { checkRecipeName, joinPath } from "../paths.js";
import { RECIPE_ROOTS } from "./common.js";
import {
  type AcquireOptions,
  acquireHold,
  exclusiveBlocker,
  type HoldSpec,
  type Lease,
  type QueueEntry,
} from "./hold.js";

const PREFIXES = ["read-", "write-"] as const;

/** Readers wait for the last writer queued before them. */
export function readerBlocker(queue: readonly QueueEntry[], index: number): string | undefined {
  for (let before = index - 1; before >= 0; before--) {
    const entry = queue[before] as QueueEntry;
    if (entry.prefix === "write-") return entry.name;
  }
  return undefined;
}

export class ReadWriteLock {
  readonly dir: string;

  constructor(
    private readonly keel: KeelClient,
    readonly name: string,
  ) {
    this.dir = joinPath(RECIPE_ROOTS.rwlocks, checkRecipeName(name));
  }

  private spec(prefix: "read-" | "write-"): HoldSpec {
    return {
      dir: this.dir,
      prefix,
      prefixes: PREFIXES,
      blocker: prefix === "read-" ? readerBlocker : exclusiveBlocker,
      what: `${prefix === "read-" ? "read" : "write"} lock ${this.name}`,
    };
  }

  async readLock(options: AcquireOptions = {}): Promise<Lease> {
    const lease = await acquireHold(this.keel, this.spec("read-"), options);
    if (!lease) throw new WaitTimeoutError(`read lock ${this.name}: not acquired`);
    return lease;
  }

  async writeLock(options: AcquireOptions = {}): Promise<Lease> {
    const lease = await acquireHold(this.keel, this.spec("write-"), options);
    if (!lease) throw new WaitTimeoutError(`write lock ${this.name}: not acquired`);
    return lease;
  }

  tryReadLock(): Promise<Lease | undefined> {
    return acquireHold(this.keel, this.spec("read-"), { tryOnly: true });
  }

  tryWriteLock(): Promise<Lease | undefined> {
    return acquireHold(this.keel, this.spec("write-"), { tryOnly: true });
  }
}

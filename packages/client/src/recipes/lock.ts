/**
 * A fair, herd-free mutual-exclusion lock (ZooKeeper's lock recipe): contenders queue as
 * `/keel/locks/<name>/lock-<seq>` ephemeral-sequential nodes, the first holds, each waiter watches
 * only its predecessor. See hold.ts for the lease (fencing token, lost signal, fenced writes).
 */
import type { KeelClient } from "../client.js";
import { WaitTimeoutError } from "../errors.js";
import { checkRecipeName, joinPath } from "../paths.js";
import { RECIPE_ROOTS } from "./common.js";
import { type AcquireOptions, acquireHold, exclusiveBlocker, type HoldSpec, type Lease } from "./hold.js";

export class Lock {
  readonly dir: string;
  private readonly spec: HoldSpec;

  constructor(
    private readonly keel: KeelClient,
    readonly name: string,
  ) {
    this.dir = joinPath(RECIPE_ROOTS.locks, checkRecipeName(name));
    this.spec = {
      dir: this.dir,
      prefix: "lock-",
      prefixes: ["lock-"],
      blocker: exclusiveBlocker,
      what: `lock ${name}`,
    };
  }

  /** Waits for the lock; the lease's `signal` aborts if it is lost. Throws WaitTimeoutError, SessionLostError or the abort reason. */
  async acquire(options: AcquireOptions = {}): Promise<Lease> {
    const lease = await acquireHold(this.keel, this.spec, options);
    if (!lease) throw new WaitTimeoutError(`lock ${this.name}: not acquired`);
    return lease;
  }

  /** Takes the lock only if it is free now; undefined otherwise. */
  tryAcquire(options: { signal?: AbortSignal } = {}): Promise<Lease | undefined> {
    return acquireHold(this.keel, this.spec, { ...options, tryOnly: true });
  }
}

/**
 * Runs `fn` while holding lock `name`; `fn` gets the lease's signal (aborted if the lock is lost)
 * and the lease (fencing token, fenced writes). The lock is released when `fn` settles.
 */
export async function withLock<T>(
  keel: KeelClient,
  name: string,
  fn: (signal: AbortSignal, lease: Lease) => Promise<T> | T,
  options: AcquireOptions = {},
): Promise<T> {
  const lease = await new Lock(keel, name).acquire(options);
  try {
    return await fn(lease.signal, lease);
  } finally {
    await lease.release();
  }
}

/**
 * A counting semaphore: at most `permits` holders at once, in arrival order. Contenders queue as
 * `/keel/semaphores/<name>/lease-<seq>`; the first `permits` hold. A waiter cannot watch a single
 * node (any of the nodes ahead of it may go), so it waits for the queue to change: with many
 * waiters a release wakes them all (a herd), the price of exactness. Every holder must use the
 * same `permits`.
 */
import type { KeelClient } from "../client.js";
import { WaitTimeoutError } from "../errors.js";
import { checkRecipeName, joinPath } from "../paths.js";
import { RECIPE_ROOTS } from "./common.js";
import { type AcquireOptions, acquireHold, type HoldSpec, type Lease, type QueueEntry } from "./hold.js";

export class Semaphore {
  readonly dir: string;
  private readonly spec: HoldSpec;

  constructor(
    private readonly keel: KeelClient,
    readonly name: string,
    readonly permits: number,
  ) {
    if (!Number.isInteger(permits) || permits < 1)
      throw new RangeError(`permits must be an integer ≥ 1, got ${permits}`);
    this.dir = joinPath(RECIPE_ROOTS.semaphores, checkRecipeName(name));
    this.spec = {
      dir: this.dir,
      prefix: "lease-",
      prefixes: ["lease-"],
      blocker: (_queue: readonly QueueEntry[], index: number) => (index < permits ? undefined : "children"),
      what: `semaphore ${name}`,
      recorded: { permits },
    };
  }

  async acquire(options: AcquireOptions = {}): Promise<Lease> {
    const lease = await acquireHold(this.keel, this.spec, options);
    if (!lease) throw new WaitTimeoutError(`semaphore ${this.name}: no permit`);
    return lease;
  }

  tryAcquire(): Promise<Lease | undefined> {
    return acquireHold(this.keel, this.spec, { tryOnly: true });
  }
}

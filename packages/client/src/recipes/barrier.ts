/**
 * Barriers. `Barrier`: the node `/keel/barriers/<name>` exists while the barrier is up; `wait()`
 * returns once it is removed. `DoubleBarrier`: `count` participants `enter()` (each an ephemeral
 * node under `/keel/barriers/<name>`); everyone proceeds once `count` are in (the last one creates
 * the `ready` node); `leave()` returns once every participant has left. A participant whose session
 * dies leaves by itself (its node is ephemeral).
 */
import type { KeelClient } from "../client.js";
import { KeelClientError, NodeExistsError, NoNodeError } from "../errors.js";
import { checkRecipeName, joinPath } from "../paths.js";
import { ensureContainers, newNonce, RECIPE_ROOTS, waitForChange } from "./common.js";

export class Barrier {
  readonly path: string;

  constructor(
    private readonly keel: KeelClient,
    readonly name: string,
  ) {
    this.path = joinPath(RECIPE_ROOTS.barriers, checkRecipeName(name));
  }

  /** Raises the barrier (idempotent). */
  async set(): Promise<void> {
    for (;;) {
      try {
        await this.keel.create(this.path, JSON.stringify(this.keel.holderMetadata({ acquiredAt: Date.now() })));
        return;
      } catch (error) {
        if (error instanceof NodeExistsError) return;
        if (!(error instanceof NoNodeError)) throw error;
        // The parent container is missing (or was just cleaned up): create it and try again.
        await ensureContainers(this.keel, RECIPE_ROOTS.barriers);
      }
    }
  }

  /** Lowers the barrier (idempotent): every waiter proceeds. */
  async remove(): Promise<void> {
    try {
      await this.keel.delete(this.path);
    } catch (error) {
      if (!(error instanceof NoNodeError)) throw error;
    }
  }

  /**
   * Returns once the barrier is down (at once if it is not up). The first look is linearizable: a
   * barrier raised by anyone before this call holds it, even when this client's member has not
   * applied that create yet (a plain read there would see no barrier and pass straight through).
   */
  async wait(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    const deadline = options.timeoutMs === undefined ? undefined : performance.now() + options.timeoutMs;
    let up = (await this.keel.exists(this.path, { linearizable: true })) !== null;
    while (up) {
      await waitForChange(this.keel, this.path, "exists", async () => (await this.keel.exists(this.path)) === null, {
        signal: options.signal,
        deadline,
        failOnSessionLoss: false,
      });
      up = (await this.keel.exists(this.path)) !== null;
    }
  }
}

const READY = "ready";

export class DoubleBarrier {
  readonly dir: string;
  private own: string | undefined;

  constructor(
    private readonly keel: KeelClient,
    readonly name: string,
    readonly count: number,
  ) {
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be an integer ≥ 1, got ${count}`);
    this.dir = joinPath(RECIPE_ROOTS.barriers, checkRecipeName(name));
  }

  private async participants(): Promise<string[]> {
    try {
      return (await this.keel.children(this.dir)).filter((child) => child !== READY);
    } catch (error) {
      if (error instanceof NoNodeError) return [];
      throw error;
    }
  }

  /** Joins and waits until `count` participants have joined. */
  async enter(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    const deadline = options.timeoutMs === undefined ? undefined : performance.now() + options.timeoutMs;
    const ready = joinPath(this.dir, READY);
    await ensureContainers(this.keel, this.dir, options.signal);
    const own = joinPath(this.dir, `${this.keel.clientId}-${newNonce()}`);
    for (;;) {
      try {
        await this.keel.create(own, JSON.stringify(this.keel.holderMetadata()), { kind: "ephemeral" });
        break;
      } catch (error) {
        if (error instanceof NodeExistsError) break;
        if (error instanceof NoNodeError) {
          await ensureContainers(this.keel, this.dir, options.signal);
          continue;
        }
        throw error;
      }
    }
    this.own = own;
    if ((await this.participants()).length >= this.count) {
      await this.keel.create(ready, "", { kind: "persistent" }).catch((error: unknown) => {
        if (!(error instanceof NodeExistsError || (error instanceof KeelClientError && error.outcomeUnknown)))
          throw error;
      });
    }
    while ((await this.keel.exists(ready)) === null) {
      await waitForChange(
        this.keel,
        this.dir,
        "children",
        async () => {
          if ((await this.keel.exists(ready)) !== null) return true;
          if ((await this.participants()).length >= this.count) {
            await this.keel.create(ready, "", { kind: "persistent" }).catch(() => undefined);
            return true;
          }
          return false;
        },
        { signal: options.signal, deadline },
      );
    }
  }

  /** Leaves and waits until every participant has left; the last one out removes `ready`. */
  async leave(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    const deadline = options.timeoutMs === undefined ? undefined : performance.now() + options.timeoutMs;
    if (this.own) {
      await this.keel.delete(this.own).catch((error: unknown) => {
        if (!(error instanceof NoNodeError)) throw error;
      });
      this.own = undefined;
    }
    const ready = joinPath(this.dir, READY);
    for (;;) {
      if ((await this.participants()).length === 0) {
        await this.keel.delete(ready).catch(() => undefined);
        return;
      }
      try {
        await waitForChange(this.keel, this.dir, "children", async () => (await this.participants()).length === 0, {
          signal: options.signal,
          deadline,
        });
      } catch (error) {
        if (!(error instanceof NoNodeError)) throw error;
      }
    }
  }
}

/**
 * A distributed FIFO queue at `/keel/queues/<name>/item-<seq>` with exactly-once take.
 *
 * `put` appends a persistent sequential item. `take` claims the oldest item by creating the
 * ephemeral `claim-<item>` (only one taker can create it; a taker that dies loses its claim with its
 * session, and the item becomes takeable again), reads it, then deletes item and claim in one
 * multi. An item is handed to exactly one `take` call: the one whose multi deleted it. After an
 * outcome-unknown multi, the item's absence proves it was ours (only the claim holder deletes it).
 */

import { fromBase64 } from "../bytes.js";
import type { Data, KeelClient } from "../client.js";
import { KeelClientError, NodeExistsError, NoNodeError, WaitTimeoutError } from "../errors.js";
import { checkRecipeName, joinPath, sortBySequence } from "../paths.js";
import { ensureContainers, RECIPE_ROOTS, waitForChange } from "./common.js";

export interface QueueItem {
  readonly name: string;
  readonly data: string;
  readonly bytes: Uint8Array;
}

export class Queue {
  readonly dir: string;

  constructor(
    private readonly keel: KeelClient,
    readonly name: string,
  ) {
    this.dir = joinPath(RECIPE_ROOTS.queues, checkRecipeName(name));
  }

  /** Appends an item. After an outcome-unknown error the item may or may not be in the queue. */
  async put(data: Data, options: { signal?: AbortSignal } = {}): Promise<string> {
    for (;;) {
      try {
        const created = await this.keel.create(joinPath(this.dir, "item-"), data, {
          kind: "persistent_sequential",
          ...options,
        });
        return created.path;
      } catch (error) {
        if (!(error instanceof NoNodeError)) throw error;
        await ensureContainers(this.keel, this.dir, options.signal);
      }
    }
  }

  /** The items waiting, oldest first (claimed ones included). */
  async size(): Promise<number> {
    try {
      return sortBySequence(await this.keel.children(this.dir), ["item-"]).length;
    } catch (error) {
      if (error instanceof NoNodeError) return 0;
      throw error;
    }
  }

  /** Takes the oldest item if there is one; undefined when the queue is empty. */
  async tryTake(options: { signal?: AbortSignal } = {}): Promise<QueueItem | undefined> {
    for (;;) {
      let names: string[];
      try {
        names = await this.keel.children(this.dir, options);
      } catch (error) {
        if (error instanceof NoNodeError) return undefined;
        throw error;
      }
      const claimed = new Set(names.filter((child) => child.startsWith("claim-")).map((child) => child.slice(6)));
      const items = sortBySequence(names, ["item-"]).filter((item) => !claimed.has(item.name));
      if (items.length === 0) return undefined;
      let contended = false;
      for (const item of items) {
        const taken = await this.takeOne(item.name, options.signal);
        if (taken === "contended") {
          contended = true;
          continue;
        }
        if (taken) return taken;
      }
      if (!contended) return undefined;
    }
  }

  /** Waits for an item and takes it. */
  async take(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<QueueItem> {
    const deadline = options.timeoutMs === undefined ? undefined : performance.now() + options.timeoutMs;
    for (;;) {
      const item = await this.tryTake(options.signal ? { signal: options.signal } : {});
      if (item) return item;
      if (deadline !== undefined && performance.now() >= deadline)
        throw new WaitTimeoutError(`queue ${this.name} is empty`);
      await ensureContainers(this.keel, this.dir, options.signal);
      try {
        await waitForChange(
          this.keel,
          this.dir,
          "children",
          async () => sortBySequence(await this.keel.children(this.dir), ["item-"]).length > 0,
          { signal: options.signal, deadline },
        );
      } catch (error) {
        if (!(error instanceof NoNodeError)) throw error;
      }
    }
  }

  /** Claims, reads and removes one item; "contended" when another taker holds its claim, undefined when it is gone. */
  private async takeOne(name: string, signal?: AbortSignal): Promise<QueueItem | "contended" | undefined> {
    const itemPath = joinPath(this.dir, name);
    const claimPath = joinPath(this.dir, `claim-${name}`);
    try {
      await this.keel.create(claimPath, this.keel.clientId, { kind: "ephemeral", ...(signal ? { signal } : {}) });
    } catch (error) {
      if (error instanceof NodeExistsError) {
        // Ours after an outcome-unknown retry? Only if this session owns it.
        const stat = await this.keel.exists(claimPath, { linearizable: true });
        if (stat?.ephemeralOwner !== this.keel.sessionId) return "contended";
      } else if (error instanceof KeelClientError && error.outcomeUnknown) {
        const stat = await this.keel.exists(claimPath, { linearizable: true });
        if (stat?.ephemeralOwner !== this.keel.sessionId) return "contended";
      } else if (error instanceof NoNodeError) {
        return undefined;
      } else throw error;
    }
    let node: Awaited<ReturnType<KeelClient["get"]>>;
    try {
      node = await this.keel.get(itemPath, { linearizable: true });
    } catch (error) {
      if (error instanceof NoNodeError) {
        await this.keel.delete(claimPath).catch(() => undefined);
        return undefined;
      }
      throw error;
    }
    const item = { name, data: node.data, bytes: fromBase64(node.dataBase64) };
    try {
      await this.keel.multi([
        { type: "delete", path: itemPath, version: -1 },
        { type: "delete", path: claimPath, version: -1 },
      ]);
      return item;
    } catch (error) {
      if (error instanceof KeelClientError && error.outcomeUnknown) {
        // Only the claim holder deletes the item: if it is gone, our multi applied.
        const gone = (await this.keel.exists(itemPath, { linearizable: true })) === null;
        if (gone) return item;
        await this.keel.multi([
          { type: "delete", path: itemPath, version: -1 },
          { type: "delete", path: claimPath, version: -1 },
        ]);
        return item;
      }
      throw error;
    }
  }
}

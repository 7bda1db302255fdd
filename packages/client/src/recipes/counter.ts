/**
 * A shared counter at `/keel/counters/<name>` (its data is the value in decimal). `add` is a
 * compare-and-set on the node's version, retried when another writer got in first. A write whose
 * outcome is unknown (the connection dropped) is reported, not retried: retrying could add twice.
 */
import type { KeelClient } from "../client.js";
import { BadVersionError, NodeExistsError, NoNodeError } from "../errors.js";
import { checkRecipeName, joinPath } from "../paths.js";
import { ensureContainers, RECIPE_ROOTS } from "./common.js";

export class Counter {
  readonly path: string;

  constructor(
    private readonly keel: KeelClient,
    readonly name: string,
  ) {
    this.path = joinPath(RECIPE_ROOTS.counters, checkRecipeName(name));
  }

  /** The value (0 when the counter does not exist yet). */
  async get(options: { linearizable?: boolean } = {}): Promise<bigint> {
    try {
      return BigInt((await this.keel.get(this.path, options)).data || "0");
    } catch (error) {
      if (error instanceof NoNodeError) return 0n;
      throw error;
    }
  }

  /** Adds `delta` atomically; returns the new value. */
  async add(delta: bigint | number = 1n, options: { signal?: AbortSignal } = {}): Promise<bigint> {
    const step = BigInt(delta);
    for (;;) {
      let value: bigint;
      let version: number;
      try {
        const node = await this.keel.get(this.path, options);
        value = BigInt(node.data || "0");
        version = node.stat.version;
      } catch (error) {
        if (!(error instanceof NoNodeError)) throw error;
        await ensureContainers(this.keel, RECIPE_ROOTS.counters, options.signal);
        try {
          await this.keel.create(this.path, step.toString(), options);
          return step;
        } catch (createError) {
          // Someone else created it first, or the parent container was cleaned up meanwhile.
          if (createError instanceof NodeExistsError || createError instanceof NoNodeError) continue;
          throw createError;
        }
      }
      try {
        await this.keel.set(this.path, (value + step).toString(), { version, ...options });
        return value + step;
      } catch (error) {
        if (error instanceof BadVersionError || error instanceof NoNodeError) continue;
        throw error;
      }
    }
  }
}

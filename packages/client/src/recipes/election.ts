/**
 * Leader election: candidates queue as `/keel/elections/<name>/candidate-<seq>`; the first is the
 * leader. `campaign()` resolves with a Leadership (a Lease: its `signal` aborts when leadership is
 * lost, its `term` (fencing token) grows with every new leader); `resign()` steps down.
 *
 * `observe()` yields the current leader and then every change, as seen through linearizable reads:
 * `null` while there is none (between the old leader's node going and the next candidate's read)
 * and never a stale leader: when the observer's own session is suspect it yields `null` too, since
 * it can no longer vouch for what it saw.
 */
import type { HolderMetadata, KeelClient } from "../client.js";
import { NoNodeError, WaitTimeoutError } from "../errors.js";
import { checkRecipeName, joinPath, sortBySequence } from "../paths.js";
import { parseHolder, RECIPE_ROOTS, sessionBoundSignal, sessionLostReason, waitForChange } from "./common.js";
import { type AcquireOptions, acquireHold, exclusiveBlocker, type HoldSpec, type Lease } from "./hold.js";

export type Leadership = Lease;

export interface LeaderInfo {
  /** The leader's candidate node. */
  readonly path: string;
  /** The term: the czxid of the leader's node, growing with every new leader. */
  readonly term: bigint;
  /** Who leads (undefined fields when the node's data is not the recipes' JSON). */
  readonly holder: HolderMetadata | undefined;
}

export class LeaderElection {
  readonly dir: string;
  private readonly spec: HoldSpec;
  private leadership: Lease | undefined;

  constructor(
    private readonly keel: KeelClient,
    readonly name: string,
  ) {
    this.dir = joinPath(RECIPE_ROOTS.elections, checkRecipeName(name));
    this.spec = {
      dir: this.dir,
      prefix: "candidate-",
      prefixes: ["candidate-"],
      blocker: exclusiveBlocker,
      what: `leadership of ${name}`,
    };
  }

  /** Stands as a candidate and waits until elected. */
  async campaign(options: AcquireOptions = {}): Promise<Leadership> {
    const lease = await acquireHold(this.keel, this.spec, options);
    if (!lease) throw new WaitTimeoutError(`election ${this.name}: not elected`);
    this.leadership = lease;
    return lease;
  }

  /** Steps down (or withdraws nothing when not leading). */
  async resign(): Promise<void> {
    const lease = this.leadership;
    this.leadership = undefined;
    await lease?.release();
  }

  /** The current leader by a linearizable read, or null when there is none. */
  async leader(options: { signal?: AbortSignal } = {}): Promise<LeaderInfo | null> {
    for (;;) {
      let names: string[];
      try {
        names = await this.keel.children(this.dir, { linearizable: true, ...options });
      } catch (error) {
        if (error instanceof NoNodeError) return null;
        throw error;
      }
      const first = sortBySequence(names, this.spec.prefixes)[0];
      if (!first) return null;
      const path = joinPath(this.dir, first.name);
      try {
        const node = await this.keel.get(path, options);
        return { path, term: BigInt(node.stat.czxid), holder: parseHolder(node.data) };
      } catch (error) {
        if (!(error instanceof NoNodeError)) throw error;
        // It went between the listing and the read: list again.
      }
    }
  }

  /** The leader over time: yields on every change, `null` while there is none or this observer is cut off. */
  async *observe(options: { signal?: AbortSignal } = {}): AsyncGenerator<LeaderInfo | null> {
    let last: string | null | undefined;
    const emit = (info: LeaderInfo | null): boolean => {
      const key = info ? info.path : null;
      if (key === last) return false;
      last = key;
      return true;
    };
    while (!options.signal?.aborted) {
      if (sessionLostReason(this.keel.state)) {
        if (emit(null)) yield null;
        const name = this.keel.state.name;
        if (name === "expired" || name === "closed") return;
        await this.waitForTrust(options.signal);
        continue;
      }
      let info: LeaderInfo | null;
      const bound = sessionBoundSignal(this.keel, options.signal);
      try {
        info = await this.leader({ signal: bound.signal });
      } catch (error) {
        if (options.signal?.aborted) return;
        if (sessionLostReason(this.keel.state)) continue;
        throw error;
      } finally {
        bound.dispose();
      }
      if (emit(info)) yield info;
      try {
        if (info) {
          const leaderPath = info.path;
          await waitForChange(
            this.keel,
            leaderPath,
            "exists",
            async () => (await this.keel.exists(leaderPath)) === null,
            {
              signal: options.signal,
            },
          );
          // The leader's node is gone: there is no leader until the next one is read.
          if (emit(null)) yield null;
        } else {
          await waitForChange(this.keel, this.dir, "children", async () => (await this.leader()) !== null, {
            signal: options.signal,
          }).catch(async (error: unknown) => {
            // No directory yet: wait for it to appear.
            if (error instanceof NoNodeError) {
              await waitForChange(
                this.keel,
                this.dir,
                "exists",
                async () => (await this.keel.exists(this.dir)) !== null,
                {
                  signal: options.signal,
                },
              );
              return;
            }
            throw error;
          });
        }
      } catch (error) {
        if (options.signal?.aborted) return;
        if (sessionLostReason(this.keel.state)) continue;
        throw error;
      }
    }
  }

  private waitForTrust(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        stop();
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const stop = this.keel.onStateChange((state) => {
        if (state.name === "connected" || state.name === "expired" || state.name === "closed") done();
      });
      signal?.addEventListener("abort", done, { once: true });
      if (this.keel.state.name === "connected") done();
    });
  }
}

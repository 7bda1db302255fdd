/**
 * The engine under Lock, ReadWriteLock, Semaphore and LeaderElection: ZooKeeper's queue of
 * ephemeral-sequential nodes. A contender creates `dir/<prefix><seq>`, lists the queue, and either
 * holds (the spec's `blocker` finds nothing ahead that blocks it) or waits for ONE node to go (the
 * blocker: its predecessor for a lock, so a release wakes one waiter, not a herd), then lists again.
 *
 * A grant is a `Lease`: its fencing token is the czxid of its node (the zxid of the txn that
 * created it, which grows with every grant), and its `signal` aborts as soon as the lease is lost:
 * the session turned suspect, expired or closed (the client-side rule of docs/api.md, so the holder
 * stops before the ensemble could expire it and grant the lock to someone else), or the node was
 * deleted (an operator's force-release; servers with the deletion-cause addition say why).
 */
import type { OpResultView } from "@keel/api";
import type { KeelClient, Op } from "../client.js";
import { abortReason, KeelClientError, LockLostError, SessionLostError, WatchResumeError } from "../errors.js";
import { joinPath, sortBySequence } from "../paths.js";
import type { DeleteCause } from "../watch.js";
import {
  createMember,
  deleteOwn,
  deleteOwnInBackground,
  newNonce,
  sessionBoundSignal,
  sessionLostReason,
  waitForChange,
} from "./common.js";

export interface QueueEntry {
  readonly name: string;
  readonly prefix: string;
  readonly sequence: number;
}

export interface HoldSpec {
  /** The recipe's directory, e.g. /keel/locks/<name>. */
  readonly dir: string;
  /** This contender's node prefix, e.g. "lock-", "read-". */
  readonly prefix: string;
  /** Every prefix that takes part in the queue. */
  readonly prefixes: readonly string[];
  /**
   * Given the queue in sequence order and our index: undefined when we hold, the name of the node
   * to wait for, or "children" to wait for any change of the queue (semaphores).
   */
  readonly blocker: (queue: readonly QueueEntry[], index: number) => string | "children" | undefined;
  /** What this hold is called in messages: "lock", "read lock", "leadership"... */
  readonly what: string;
  /** Recorded in every contender node beside the holder metadata (a semaphore's `permits`). */
  readonly recorded?: { readonly permits?: number };
}

export interface AcquireOptions {
  /** Give up (WaitTimeoutError) after this long; nothing is held then. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

function describeCause(cause: DeleteCause | undefined): string {
  if (!cause) return "its node was deleted";
  switch (cause.kind) {
    case "delete":
      return `its node was deleted by session ${cause.sessionId}`;
    case "forceRelease":
      return `an operator force-released it (session ${cause.sessionId}: ${cause.reason})`;
    case "sessionExpired":
      return `its session ${cause.sessionId} expired`;
    case "sessionClosed":
      return `its session ${cause.sessionId} closed`;
    case "ttlExpired":
      return "its node's TTL expired";
    case "containerEmpty":
      return "its container was cleaned up";
  }
}

/** A granted hold: a lock, a read or write lock, a semaphore permit, or leadership. */
export class Lease implements AsyncDisposable {
  /** Increases with every grant of this recipe: pass it to the resource you protect. */
  readonly fencingToken: bigint;
  private readonly controller = new AbortController();
  private readonly stops: (() => void)[] = [];
  private released = false;

  constructor(
    private readonly keel: KeelClient,
    /** The lease's node, e.g. /keel/locks/jobs/lock-0000000007. */
    readonly path: string,
    /** The czxid of the node, as a decimal string. */
    readonly czxid: string,
    readonly what: string,
  ) {
    this.fencingToken = BigInt(czxid);
    this.watchForLoss();
  }

  /** Aborts when the lease is lost; its reason is a LockLostError saying why. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** True until released or lost. */
  get held(): boolean {
    return !this.released && !this.controller.signal.aborted;
  }

  private lose(reason: string): void {
    if (this.controller.signal.aborted) return;
    this.controller.abort(new LockLostError(`${this.what} lost: ${reason}`, this.path));
    this.stopWatching();
    // The session may live on (suspect, then reconnected): our node must not block the others.
    if (!this.released) deleteOwnInBackground(this.keel, this.path, this.czxid);
  }

  private watchForLoss(): void {
    const initial = sessionLostReason(this.keel.state);
    if (initial) {
      this.lose(initial);
      return;
    }
    this.stops.push(
      this.keel.onStateChange((state) => {
        const reason = sessionLostReason(state);
        if (reason) this.lose(reason);
      }),
    );
    const follow = async () => {
      let afterZxid: string | undefined = this.czxid;
      while (this.held) {
        const watch = this.keel.watch(this.path, {
          mode: "persistent",
          ...(afterZxid === undefined ? {} : { afterZxid }),
        });
        const stop = () => watch.close();
        this.stops.push(stop);
        try {
          for await (const event of watch) {
            if (event.type === "NodeDeleted") {
              this.lose(this.released ? "released" : describeCause(event.cause));
              return;
            }
          }
          return;
        } catch (error) {
          if (!(error instanceof WatchResumeError)) throw error;
          // A lease held longer than the server's history, then a failover: the node's presence
          // with our czxid proves it was never deleted; watch again from what was just read.
          const stat = await this.keel.exists(this.path, { linearizable: true });
          if (stat === null || stat.czxid !== this.czxid) {
            this.lose("its node was deleted while the watch was being resumed");
            return;
          }
          afterZxid = undefined;
        } finally {
          watch.close();
          const index = this.stops.indexOf(stop);
          if (index >= 0) this.stops.splice(index, 1);
        }
      }
    };
    follow().catch((error: unknown) => {
      // The watch failed (the session ended, say): the lease can no longer be vouched for.
      if (this.held) this.lose(error instanceof Error ? error.message : String(error));
    });
  }

  private stopWatching(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  /**
   * A check op that fails unless this lease's very node still exists (put it first in a multi):
   * same path and version, and created at this lease's czxid, so a node re-created at the same
   * path (a sequential name reused after the lock's container was removed) does not pass.
   */
  fenceOp(): Op {
    return { type: "check", path: this.path, version: 0, czxid: this.czxid };
  }

  /**
   * Runs `ops` atomically only if this lease still holds: a multi whose first op checks the lease's
   * node, so a paused holder's late write is rejected by the ensemble itself, not just by this client.
   */
  async fenced(ops: readonly Op[], options: { signal?: AbortSignal } = {}): Promise<OpResultView[]> {
    if (!this.held) throw (this.signal.reason as Error | undefined) ?? new LockLostError(`${this.what} not held`);
    try {
      const results = await this.keel.multi([this.fenceOp(), ...ops], options);
      return results.slice(1);
    } catch (error) {
      if (error instanceof KeelClientError && (error as { opIndex?: number }).opIndex === 0) {
        this.lose("the fence check failed: its node is gone");
        throw new LockLostError(`${this.what} lost: the fenced write was rejected`, this.path, { cause: error });
      }
      throw error;
    }
  }

  /** Releases the lease (compare-and-delete on its czxid: safe to retry, never removes a newer holder). */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.stopWatching();
    if (!this.controller.signal.aborted) {
      this.controller.abort(new LockLostError(`${this.what} released`, this.path));
    }
    const state = this.keel.state.name;
    if (state === "expired" || state === "closed") return;
    try {
      await deleteOwn(this.keel, this.path, this.czxid);
    } catch {
      deleteOwnInBackground(this.keel, this.path, this.czxid);
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }
}

/**
 * Queues for a hold and waits for it. With `tryOnly`, returns undefined at once when it would wait.
 * A waiter whose session is lost fails at once with SessionLostError; one that times out or is
 * aborted withdraws its node.
 */
export async function acquireHold(
  keel: KeelClient,
  spec: HoldSpec,
  options: AcquireOptions & { tryOnly?: boolean },
): Promise<Lease | undefined> {
  const lost = sessionLostReason(keel.state);
  if (lost) throw new SessionLostError(`cannot queue for the ${spec.what}: ${lost}`);
  if (options.signal?.aborted) throw abortReason(options.signal);
  const deadline = options.timeoutMs === undefined ? undefined : performance.now() + options.timeoutMs;
  const data = { ...keel.holderMetadata(), ...spec.recorded, nonce: newNonce() };
  const own = await createMember(keel, spec.dir, spec.prefix, data, options.signal ? { signal: options.signal } : {});
  // Reads while queued stop at once when the session is lost: a waiter fails with SessionLostError.
  const bound = sessionBoundSignal(keel, options.signal, `cannot wait for the ${spec.what}`);
  const signal = bound.signal;
  try {
    for (;;) {
      const names = await keel.children(spec.dir, { signal });
      const queue = sortBySequence(names, spec.prefixes);
      const index = queue.findIndex((entry) => entry.name === own.name);
      if (index < 0) throw new LockLostError(`${spec.what}: our queue node ${own.path} vanished while waiting`);
      const blocker = spec.blocker(queue, index);
      if (blocker === undefined) {
        const lease = new Lease(keel, own.path, own.czxid, spec.what);
        if (!lease.held) throw (lease.signal.reason as Error) ?? new SessionLostError(`${spec.what} lost at once`);
        return lease;
      }
      if (options.tryOnly) {
        await deleteOwn(keel, own.path, own.czxid);
        return undefined;
      }
      const blockerPath = blocker === "children" ? spec.dir : joinPath(spec.dir, blocker);
      await waitForChange(
        keel,
        blockerPath,
        blocker === "children" ? "children" : "exists",
        async () =>
          blocker === "children"
            ? (await keel.children(spec.dir, { signal })).join("\n") !== names.join("\n")
            : (await keel.exists(blockerPath, { signal })) === null,
        { signal: options.signal, deadline },
      );
    }
  } catch (error) {
    deleteOwnInBackground(keel, own.path, own.czxid);
    throw error;
  } finally {
    bound.dispose();
  }
}

/** The lock rule: hold when first, else wait for the predecessor. */
export function exclusiveBlocker(queue: readonly QueueEntry[], index: number): string | undefined {
  return index === 0 ? undefined : queue[index - 1]?.name;
}

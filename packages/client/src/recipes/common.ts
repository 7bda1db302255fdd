/**
 * Building blocks shared by the recipes: parents as container nodes, holder metadata, creating a
 * sequential member node at most once (even when the create's outcome is unknown), and waiting for
 * a node to go away without missing its deletion.
 */
import type { HolderMetadata, KeelClient } from "../client.js";
import {
  abortReason,
  KeelClientError,
  NodeExistsError,
  NoNodeError,
  SessionLostError,
  WaitTimeoutError,
} from "../errors.js";
import { ancestorsOf, baseName, joinPath, parseSequential } from "../paths.js";
import type { ConnectionState } from "../state.js";

/** Where each recipe keeps its state (docs/client.md; the CLI and console read the same paths). */
export const RECIPE_ROOTS = {
  locks: "/keel/locks",
  rwlocks: "/keel/rwlocks",
  semaphores: "/keel/semaphores",
  elections: "/keel/elections",
  queues: "/keel/queues",
  counters: "/keel/counters",
  barriers: "/keel/barriers",
  services: "/keel/services",
} as const;

/** Holder metadata plus a nonce that tells this attempt's node from any other of the same session. */
export interface MemberData extends HolderMetadata {
  readonly nonce: string;
  /** A semaphore's permit count, so operators' tools (console, CLI) can tell holders from waiters. */
  readonly permits?: number;
}

export function newNonce(random: () => number = Math.random): string {
  let out = "";
  for (let index = 0; index < 12; index++) out += Math.floor(random() * 36).toString(36);
  return out;
}

/** Parses holder metadata from a node's data; undefined when it is not the recipes' JSON. */
export function parseHolder(data: string): (HolderMetadata & { nonce?: string }) | undefined {
  try {
    const value = JSON.parse(data) as Record<string, unknown>;
    if (typeof value !== "object" || value === null || typeof value.clientId !== "string") return undefined;
    return value as unknown as HolderMetadata & { nonce?: string };
  } catch {
    return undefined;
  }
}

/** States in which a recipe must consider its session lost (docs/api.md, the client-side rule). */
export function sessionLostReason(state: ConnectionState): string | undefined {
  switch (state.name) {
    case "suspect":
      return `the session is suspect (${state.reason})`;
    case "expired":
      return `the session expired (${state.reason})`;
    case "closed":
      return `the client closed (${state.reason})`;
    default:
      return undefined;
  }
}

/**
 * A signal that aborts when `outer` does or when the session is lost (with a SessionLostError), so
 * a recipe's reads stop at once instead of waiting out their deadline on a dead connection.
 */
export function sessionBoundSignal(
  keel: KeelClient,
  outer?: AbortSignal,
  what = "the session",
): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const check = () => {
    const reason = sessionLostReason(keel.state);
    if (reason && !controller.signal.aborted) controller.abort(new SessionLostError(`${what}: ${reason}`));
  };
  const stop = keel.onStateChange(check);
  const onOuter = () => controller.abort(abortReason(outer as AbortSignal));
  outer?.addEventListener("abort", onOuter, { once: true });
  if (outer?.aborted) onOuter();
  check();
  return {
    signal: controller.signal,
    dispose: () => {
      stop();
      outer?.removeEventListener("abort", onOuter);
    },
  };
}

/** Resolves or rejects as `promise` does, or rejects with the signal's reason when it aborts first. */
export function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Creates every missing ancestor of `path` and `path` itself as container nodes. An empty
 * container may be cleaned up between two steps (a parent vanishing under the child being
 * created), so a NONODE starts the chain again.
 */
export async function ensureContainers(keel: KeelClient, path: string, signal?: AbortSignal): Promise<void> {
  const chain = [...ancestorsOf(path), path].filter((ancestor) => ancestor !== "/keel"); // /keel is reserved, always there
  for (let attempt = 0; attempt < 10; attempt++) {
    let vanished = false;
    for (const ancestor of chain) {
      try {
        await keel.create(ancestor, "", { kind: "container", ...(signal ? { signal } : {}) });
      } catch (error) {
        if (error instanceof NodeExistsError) continue;
        // A create whose outcome is unknown: the next step (or the caller's retry) finds out.
        if (error instanceof KeelClientError && error.outcomeUnknown) continue;
        if (error instanceof NoNodeError) {
          vanished = true;
          break;
        }
        throw error;
      }
    }
    if (!vanished) return;
  }
  throw new NoNodeError(`the parents of ${path} kept vanishing (container clean-up); try again`, path);
}

/**
 * Creates `dir/prefix<seq>` (ephemeral_sequential unless told) with `data`, creating the container
 * parents when missing (a container can vanish between two steps, hence the loop). After an
 * outcome-unknown create it looks for its own node (owned by this session, carrying `nonce`)
 * before creating again, so a retry never leaves a second node behind.
 */
export async function createMember(
  keel: KeelClient,
  dir: string,
  prefix: string,
  data: MemberData,
  options: { signal?: AbortSignal; kind?: "ephemeral_sequential" } = {},
): Promise<{ path: string; name: string; czxid: string }> {
  const json = JSON.stringify(data);
  const { signal } = options;
  /** Aborted once the node may exist: withdraw it, or it would queue, and then hold, for nobody. */
  const abandon = (member: { path: string; czxid: string }): never => {
    deleteOwnInBackground(keel, member.path, member.czxid);
    throw abortReason(signal as AbortSignal);
  };
  for (let attempt = 0; attempt < 20; attempt++) {
    if (signal?.aborted) throw abortReason(signal);
    try {
      // The create itself is not aborted: an abandoned create could still apply, and its node
      // would then wait in the queue (and hold the lock or the leadership in its turn) for a
      // caller that is gone, until the session ends (the chaos election workload saw it).
      const created = await keel.create(joinPath(dir, prefix), json, { kind: options.kind ?? "ephemeral_sequential" });
      const member = { path: created.path, name: baseName(created.path), czxid: created.stat.czxid };
      return signal?.aborted ? abandon(member) : member;
    } catch (error) {
      if (error instanceof NoNodeError) {
        await ensureContainers(keel, dir, signal);
        continue;
      }
      if (error instanceof KeelClientError && error.outcomeUnknown) {
        let found: { path: string; name: string; czxid: string } | undefined;
        try {
          found = await findOwnMember(keel, dir, prefix, data.nonce);
        } catch (searchError) {
          // Whether the create applied is still unknown (the ensemble did not answer the search):
          // withdraw the node if it did, once it answers, rather than leave it to hold for nobody.
          withdrawMemberInBackground(keel, dir, prefix, data.nonce);
          throw searchError;
        }
        if (found) return signal?.aborted ? abandon(found) : found;
        continue;
      }
      throw error;
    }
  }
  throw new SessionLostError(`could not create a member node under ${dir} after 20 attempts`);
}

/** Finds our member node by its nonce and deletes it, retrying until the session ends. */
function withdrawMemberInBackground(keel: KeelClient, dir: string, prefix: string, nonce: string): void {
  retryInBackground(keel, async () => {
    const found = await findOwnMember(keel, dir, prefix, nonce);
    if (found) await deleteOwn(keel, found.path, found.czxid);
  });
}

async function findOwnMember(
  keel: KeelClient,
  dir: string,
  prefix: string,
  nonce: string,
): Promise<{ path: string; name: string; czxid: string } | undefined> {
  let listing: Awaited<ReturnType<KeelClient["childrenWithStats"]>>;
  try {
    listing = await keel.childrenWithStats(dir, { linearizable: true });
  } catch (error) {
    if (error instanceof NoNodeError) return undefined;
    throw error;
  }
  for (const child of listing.children) {
    const parsed = parseSequential(child.name);
    if (!parsed || parsed.prefix !== prefix || child.stat?.ephemeralOwner !== keel.sessionId) continue;
    const path = joinPath(dir, child.name);
    try {
      const node = await keel.get(path);
      if (parseHolder(node.data)?.nonce === nonce) return { path, name: child.name, czxid: node.stat.czxid };
    } catch (error) {
      if (!(error instanceof NoNodeError)) throw error;
    }
  }
  return undefined;
}

/**
 * Deletes `path` only if it is still the node created at `czxid` (safe to retry: a retried delete
 * never removes a newer node that took the same path). Returns quietly when the node is gone.
 * One compare-and-delete multi, a single round trip: a lock's release is on the critical path of
 * every hand-over, where a read before the delete cost one more.
 */
export async function deleteOwn(keel: KeelClient, path: string, czxid: string, signal?: AbortSignal): Promise<void> {
  const ops = [
    { type: "check" as const, path, version: -1, czxid },
    { type: "delete" as const, path, version: -1 },
  ];
  for (let attempt = 0; attempt < 20; attempt++) {
    try {
      await keel.multi(ops, signal ? { signal } : {});
      return;
    } catch (error) {
      // Gone (NONODE), or another node now at the path (BADVERSION from the czxid check): not ours to delete.
      if (error instanceof NoNodeError || (error instanceof KeelClientError && error.code === "BADVERSION")) return;
      // Outcome unknown: try again; if the first one applied, the retry finds the node gone.
      if (error instanceof KeelClientError && error.outcomeUnknown) continue;
      throw error;
    }
  }
}

/**
 * Deletes our node in the background until it is gone or the session is (used when a waiter gives
 * up or a holder loses its lease while the session may live on: its node must not block others).
 */
export function deleteOwnInBackground(keel: KeelClient, path: string, czxid: string): void {
  retryInBackground(keel, () => deleteOwn(keel, path, czxid));
}

/** Runs `task` until it succeeds or the session ends, pausing longer after each failure. */
function retryInBackground(keel: KeelClient, task: () => Promise<void>): void {
  const run = async () => {
    for (let attempt = 0; attempt < 100; attempt++) {
      const name = keel.state.name;
      if (name === "expired" || name === "closed") return;
      try {
        await task();
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, Math.min(2000, 100 * (attempt + 1))));
      }
    }
  };
  void run();
}

export interface WaitOptions {
  readonly signal?: AbortSignal | undefined;
  /** performance.now() deadline; undefined waits for ever. */
  readonly deadline?: number | undefined;
  /** Fails the wait when the session is lost (default true). */
  readonly failOnSessionLoss?: boolean;
}

/**
 * Waits until `path` changes as `mode` reports it (deleted, for "exists" on a node that exists), or
 * until `recheck()` says the wait is over. The watch starts from the highest zxid the client has
 * seen, so a change after the caller's last read is replayed, never missed; `recheck` runs once
 * the watch is registered, for the belt and braces.
 */
export async function waitForChange(
  keel: KeelClient,
  path: string,
  mode: "exists" | "children",
  recheck: () => Promise<boolean>,
  options: WaitOptions,
): Promise<void> {
  const controller = new AbortController();
  const stopState = keel.onStateChange((state) => {
    const reason = sessionLostReason(state);
    if (reason && options.failOnSessionLoss !== false) controller.abort(new SessionLostError(reason, path));
  });
  const initialLoss = sessionLostReason(keel.state);
  if (initialLoss && options.failOnSessionLoss !== false) controller.abort(new SessionLostError(initialLoss, path));
  const onOuterAbort = () => controller.abort(abortReason(options.signal as AbortSignal));
  options.signal?.addEventListener("abort", onOuterAbort, { once: true });
  if (options.signal?.aborted) onOuterAbort();
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (options.deadline !== undefined) {
    timer = setTimeout(
      () => controller.abort(new WaitTimeoutError(`timed out waiting on ${path}`, path)),
      Math.max(0, options.deadline - performance.now()),
    );
  }
  try {
    if (controller.signal.aborted) throw abortReason(controller.signal);
    const watch = keel.watch(path, { mode, signal: controller.signal });
    try {
      await raceAbort(watch.ready, controller.signal);
      // The recheck's reads may hang on a dead connection: the wait ends when the session is lost.
      if (await raceAbort(recheck(), controller.signal)) return;
      for await (const _event of watch) return;
    } finally {
      watch.close();
    }
  } finally {
    stopState();
    options.signal?.removeEventListener("abort", onOuterAbort);
    if (timer !== undefined) clearTimeout(timer);
  }
}

/**
 * Who held a recipe instance over time, replayed from the audit feed (`log.events` entries for
 * paths under one instance, ascending zxid). Each entry creates or deletes queue nodes; after
 * each one the queue is judged again by the SDK's rules (queue-rules.ts), so a grant shows up at
 * the zxid of the change that made it, whichever node that change touched (the predecessor's
 * deletion for a lock, a writer's for readers).
 *
 * Deletions are told from creations by the live set: a queue node is created once and deleted
 * once (sequence numbers are never reused), so a path that is live and changed again went away.
 * Nodes deleted without having been seen created are skipped: pass `initial` (the queue just
 * before the first entry) when the feed does not start with an empty queue.
 *
 * A semaphore needs its permits (the audit feed carries no node data, so a count recorded in the
 * nodes cannot be read here): without them only the head of the queue counts as holding, and
 * the others show as queued and withdrawn, a lower bound on who held.
 */
import { compareSlots, type QueueRule, type QueueSlot, standingOf, validPermits } from "./queue-rules.js";
import {
  isQueuePrefix,
  parseRecipeNodePath,
  parseSequential,
  QUEUE_RECIPES,
  type QueueRecipe,
} from "./recipe-paths.js";

/** Why a node went, as the audit feed reports it (the api's DeleteCauseView, structurally). */
export interface AuditCause {
  readonly kind: string;
  readonly reason?: string;
  readonly sessionId?: string;
}

/** One audit-feed entry (the api's LogEntryView, structurally). */
export interface AuditEntry {
  readonly zxid: string;
  readonly timeMs: number;
  readonly op: string;
  readonly paths: readonly string[];
  /** The session that issued the txn. */
  readonly sessionId: string;
  /** For deletions: one per deleted path, in the order of `paths` (or one for them all). */
  readonly causes?: readonly AuditCause[];
}

export type HandOffKind = "acquired" | "released" | "forceReleased" | "expired" | "queued" | "withdrawn";

export interface HandOff {
  readonly zxid: string;
  readonly timeMs: number;
  readonly kind: HandOffKind;
  /** The queue node's full path. */
  readonly node: string;
  /** The session that owned the node (the contender), a decimal string. */
  readonly sessionId: string;
  /** Why a node went, when not a plain delete by its owner: the operator's reason, "session expired"... */
  readonly reason?: string;
  /** The session that deleted the node, when not its owner (an operator's force release). */
  readonly bySessionId?: string;
}

export interface HandOffOptions {
  /** Which rule decides; by default the recipe whose root the entries' paths are under. */
  readonly recipe?: QueueRecipe;
  /** A semaphore's permits; without them only the head of the queue is known to hold. */
  readonly permits?: number;
  /** The queue just before the first entry: node paths and their owning sessions. */
  readonly initial?: readonly { readonly node: string; readonly sessionId: string }[];
}

interface LiveNode extends QueueSlot {
  readonly node: string;
  readonly sessionId: string;
}

/** The ops that only delete: a path they name that is not live was never seen created. */
const DELETING_OPS = new Set(["delete", "forceRelease", "expireSession", "closeSession"]);

/** The cause an op implies when the entry carries none. */
const CAUSE_OF_OP: Readonly<Record<string, string>> = {
  delete: "delete",
  forceRelease: "forceRelease",
  expireSession: "sessionExpired",
  closeSession: "sessionClosed",
};

export function handOffHistory(entries: readonly AuditEntry[], options: HandOffOptions = {}): HandOff[] {
  const replay = new QueueReplay(options);
  const out: HandOff[] = [];
  for (const entry of entries) out.push(...replay.apply(entry));
  return out;
}

/** The live queue of one instance, advanced one audit entry at a time. */
class QueueReplay {
  private readonly live = new Map<string, LiveNode>();
  private recipe: QueueRecipe | undefined;
  private dir: string | undefined;
  private readonly permits: number | undefined;

  constructor(options: HandOffOptions) {
    this.recipe = options.recipe;
    this.permits = validPermits(options.permits);
    for (const seed of options.initial ?? []) {
      const slot = this.slotOf(seed.node);
      if (slot !== undefined) this.live.set(seed.node, { ...slot, node: seed.node, sessionId: seed.sessionId });
    }
  }

  /** The queue slot of `path` when it is a queue node of this instance (the first one seen fixes the instance). */
  private slotOf(path: string): QueueSlot | undefined {
    const parsed = parseRecipeNodePath(path);
    if (parsed === undefined) return undefined;
    const recipe = this.recipe ?? parsed.recipe;
    const dir = `${QUEUE_RECIPES[recipe].root}/${parsed.name}`;
    if (parsed.recipe !== recipe || (this.dir !== undefined && this.dir !== dir)) return undefined;
    const sequential = parseSequential(parsed.child);
    if (sequential === undefined || !isQueuePrefix(recipe, sequential.prefix)) return undefined;
    this.recipe = recipe;
    this.dir = dir;
    return { name: parsed.child, ...sequential };
  }

  private holders(): Set<string> {
    const held = new Set<string>();
    if (this.recipe === undefined) return held;
    const rule: QueueRule = { recipe: this.recipe, permits: this.permits };
    const queue = [...this.live.values()].sort(compareSlots);
    queue.forEach((entry, index) => {
      if (standingOf(rule, queue, index).type === "holds") held.add(entry.node);
    });
    return held;
  }

  apply(entry: AuditEntry): HandOff[] {
    const before = this.holders();
    const gone: HandOff[] = [];
    const created: string[] = [];
    entry.paths.forEach((path, index) => {
      const slot = this.slotOf(path);
      if (slot === undefined) return;
      const node = this.live.get(path);
      if (node !== undefined) {
        this.live.delete(path);
        gone.push(departure(entry, node, causeAt(entry, index), before.has(path)));
      } else if (!DELETING_OPS.has(entry.op)) {
        this.live.set(path, { ...slot, node: path, sessionId: entry.sessionId });
        created.push(path);
      }
    });
    const after = this.holders();
    const at = { zxid: entry.zxid, timeMs: entry.timeMs };
    const queued: HandOff[] = created
      .filter((path) => !after.has(path))
      .map((path) => ({ ...at, kind: "queued", node: path, sessionId: entry.sessionId }));
    const acquired: HandOff[] = [...this.live.values()]
      .sort(compareSlots)
      .filter((node) => after.has(node.node) && !before.has(node.node))
      .map((node) => ({ ...at, kind: "acquired", node: node.node, sessionId: node.sessionId }));
    return [...gone, ...queued, ...acquired];
  }
}

function causeAt(entry: AuditEntry, index: number): AuditCause {
  const causes = entry.causes ?? [];
  const cause = causes.length === entry.paths.length ? causes[index] : causes.length === 1 ? causes[0] : undefined;
  return cause ?? { kind: CAUSE_OF_OP[entry.op] ?? "delete", sessionId: entry.sessionId };
}

/** The event for a node that went: how a holder lost its hold, or that a waiter left the queue. */
function departure(entry: AuditEntry, node: LiveNode, cause: AuditCause, held: boolean): HandOff {
  const base = { zxid: entry.zxid, timeMs: entry.timeMs, node: node.node, sessionId: node.sessionId };
  const deleter = cause.sessionId ?? entry.sessionId;
  const by = deleter !== node.sessionId && cause.kind !== "sessionExpired" ? { bySessionId: deleter } : {};
  const reason = reasonOf(cause);
  const why = reason === undefined ? {} : { reason };
  if (!held) return { ...base, kind: "withdrawn", ...why, ...by };
  switch (cause.kind) {
    case "forceRelease":
      return { ...base, kind: "forceReleased", ...why, ...by };
    case "sessionExpired":
    case "ttlExpired":
      return { ...base, kind: "expired", ...why };
    default:
      return { ...base, kind: "released", ...why, ...by };
  }
}

/** A plain delete needs no reason; the others say what happened. */
function reasonOf(cause: AuditCause): string | undefined {
  switch (cause.kind) {
    case "delete":
      return undefined;
    case "forceRelease":
      return cause.reason ?? "force-released";
    case "sessionExpired":
      return "session expired";
    case "sessionClosed":
      return "session closed";
    case "ttlExpired":
      return "TTL expired";
    case "containerEmpty":
      return "container cleaned up";
    default:
      return cause.reason ?? cause.kind;
  }
}

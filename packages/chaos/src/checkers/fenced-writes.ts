/**
 * The fenced-write checks shared by the lock and election checkers. A holder writes the resource
 * through `multi([lease.fenceOp(), set])`: the check op fails once the holder's node is gone. So:
 * - in server order (zxid), the ok writes carry non-decreasing tokens: no holder writes after a
 *   newer holder wrote;
 * - no ok write was sent after a grant of a newer token had completed: that grant proves the old
 *   holder's node was deleted (a contender holds only when every node ahead of it, all older
 *   tokens, is gone from the state it read), and a check op applied after that deletion fails;
 * - paused-holder writes are counted by how they ended.
 */
import type { Outcome } from "../history.js";

/** A granted lock or leadership: `token` is the lease's fencing token (the czxid of its node, decimal). */
export interface Grant {
  readonly contender: number;
  readonly token: string;
  readonly invokeMs: number;
  readonly completeMs: number;
}

/** One fenced write of the resource: `multi([fenceOp, set(resource, value)])`. */
export interface FencedWrite {
  readonly contender: number;
  /** The token of the lease the write was fenced with. */
  readonly token: string;
  /** What it wrote: `<token>:<contender>:<n>`. */
  readonly value: string;
  readonly invokeMs: number;
  /**
   * For a write sent into a frozen ClientLink: the thaw. No server could receive the request
   * before it, so the write is judged as if sent then.
   */
  readonly heldUntilMs?: number;
  readonly completeMs: number | undefined;
  readonly outcome: Outcome;
  /** For ok writes: the zxid of the multi (the set's mzxid), its place in the server's order. */
  readonly zxid?: string;
  /** Sent by a holder that was paused (its link frozen past its session) and ignored its lost lease. */
  readonly pausedHolder: boolean;
  /**
   * How a paused holder's write went: into the frozen link, through the SDK after the thaw,
   * straight to a member over HTTP with the old session after the thaw, or the same without the
   * session (only the fence check stops it).
   */
  readonly via?: "frozen-link" | "sdk-after-thaw" | "direct-after-thaw" | "fence-only-after-thaw";
  /** How the outcome is known: the server's answer, or a linearizable read of the write's marker node. */
  readonly resolvedBy?: "answer" | "marker";
  readonly error?: string;
}

/** How a checker names things in its messages. */
export interface FencingWords {
  /** "holder" or "leader". */
  readonly holder: string;
  /** "token" or "term". */
  readonly token: string;
  /** "acquired" or "elected". */
  readonly granted: string;
}

export interface FencedWritesCheck {
  readonly anomalies: string[];
  readonly stats: Record<string, number>;
}

export function formatMs(ms: number | undefined): string {
  return ms === undefined ? "never" : `${ms.toFixed(1)} ms`;
}

export function checkFencedWrites(
  writes: readonly FencedWrite[],
  grants: readonly Grant[],
  words: FencingWords,
): FencedWritesCheck {
  return {
    anomalies: [...writesOutOfTokenOrder(writes, words), ...staleWritesAccepted(writes, grants, words)],
    stats: fencedWriteStats(writes),
  };
}

function describeWrite(write: FencedWrite, words: FencingWords): string {
  const sent =
    write.heldUntilMs === undefined
      ? `invoked at ${formatMs(write.invokeMs)}`
      : `sent at ${formatMs(write.invokeMs)} into a frozen link held until ${formatMs(write.heldUntilMs)}`;
  return `contender ${write.contender}'s write "${write.value}" with ${words.token} ${write.token} (${sent}, completed ${formatMs(write.completeMs)}, zxid ${write.zxid})`;
}

/** (c) The resource saw the ok writes in zxid order; a lower token after a higher one is an old holder writing late. */
function writesOutOfTokenOrder(writes: readonly FencedWrite[], words: FencingWords): string[] {
  const ordered = writes
    .filter((write) => write.outcome === "ok" && write.zxid !== undefined)
    .sort((a, b) => compareDecimal(a.zxid as string, b.zxid as string));
  const anomalies: string[] = [];
  let newest: FencedWrite | undefined;
  for (const write of ordered) {
    if (newest && compareDecimal(write.token, newest.token) < 0) {
      anomalies.push(
        `fenced write out of ${words.token} order: ${describeWrite(write, words)} was applied after ${describeWrite(newest, words)}; ` +
          `a ${words.holder} wrote after a newer ${words.holder} had written`,
      );
    }
    if (!newest || compareDecimal(write.token, newest.token) > 0) newest = write;
  }
  return anomalies;
}

/** (d) An ok write sent after a newer token's grant had completed passed a fence check that must fail. */
function staleWritesAccepted(writes: readonly FencedWrite[], grants: readonly Grant[], words: FencingWords): string[] {
  const anomalies: string[] = [];
  for (const write of writes) {
    if (write.outcome !== "ok") continue;
    const sentMs = Math.max(write.invokeMs, write.heldUntilMs ?? write.invokeMs);
    const newer = grants
      .filter((grant) => compareDecimal(grant.token, write.token) > 0 && grant.completeMs < sentMs)
      .sort((a, b) => a.completeMs - b.completeMs)[0];
    if (!newer) continue;
    anomalies.push(
      `fenced write from a ${write.pausedHolder ? "paused " : "stale "}${words.holder} accepted: ${describeWrite(write, words)}, ` +
        `but contender ${newer.contender} had already been ${words.granted} with the newer ${words.token} ${newer.token} at ${formatMs(newer.completeMs)}`,
    );
  }
  return anomalies;
}

function fencedWriteStats(writes: readonly FencedWrite[]): Record<string, number> {
  const stats: Record<string, number> = {
    "fenced write ok": 0,
    "fenced write fail": 0,
    "fenced write unknown": 0,
    "paused-holder write rejected": 0,
    "paused-holder write accepted": 0,
    "paused-holder write unknown": 0,
  };
  const bump = (key: string) => {
    stats[key] = (stats[key] ?? 0) + 1;
  };
  for (const write of writes) {
    if (!write.pausedHolder) {
      bump(`fenced write ${write.outcome}`);
      continue;
    }
    const ended = write.outcome === "ok" ? "accepted" : write.outcome === "fail" ? "rejected" : "unknown";
    bump(`paused-holder write ${ended}`);
    if (write.via) bump(`paused-holder write ${ended} (${write.via})`);
  }
  return stats;
}

/** Compares two non-negative decimal integers (zxids, tokens) of any size. */
export function compareDecimal(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Session deadlines that outlive their leader (docs/protocol.md §3.5, "Deadlines across a leader
 * change"). ZooKeeper and etcd (etcd#9395) give every session a fresh full timeout when a new
 * leader takes over, because only the dead leader knew when each was last touched; a client that
 * went silent just before the crash then lives up to a whole timeout too long. Keel's leader tells
 * its followers each deadline that changed on every PING (as time left, since members' clocks are
 * not comparable), and a follower reports what it knows in ACKEPOCH to the next leader, which keeps
 * the latest deadline any member of its discovery quorum knew.
 *
 * Why that never expires a session early: a keep-alive is answered only after a quorum echoed a
 * PING carrying its new deadline, and that quorum meets the next leader's discovery quorum. Time
 * left is measured when sent and added when received, so delays only make a deadline later. A
 * member that restarted knows nothing (its memory is in RAM), and a quorum that includes one makes
 * the new leader fall back to the fresh full timeout for every session: late, never early.
 */
import type { SessionId } from "../ids.js";
import { SESSION_DEADLINES_MAX } from "../limits.js";

/** `remainingMs` of a session that is gone (closed and applied): forget it. */
export const SESSION_GONE = -1;

/** A session's deadline as time left from the sender's "now"; 0 once it is expiring or closing. */
export interface SessionDeadline {
  readonly session: SessionId;
  readonly remainingMs: number;
}

/**
 * What one replica knows of the current leader's deadlines, on its own clock. `complete` once it
 * received a leader's full table (its first PING from a serving leader) or led itself; false after
 * a restart.
 */
export class DeadlineMemory {
  private readonly expiresAtMs = new Map<SessionId, number>();
  private complete = false;

  /** A leader's full table: replaces everything known before. */
  replace(deadlines: readonly SessionDeadline[], nowMs: number): void {
    this.expiresAtMs.clear();
    this.apply(deadlines, nowMs);
    this.complete = true;
  }

  /** Changes a leader sent since its last PING. */
  apply(deadlines: readonly SessionDeadline[], nowMs: number): void {
    for (const { session, remainingMs } of deadlines) {
      if (remainingMs === SESSION_GONE) this.expiresAtMs.delete(session);
      else this.expiresAtMs.set(session, nowMs + remainingMs);
    }
  }

  /**
   * What to tell the next leader (ACKEPOCH): undefined when this replica's memory is not complete,
   * or too big for one frame (an ACKEPOCH the leader could not decode would cost the link).
   */
  report(nowMs: number): SessionDeadline[] | undefined {
    if (!this.complete || this.expiresAtMs.size > SESSION_DEADLINES_MAX) return undefined;
    return [...this.expiresAtMs].map(([session, atMs]) => ({ session, remainingMs: Math.max(0, atMs - nowMs) }));
  }
}

/**
 * The deadlines a new leader gathers in discovery: its own memory and every ACKEPOCH's, the latest
 * per session. One member without a complete memory spoils it all (`inherited()` is undefined):
 * the confirmed deadline could have been known only to that member.
 */
export class InheritedDeadlines {
  private readonly latestMs = new Map<SessionId, number>();
  private spoiled = false;

  add(report: readonly SessionDeadline[] | undefined, nowMs: number): void {
    if (report === undefined) {
      this.spoiled = true;
      return;
    }
    for (const { session, remainingMs } of report) {
      const atMs = nowMs + remainingMs;
      if (atMs > (this.latestMs.get(session) ?? Number.NEGATIVE_INFINITY)) this.latestMs.set(session, atMs);
    }
  }

  /** Deadlines on this replica's clock, or undefined when every session must get a fresh timeout. */
  inherited(): ReadonlyMap<SessionId, number> | undefined {
    return this.spoiled ? undefined : this.latestMs;
  }
}

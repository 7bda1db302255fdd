/**
 * The leader's session expiry tracker (ZooKeeper's SessionTrackerImpl + ExpiryQueue): deadlines
 * rounded up into buckets of `expiryBucketMs`, so a touch moves a session between a few buckets
 * and expiry looks only at buckets whose time has come. No timers: the host calls `expired(now)`.
 * It is leader state only: rebuilt from the replicated SessionTable in `startLeading`, with the
 * deadlines the leader inherited from the previous one where it has them (session-deadlines.ts).
 *
 * It also remembers which sessions' deadlines changed since `drainChanges` last ran, so the leader
 * can tell its followers (PING), who hand them to the next leader (docs/protocol.md §3.5).
 */
import { assert } from "../assert.js";
import type { SessionId } from "../ids.js";
import { SESSION_GONE, type SessionDeadline } from "./session-deadlines.js";

export interface SessionTimeoutBounds {
  readonly timeoutMinMs: number;
  readonly timeoutMaxMs: number;
  readonly expiryBucketMs: number;
}

/** open → expiring (timed out, closeSession on its way) → closing (closeSession prepared). */
type SessionState = "open" | "expiring" | "closing";

interface TrackedSession {
  timeoutMs: number;
  expiresAtMs: number;
  state: SessionState;
}

export class SessionTracker {
  private readonly sessions = new Map<SessionId, TrackedSession>();
  private readonly buckets = new Map<number, Set<SessionId>>();
  /** Sessions whose deadline or state changed since the last `drainChanges` (insertion order). */
  private readonly changed = new Set<SessionId>();

  constructor(readonly bounds: SessionTimeoutBounds) {
    assert(bounds.timeoutMinMs > 0 && bounds.timeoutMinMs <= bounds.timeoutMaxMs, "session timeout bounds");
    assert(bounds.expiryBucketMs > 0, "expiryBucketMs must be positive");
  }

  /** Clamps a client's proposed timeout to [min, max] (docs/data-model.md §6). */
  negotiateTimeoutMs(requestedMs: number): number {
    return Math.min(this.bounds.timeoutMaxMs, Math.max(this.bounds.timeoutMinMs, Math.trunc(requestedMs)));
  }

  add(sessionId: SessionId, timeoutMs: number, nowMs: number): void {
    assert(!this.sessions.has(sessionId), `tracker: session ${sessionId} already tracked`);
    const session: TrackedSession = { timeoutMs, expiresAtMs: 0, state: "open" };
    this.sessions.set(sessionId, session);
    this.schedule(sessionId, session, nowMs);
  }

  /**
   * A session known before this leader, with the deadline it inherited (`expiresAtMs`, on this
   * replica's clock). Clamped to [now, now + timeout]: a passed deadline expires at the next
   * housekeeping, and nothing lives longer than a fresh timeout would give it.
   */
  restore(sessionId: SessionId, timeoutMs: number, expiresAtMs: number, nowMs: number): void {
    assert(!this.sessions.has(sessionId), `tracker: session ${sessionId} already tracked`);
    const session: TrackedSession = { timeoutMs, expiresAtMs: 0, state: "open" };
    this.sessions.set(sessionId, session);
    this.scheduleAt(sessionId, session, Math.min(Math.max(expiresAtMs, nowMs), nowMs + timeoutMs));
  }

  /** Activity on an open session pushes its deadline to now + timeout. False when it is not open. */
  touch(sessionId: SessionId, nowMs: number): boolean {
    const session = this.sessions.get(sessionId);
    if (session === undefined || session.state !== "open") return false;
    this.schedule(sessionId, session, nowMs);
    return true;
  }

  private schedule(sessionId: SessionId, session: TrackedSession, nowMs: number): void {
    this.scheduleAt(sessionId, session, nowMs + session.timeoutMs);
  }

  private scheduleAt(sessionId: SessionId, session: TrackedSession, deadlineMs: number): void {
    const bucketMs = this.bounds.expiryBucketMs;
    // Round *up* to the next bucket boundary so a session never expires early (ExpiryQueue.roundToNextInterval).
    const expiresAtMs = (Math.floor(deadlineMs / bucketMs) + 1) * bucketMs;
    if (expiresAtMs === session.expiresAtMs) return;
    this.changed.add(sessionId);
    this.unschedule(sessionId, session);
    session.expiresAtMs = expiresAtMs;
    let bucket = this.buckets.get(expiresAtMs);
    if (bucket === undefined) {
      bucket = new Set();
      this.buckets.set(expiresAtMs, bucket);
    }
    bucket.add(sessionId);
  }

  private unschedule(sessionId: SessionId, session: TrackedSession): void {
    const bucket = this.buckets.get(session.expiresAtMs);
    if (bucket === undefined) return;
    bucket.delete(sessionId);
    if (bucket.size === 0) this.buckets.delete(session.expiresAtMs);
  }

  /** True when requests of this session may still be prepared. */
  isActive(sessionId: SessionId): boolean {
    return this.sessions.get(sessionId)?.state === "open";
  }

  isTracked(sessionId: SessionId): boolean {
    return this.sessions.has(sessionId);
  }

  /** Marks a session closing as its closeSession is prepared; false when unknown or already closing. */
  setClosing(sessionId: SessionId): boolean {
    const session = this.sessions.get(sessionId);
    if (session === undefined || session.state === "closing") return false;
    this.unschedule(sessionId, session);
    session.state = "closing";
    this.changed.add(sessionId);
    return true;
  }

  /**
   * Sessions whose deadline is ≤ `nowMs`, at most `countMax`, oldest bucket first and by id within
   * a bucket (deterministic). They become "expiring": no longer active, no longer touched.
   */
  expired(nowMs: number, countMax: number): SessionId[] {
    const out: SessionId[] = [];
    const due = [...this.buckets.keys()].filter((at) => at <= nowMs).sort((a, b) => a - b);
    for (const at of due) {
      const bucket = this.buckets.get(at);
      if (bucket === undefined) continue;
      const ids = [...bucket].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const sessionId of ids) {
        if (out.length >= countMax) return out;
        const session = this.sessions.get(sessionId);
        assert(session !== undefined && session.state === "open", "tracker: bucket holds a non-open session");
        this.unschedule(sessionId, session);
        session.state = "expiring";
        this.changed.add(sessionId);
        out.push(sessionId);
      }
    }
    return out;
  }

  remove(sessionId: SessionId): void {
    const session = this.sessions.get(sessionId);
    if (session === undefined) return;
    this.unschedule(sessionId, session);
    this.sessions.delete(sessionId);
    this.changed.add(sessionId);
  }

  /** Deadlines changed since the last call, at most `countMax` (the rest wait for the next call). */
  drainChanges(nowMs: number, countMax: number): SessionDeadline[] {
    const out: SessionDeadline[] = [];
    for (const sessionId of this.changed) {
      if (out.length >= countMax) break;
      this.changed.delete(sessionId);
      out.push({ session: sessionId, remainingMs: this.remainingMs(sessionId, nowMs) });
    }
    return out;
  }

  /** Every tracked session's deadline (the first PING a follower gets from a serving leader carries them all). */
  deadlines(nowMs: number): SessionDeadline[] {
    return [...this.sessions.keys()].map((sessionId) => ({
      session: sessionId,
      remainingMs: this.remainingMs(sessionId, nowMs),
    }));
  }

  /** Time left before expiry; 0 once expiring or closing (its closeSession is on its way). */
  private remainingMs(sessionId: SessionId, nowMs: number): number {
    const session = this.sessions.get(sessionId);
    if (session === undefined) return SESSION_GONE;
    return session.state === "open" ? Math.max(0, session.expiresAtMs - nowMs) : 0;
  }

  /** Deadline of an open session (for tests and status pages). */
  expiresAtMs(sessionId: SessionId): number | undefined {
    const session = this.sessions.get(sessionId);
    return session?.state === "open" ? session.expiresAtMs : undefined;
  }

  clear(): void {
    this.sessions.clear();
    this.buckets.clear();
    this.changed.clear();
  }

  get size(): number {
    return this.sessions.size;
  }
}

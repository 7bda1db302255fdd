/**
 * The leader's session expiry tracker (ZooKeeper's SessionTrackerImpl + ExpiryQueue): deadlines
 * rounded up into buckets of `expiryBucketMs`, so a touch moves a session between a few buckets
 * and expiry looks only at buckets whose time has come. No timers: the host calls `expired(now)`.
 * It is leader state only: rebuilt from the replicated SessionTable in `startLeading`.
 */
import { assert } from "../assert.js";
import type { SessionId } from "../ids.js";

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

  /** Activity on an open session pushes its deadline to now + timeout. False when it is not open. */
  touch(sessionId: SessionId, nowMs: number): boolean {
    const session = this.sessions.get(sessionId);
    if (session === undefined || session.state !== "open") return false;
    this.schedule(sessionId, session, nowMs);
    return true;
  }

  private schedule(sessionId: SessionId, session: TrackedSession, nowMs: number): void {
    const bucketMs = this.bounds.expiryBucketMs;
    // Round *up* to the next bucket boundary so a session never expires early (ExpiryQueue.roundToNextInterval).
    const expiresAtMs = (Math.floor((nowMs + session.timeoutMs) / bucketMs) + 1) * bucketMs;
    if (expiresAtMs === session.expiresAtMs) return;
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
  }

  /** Deadline of an open session (for tests and status pages). */
  expiresAtMs(sessionId: SessionId): number | undefined {
    const session = this.sessions.get(sessionId);
    return session?.state === "open" ? session.expiresAtMs : undefined;
  }

  clear(): void {
    this.sessions.clear();
    this.buckets.clear();
  }

  get size(): number {
    return this.sessions.size;
  }
}

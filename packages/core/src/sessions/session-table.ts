/**
 * The replicated session table (docs/data-model.md §6): which sessions exist, their
 * negotiated timeout and password. Every replica learns sessions from createSession/closeSession
 * txns, so any of them can validate a reconnect and a new leader can rebuild its expiry tracker.
 * Deadlines are not here: only the leader's SessionTracker knows time.
 */
import { assert } from "../assert.js";
import type { SessionId } from "../ids.js";

export interface SessionRecord {
  readonly sessionId: SessionId;
  readonly timeoutMs: number;
  readonly password: Uint8Array;
  /** The createSession txn's time (the leader's clock); absent for sessions restored from a format 1-2 snapshot. */
  readonly createdAtMs?: number;
  /** Where the client connected from, when the createSession recorded it. */
  readonly clientAddress?: string;
}

export class SessionTable {
  private readonly records = new Map<SessionId, SessionRecord>();

  add(record: SessionRecord): void {
    assert(!this.records.has(record.sessionId), `session ${record.sessionId} already exists`);
    this.records.set(record.sessionId, record);
  }

  remove(sessionId: SessionId): void {
    assert(this.records.delete(sessionId), `session ${sessionId} does not exist`);
  }

  get(sessionId: SessionId): SessionRecord | undefined {
    return this.records.get(sessionId);
  }

  has(sessionId: SessionId): boolean {
    return this.records.has(sessionId);
  }

  get size(): number {
    return this.records.size;
  }

  /** Sessions ordered by id, so snapshots and digests are canonical. */
  sorted(): SessionRecord[] {
    return [...this.records.values()].sort((a, b) =>
      a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0,
    );
  }

  /** True when `password` matches the session's (a reconnect check; constant-time is the server's concern). */
  passwordMatches(sessionId: SessionId, password: Uint8Array): boolean {
    const record = this.records.get(sessionId);
    if (record === undefined || record.password.length !== password.length) return false;
    let diff = 0;
    for (let i = 0; i < password.length; i++) diff |= (record.password[i] as number) ^ (password[i] as number);
    return diff === 0;
  }
}

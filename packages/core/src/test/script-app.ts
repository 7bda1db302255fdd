/**
 * The replicated application of the data-driven protocol scripts: a request is a short text, the
 * txn is that text unchanged, and the state is the list of applied txns. Readable in script output,
 * and enough to show which txns a replica holds, applies, truncates or receives in a snapshot.
 */
import { assert } from "../assert.js";
import type { SessionId, Zxid } from "../ids.js";
import { ZXID_ZERO } from "../ids.js";
import type { SessionDeadline } from "../sessions/session-deadlines.js";
import type { LeaderApplication } from "../zab/application.js";
import type { LogEntry, Snapshot } from "../zab/io.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function textBytes(text: string): Uint8Array {
  return encoder.encode(text);
}

export function bytesText(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export class ScriptApp implements LeaderApplication {
  leading = false;

  /** `expiredSessions`: the sessions a script declared expired (a leader refuses to touch them). */
  constructor(private readonly expiredSessions: ReadonlySet<SessionId> = new Set()) {}

  startLeading(): void {
    assert(!this.leading, "script app: startLeading twice");
    this.leading = true;
  }

  stopLeading(): void {
    this.leading = false;
  }

  prepare(request: Uint8Array): Uint8Array {
    assert(this.leading, "script app: prepare while not leading");
    return request;
  }

  touchSessions(sessions: readonly SessionId[]): readonly SessionId[] {
    return sessions.filter((session) => this.expiredSessions.has(session));
  }

  drainDeadlineChanges(): SessionDeadline[] {
    return [];
  }

  sessionDeadlines(): SessionDeadline[] {
    return [];
  }

  housekeeping(): Uint8Array[] {
    return [];
  }
}

/** What a host has applied: the state machine of the scripts. */
export class ScriptState {
  applied: { zxid: Zxid; text: string }[] = [];

  get lastZxid(): Zxid {
    return this.applied.at(-1)?.zxid ?? ZXID_ZERO;
  }

  apply(entries: readonly LogEntry[]): void {
    for (const entry of entries) {
      assert(entry.zxid > this.lastZxid, "script state: applied zxids must increase");
      this.applied.push({ zxid: entry.zxid, text: bytesText(entry.txn) });
    }
  }

  snapshot(): Snapshot {
    const json = JSON.stringify(this.applied.map((a) => [a.zxid.toString(), a.text]));
    return { zxid: this.lastZxid, chunks: [textBytes(json)] };
  }

  static fromSnapshot(snapshot: Snapshot | undefined): ScriptState {
    const state = new ScriptState();
    if (snapshot === undefined) return state;
    const rows = JSON.parse(snapshot.chunks.map(bytesText).join("")) as [string, string][];
    state.applied = rows.map(([zxid, text]) => ({ zxid: BigInt(zxid) as Zxid, text }));
    assert(state.lastZxid === snapshot.zxid, "script state: snapshot zxid");
    return state;
  }
}

/**
 * One sessions table from every member's `session.list`. The replicated fields (timeout,
 * ephemerals, creation time, client address) are the same on every member up to replication lag;
 * `attached` is set only by the member holding the session's connection, so it is taken from
 * whichever listing has it (the freshest heartbeat wins if a session just moved and an old member
 * still reports it). Pure, unit-tested.
 */
import type { SessionAttachmentView, SessionListView, SessionSummaryView } from "@keel/api";

export interface MemberListing {
  readonly url: string;
  /** Undefined while loading or when the member did not answer. */
  readonly listing: SessionListView | undefined;
  /** When the listing arrived (browser clock); 0 when unknown. */
  readonly listedAtMs?: number;
}

export interface MergedSession extends Omit<SessionSummaryView, "attached"> {
  readonly attached: SessionAttachmentView | null;
  /** The URL of the member whose listing carries `attached`. */
  readonly attachedUrl: string | null;
  /** When that listing arrived: heartbeat health is judged as of then, since heartbeats are not pushed. */
  readonly attachedListedAtMs: number | null;
  /** How many members listed the session (a lagging member may not know a new one yet). */
  readonly listedBy: number;
}

export interface MergedSessions {
  readonly sessions: MergedSession[];
  /** Some member listed only part of its sessions (its `limit`). */
  readonly truncated: boolean;
  /** Members whose listing is in. */
  readonly answered: number;
}

const bySessionId = (a: MergedSession, b: MergedSession): number => {
  const left = BigInt(a.sessionId);
  const right = BigInt(b.sessionId);
  return left < right ? -1 : left > right ? 1 : 0;
};

export function mergeSessionListings(listings: readonly MemberListing[]): MergedSessions {
  const merged = new Map<string, MergedSession>();
  let truncated = false;
  let answered = 0;
  for (const { url, listing, listedAtMs = 0 } of listings) {
    if (listing === undefined) continue;
    answered += 1;
    truncated ||= listing.truncated;
    for (const session of listing.sessions) {
      const known = merged.get(session.sessionId);
      // `?? null`: a member still running an older build omits the field.
      const attachedHere = session.attached ?? null;
      const takeAttachment =
        attachedHere !== null &&
        (known?.attached == null || attachedHere.lastHeartbeatMs > known.attached.lastHeartbeatMs);
      const base = known ?? { ...session, attached: null, attachedUrl: null, attachedListedAtMs: null, listedBy: 0 };
      merged.set(session.sessionId, {
        ...base,
        // A member that recorded what another did not (an older session's creation) fills the gap.
        createdAtMs: base.createdAtMs ?? session.createdAtMs,
        clientAddress: base.clientAddress ?? session.clientAddress,
        attached: takeAttachment ? attachedHere : base.attached,
        attachedUrl: takeAttachment ? url : base.attachedUrl,
        attachedListedAtMs: takeAttachment ? listedAtMs : base.attachedListedAtMs,
        listedBy: base.listedBy + 1,
      });
    }
  }
  return { sessions: [...merged.values()].sort(bySessionId), truncated, answered };
}

export type HeartbeatHealth = "fresh" | "late" | "suspect" | "unknown";

/**
 * How worried to be about a session's last heartbeat, by the SDK's own rule (docs/client.md):
 * a client with no confirmation for 2/3 of its timeout is suspect; a third is already late.
 */
export function heartbeatHealth(
  lastHeartbeatMs: number | undefined,
  timeoutMs: number,
  nowMs: number,
): HeartbeatHealth {
  if (lastHeartbeatMs === undefined) return "unknown";
  const silentMs = Math.max(0, nowMs - lastHeartbeatMs);
  if (silentMs * 3 >= timeoutMs * 2) return "suspect";
  if (silentMs * 3 >= timeoutMs) return "late";
  return "fresh";
}

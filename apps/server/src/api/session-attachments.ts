/**
 * Which sessions are attached (session.attach) to this member, from where and since when: the
 * `attached` field of `session.list`, which only the member holding the connection can fill in.
 * One entry per attached session (the latest attach wins; its stream's end removes only its own
 * entry), so the map is bounded by the WebSockets this server admits.
 */
import type { SessionAttachmentView } from "@keel/api";
import type { SessionId } from "@keel/core";

export interface Attachment {
  readonly clientAddress: string;
  readonly sinceMs: number;
  lastHeartbeatMs: number;
  /** The connection's watch-stream count, read live. */
  readonly watchStreams: () => number;
}

export class SessionAttachments {
  private readonly bySession = new Map<SessionId, Attachment>();

  constructor(private readonly serverId: number) {}

  /** Records an attach; returns the function that removes exactly this attachment. */
  attach(sessionId: SessionId, attachment: Attachment): () => void {
    this.bySession.set(sessionId, attachment);
    return () => {
      if (this.bySession.get(sessionId) === attachment) this.bySession.delete(sessionId);
    };
  }

  /** The session showed life on this server (a touch, a keep-alive). */
  touched(sessionId: SessionId, atMs: number): void {
    const attachment = this.bySession.get(sessionId);
    if (attachment !== undefined) attachment.lastHeartbeatMs = atMs;
  }

  view(sessionId: SessionId): SessionAttachmentView | null {
    const attachment = this.bySession.get(sessionId);
    if (attachment === undefined) return null;
    return {
      serverId: this.serverId,
      clientAddress: attachment.clientAddress,
      sinceMs: attachment.sinceMs,
      lastHeartbeatMs: attachment.lastHeartbeatMs,
      watches: attachment.watchStreams(),
    };
  }

  get size(): number {
    return this.bySession.size;
  }
}

/**
 * The ZooKeeper-port sessions bound to this server's connections: which connection holds which
 * session, their liveness, and the events that end a connection (docs/zookeeper-compat.md,
 * "Sessions").
 *
 * - Liveness: any request a client sends keeps its session alive, as in ZooKeeper. Requests only
 *   mark the session active; once per tick the active sessions are touched in one batch (forwarded
 *   to the leader with the next PING), so a busy connection costs no replica step per request.
 * - A session ended by a committed closeSession (expiry, an operator, or the client itself) closes
 *   the connection that holds it; the client then learns it is expired when it reconnects.
 * - When this server stops serving, every connection closes at once, as ZooKeeper closes client
 *   connections when it loses its leader: the clients move to a serving member (robustness issue,
 *   case 3), where their sessions live on.
 */
import type { SessionId } from "@keel/core";
import type { SessionAttachments } from "../api/session-attachments.js";
import type { ReplicaHost } from "../replica-host.js";

export interface SessionHolder {
  /** Ends the connection: `why` goes to the log. */
  close(why: string): void;
  /** Its session was closed or expired by a committed txn. */
  sessionEnded(): void;
  /** The connection's watch count (session.list's attachment). */
  readonly watchCount: number;
}

export class ZkSessions {
  private readonly holders = new Map<SessionId, SessionHolder>();
  private readonly detachers = new Map<SessionId, () => void>();
  private active = new Set<SessionId>();
  private readonly timer: NodeJS.Timeout;
  private readonly unsubscribe: (() => void)[];
  private readonly connections = new Set<SessionHolder>();

  constructor(
    private readonly host: ReplicaHost,
    private readonly attachments: SessionAttachments,
    private readonly clock: () => number,
    tickMs: number,
  ) {
    this.timer = setInterval(() => this.flushTouches(), tickMs);
    this.timer.unref();
    this.unsubscribe = [
      host.onApplied((applied) => {
        if (applied.result.type !== "closeSession") return;
        this.holders.get(applied.result.sessionId)?.sessionEnded();
      }),
      host.onStopServing((reason) => {
        for (const connection of [...this.connections]) connection.close(`this server stopped serving (${reason})`);
      }),
    ];
  }

  /** Every open connection, with or without a session (closed together when serving stops). */
  opened(connection: SessionHolder): void {
    this.connections.add(connection);
  }

  /** Binds `sessionId` to `holder`, closing the connection of this server that held it before. */
  bind(sessionId: SessionId, holder: SessionHolder, clientAddress: string): void {
    const previous = this.holders.get(sessionId);
    if (previous !== undefined && previous !== holder) previous.close("its session moved to a new connection");
    this.holders.set(sessionId, holder);
    const nowMs = this.clock();
    this.detachers.get(sessionId)?.();
    this.detachers.set(
      sessionId,
      this.attachments.attach(sessionId, {
        clientAddress,
        sinceMs: nowMs,
        lastHeartbeatMs: nowMs,
        watchStreams: () => holder.watchCount,
      }),
    );
    this.markActive(sessionId);
  }

  /** The connection closed: it no longer holds anything (its session lives on until it times out). */
  closed(holder: SessionHolder, sessionId: SessionId | undefined): void {
    this.connections.delete(holder);
    if (sessionId === undefined || this.holders.get(sessionId) !== holder) return;
    this.holders.delete(sessionId);
    this.detachers.get(sessionId)?.();
    this.detachers.delete(sessionId);
  }

  /** The client sent something: its session counts as alive at the next touch. */
  markActive(sessionId: SessionId): void {
    this.active.add(sessionId);
  }

  get sessionCount(): number {
    return this.holders.size;
  }

  private flushTouches(): void {
    if (this.active.size === 0) return;
    const sessions = [...this.active];
    this.active = new Set();
    this.host.touch(sessions);
    const nowMs = this.clock();
    for (const id of sessions) this.attachments.touched(id, nowMs);
  }

  stop(): void {
    clearInterval(this.timer);
    for (const stop of this.unsubscribe) stop();
  }
}

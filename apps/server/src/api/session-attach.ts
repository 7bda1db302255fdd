/**
 * A session bound to a WebSocket: while the `session.attach` subscription is open, this server
 * touches the session (forwarded to the leader on PING replies), so it lives as long as the
 * connection; the WebSocket's own ping/pong detects a dead client. The client may re-attach on any
 * server within the timeout, unless that server has applied less than the client has seen.
 *
 * When this server stops serving (it lost its leader or quorum), its touches no longer reach the
 * leader, which may expire the session while this server cannot tell: the stream says
 * `disconnected` and ends at once, so the client moves on (robustness issue, case 3).
 */
import type { AttachOptions, SessionEventView } from "@keel/api";
import { keelError, type SessionId } from "@keel/core";
import type { ReplicaHost } from "../replica-host.js";
import { AsyncQueue } from "./async-queue.js";
import type { SessionAttachments } from "./session-attachments.js";

/** Touches per session timeout: a lost touch or two must not expire a healthy session. */
const TOUCHES_PER_TIMEOUT = 4;

/** Where attachments are recorded (session.list's `attached`), and the clock they are stamped with. */
export interface AttachRecording {
  readonly attachments: SessionAttachments;
  readonly clock: () => number;
}

export async function* attachStream(
  host: ReplicaHost,
  options: AttachOptions,
  authenticate: () => { id: SessionId; timeoutMs: number },
  recording: AttachRecording,
): AsyncGenerator<SessionEventView> {
  const lastApplied = host.state.lastAppliedZxid;
  if (options.lastZxidSeen > lastApplied) {
    throw keelError(
      "NOTREADY",
      `this server is behind the client (it has applied zxid ${lastApplied}, the client has seen ${options.lastZxidSeen}); try another server`,
    );
  }
  const { id, timeoutMs } = authenticate();
  const queue = new AsyncQueue<SessionEventView>(16, options.signal);
  queue.push({
    type: "attached",
    sessionId: id.toString(),
    timeoutMs,
    serverId: host.selfId,
    lastZxid: lastApplied.toString(),
  });
  const { attachments, clock } = recording;
  const attachedAtMs = clock();
  const detach = attachments.attach(id, {
    clientAddress: options.clientAddress ?? "unknown",
    sinceMs: attachedAtMs,
    lastHeartbeatMs: attachedAtMs,
    watchStreams: () => options.connection?.watchStreams ?? 0,
  });
  const touch = () => {
    host.touch([id]);
    attachments.touched(id, clock());
  };
  touch();
  const timer = setInterval(touch, Math.max(10, Math.floor(timeoutMs / TOUCHES_PER_TIMEOUT)));
  const stopListening = host.onApplied((applied) => {
    if (applied.result.type === "closeSession" && applied.result.sessionId === id) {
      queue.push({ type: "expired", sessionId: id.toString() });
      queue.end();
    }
  });
  const stopServing = host.onStopServing((reason) => {
    queue.push({ type: "disconnected", sessionId: id.toString(), serverId: host.selfId, reason });
    queue.end();
  });
  try {
    yield* queue;
  } finally {
    clearInterval(timer);
    detach();
    stopListening();
    stopServing();
  }
}

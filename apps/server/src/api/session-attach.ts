/**
 * A session bound to a WebSocket: while the `session.attach` subscription is open and its client is
 * heard, this server touches the session (forwarded to the leader on PING replies). Each touch
 * interval it also pings the client, and "heard" means the client sent a frame (a call, a
 * keep-alive, a pong) within a third of the timeout. A live client answers pings on its own; a
 * frozen one (SIGSTOP, a long GC pause) keeps its socket open but cannot. Renewing on the open
 * socket alone, as before, kept a hung lock holder's session, and its locks, until the server's
 * own liveness ping gave up on the socket (up to 10 s past the timeout with the defaults; the chaos
 * harness's paused-holder contenders found it). The client may re-attach on any server within the
 * timeout, unless that server has applied less than the client has seen.
 *
 * The stream's first event, `attached`, is sent only after the leader confirmed the session is
 * still open (ReplicaHost.confirmSession), as a keep-alive's answer is.
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
/** A client silent for more than timeout / this is no longer renewed by its attachment. */
const HEARD_WITHIN_FRACTION = 3;

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
  // "attached" is a confirmation the client times its session from: the leader must have extended
  // the deadline, not merely been told (it may already be closing the session).
  await host.confirmSession(id);
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
    options.connection?.probe?.();
    const lastHeardMs = options.connection?.lastHeardMs;
    if (lastHeardMs !== undefined && performance.now() - lastHeardMs > timeoutMs / HEARD_WITHIN_FRACTION) return;
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

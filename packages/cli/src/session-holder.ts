/**
 * Holds a session open over HTTP for `create -e`: keepAlive every third of the timeout, through
 * any server. It follows the API's client-side rule (docs/api.md, "Sessions: the client-side
 * rule"): with no confirmation for 2/3 of the timeout the session is reported as possibly
 * expired; SESSIONEXPIRED from the ensemble ends it for certain.
 */
import type { SessionView } from "@keel/api";
import { CliError } from "./cli-error.js";
import type { ConnectionSettings } from "./connection.js";
import { classify, Remote } from "./remote.js";

export type SessionEnd = { kind: "aborted" } | { kind: "expired"; message: string };

export async function openSession(remote: Remote, timeoutMs: number): Promise<SessionView> {
  return remote.write((client, signal) => client.session.open.mutate({ timeoutMs }, { signal }));
}

/**
 * Keeps `session` alive until `signal` aborts (then closes it, deleting its ephemerals) or the
 * ensemble says it expired. `onSuspect` fires once per stretch without confirmation.
 */
export async function holdSession(
  servers: readonly string[],
  connection: ConnectionSettings,
  session: SessionView,
  signal: AbortSignal,
  onSuspect: (message: string) => void,
): Promise<SessionEnd> {
  const ref = { sessionId: session.sessionId, secret: session.secret };
  const interval = Math.max(50, Math.floor(session.timeoutMs / 3));
  // Each keepAlive round (over every server) is bounded by the interval, so a dead server cannot
  // hold the loop past the point where the session should be suspected.
  const remote = new Remote({ servers, timeoutMs: interval, connection });
  let lastConfirmed = Date.now();
  let suspected = false;
  while (!signal.aborted) {
    await sleep(interval, signal);
    if (signal.aborted) break;
    try {
      await remote.read((client, callSignal) => client.session.keepAlive.mutate(ref, { signal: callSignal }));
      lastConfirmed = Date.now();
      suspected = false;
    } catch (error) {
      const failure =
        error instanceof CliError ? { keelCode: error.keelCode, message: error.message } : classify(error);
      if (failure.keelCode === "SESSIONEXPIRED" || failure.keelCode === "AUTHFAILED")
        return { kind: "expired", message: failure.message };
      if (!suspected && Date.now() - lastConfirmed > (session.timeoutMs * 2) / 3) {
        suspected = true;
        onSuspect(`no server confirmed session ${session.sessionId} for 2/3 of its timeout: it may have expired`);
      }
    }
  }
  try {
    const closer = new Remote({ servers, timeoutMs: session.timeoutMs, connection });
    await closer.write((client, callSignal) => client.session.close.mutate(ref, { signal: callSignal }));
  } catch {
    // Closing is a courtesy: an unclosed session expires by itself after its timeout.
  }
  return { kind: "aborted" };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * What a failed call means for the history (docs/errors.md, "The three retry rules"):
 * - the server's `retry: "safe"` (NOTREADY, THROTTLEDOP) and `"final"` (BADVERSION, NONODE, …)
 *   answers say the request was not applied: `fail`;
 * - `retry: "unknown"` (CONNECTIONLOSS, OPERATIONTIMEOUT, REQUESTTIMEOUT, SYSTEMERROR), a
 *   client-side timeout, or a connection that broke after the request may have gone out: `unknown`;
 * - a refused connection never sent the request: `fail`.
 * Reads change nothing, so an unanswered read is as good as one never made: Jepsen records it as
 * `fail` too, which spares the checker an operation that could linearize anywhere.
 */
import { keelCodeOf, retryClassOf } from "@keel/testkit";
import { TRPCClientError } from "@trpc/client";
import type { Outcome } from "../history.js";
import { unreachable } from "./util.js";

export interface FailedCall {
  readonly outcome: Exclude<Outcome, "ok">;
  /** For the report: the Keel code, or what went wrong on the wire. */
  readonly error: string;
  /**
   * Whether this member could not serve the call (down, stopped, not in a quorum): the process
   * should move to another member. A definite answer about the data (BADVERSION) is not.
   */
  readonly memberUnavailable: boolean;
}

export function classifyFailure(
  error: unknown,
  context: { readonly isRead: boolean; readonly timedOut: boolean; readonly timeoutMs: number },
): FailedCall {
  const outcomeFor = (written: Exclude<Outcome, "ok">) => (context.isRead ? "fail" : written);
  if (context.timedOut) {
    return { outcome: outcomeFor("unknown"), error: `timeout after ${context.timeoutMs} ms`, memberUnavailable: true };
  }
  if (!(error instanceof TRPCClientError)) {
    // Not an answer from the wire at all: nothing says the request did not go out.
    return { outcome: outcomeFor("unknown"), error: describe(error), memberUnavailable: true };
  }
  const code = keelCodeOf(error);
  const retry = retryClassOf(error);
  if (code === undefined) {
    const refused = retry === "safe";
    return {
      outcome: refused ? "fail" : outcomeFor("unknown"),
      error: refused ? "connection refused" : `network: ${describe(error)}`,
      memberUnavailable: true,
    };
  }
  switch (retry) {
    case "safe":
      return { outcome: "fail", error: code, memberUnavailable: true };
    case "final":
      return { outcome: "fail", error: code, memberUnavailable: false };
    case "unknown":
      return { outcome: outcomeFor("unknown"), error: code, memberUnavailable: true };
    default:
      return unreachable(retry);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error.cause as { code?: unknown; cause?: { code?: unknown } } | undefined) ?? undefined;
  const code = cause?.code ?? cause?.cause?.code;
  return typeof code === "string" ? `${error.message} (${code})` : error.message;
}

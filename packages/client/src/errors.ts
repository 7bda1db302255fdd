/**
 * Typed errors keyed on `keelCode` (docs/errors.md). Every failure the SDK reports is a
 * `KeelClientError` whose `retry` says what a caller may do: `safe` (not applied), `unknown` (a
 * write may have applied: read before retrying) or `final`. The common codes have their own
 * classes so callers can write `catch (e) { if (e instanceof NoNodeError) ... }`.
 */

export type RetryRule = "safe" | "unknown" | "final";

export class KeelClientError extends Error {
  override name = "KeelClientError";
  constructor(
    /** ZooKeeper's code name (NONODE, BADVERSION, ...) or Keel's own (NOTREADY) or the SDK's (LOCKLOST, ...). */
    readonly code: string,
    message: string,
    readonly retry: RetryRule,
    readonly path: string | undefined = undefined,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }

  /** True when a write failed in a way that leaves its outcome unknown: read before retrying. */
  get outcomeUnknown(): boolean {
    return this.retry === "unknown";
  }
}

type ErrorArgs = [message: string, path?: string, options?: { cause?: unknown }];

function codeClass(code: string, retry: RetryRule, name: string) {
  const named = class extends KeelClientError {
    override name = name;
    constructor(...[message, path, options]: ErrorArgs) {
      super(code, message, retry, path, options);
    }
  };
  return named;
}

export class NoNodeError extends codeClass("NONODE", "final", "NoNodeError") {}
export class NodeExistsError extends codeClass("NODEEXISTS", "final", "NodeExistsError") {}
export class BadVersionError extends codeClass("BADVERSION", "final", "BadVersionError") {}
export class NotEmptyError extends codeClass("NOTEMPTY", "final", "NotEmptyError") {}
export class BadArgumentsError extends codeClass("BADARGUMENTS", "final", "BadArgumentsError") {}
export class NoAuthError extends codeClass("NOAUTH", "final", "NoAuthError") {}
export class AuthFailedError extends codeClass("AUTHFAILED", "final", "AuthFailedError") {}
export class SessionExpiredError extends codeClass("SESSIONEXPIRED", "final", "SessionExpiredError") {}
export class QuotaExceededError extends codeClass("QUOTAEXCEEDED", "final", "QuotaExceededError") {}
/** Refused before it was applied (no leader, not in quorum, behind the client): safe to retry. */
export class NotReadyError extends codeClass("NOTREADY", "safe", "NotReadyError") {}
/** Refused because too much is queued: safe to retry with backoff. */
export class ThrottledError extends codeClass("THROTTLEDOP", "safe", "ThrottledError") {}
/** The connection was lost after the request was sent: a write may have applied. */
export class ConnectionLossError extends codeClass("CONNECTIONLOSS", "unknown", "ConnectionLossError") {}
/** No answer in time: a write may still apply. */
export class OperationTimeoutError extends codeClass("OPERATIONTIMEOUT", "unknown", "OperationTimeoutError") {}

/**
 * The session can no longer be trusted: expired, closed, or suspect (no confirmation from a serving
 * member for `timeout × 2/3`). Recipes fail with this; a waiter whose session dies gets it at once.
 */
export class SessionLostError extends codeClass("SESSIONLOST", "final", "SessionLostError") {}
/** The client was closed (`close()` or its `signal`). */
export class ClientClosedError extends codeClass("CLIENTCLOSED", "final", "ClientClosedError") {}
/** A lock, semaphore lease or leadership is no longer held; the reason is in the message. */
export class LockLostError extends codeClass("LOCKLOST", "final", "LockLostError") {}
/** `acquire({ timeoutMs })` (or a barrier/queue wait) ran out of time; nothing is held. */
export class WaitTimeoutError extends codeClass("WAITTIMEOUT", "final", "WaitTimeoutError") {}
/** A watch could not be resumed: its zxid left the server's history. Re-read the state and watch anew. */
export class WatchResumeError extends codeClass("WATCHRESUME", "final", "WatchResumeError") {}

const CLASSES: Record<string, new (...args: ErrorArgs) => KeelClientError> = {
  NONODE: NoNodeError,
  NODEEXISTS: NodeExistsError,
  BADVERSION: BadVersionError,
  NOTEMPTY: NotEmptyError,
  BADARGUMENTS: BadArgumentsError,
  NOAUTH: NoAuthError,
  AUTHFAILED: AuthFailedError,
  SESSIONEXPIRED: SessionExpiredError,
  QUOTAEXCEEDED: QuotaExceededError,
  NOTREADY: NotReadyError,
  THROTTLEDOP: ThrottledError,
  CONNECTIONLOSS: ConnectionLossError,
  OPERATIONTIMEOUT: OperationTimeoutError,
};

const OUTCOME_UNKNOWN_CODES = new Set(["CONNECTIONLOSS", "OPERATIONTIMEOUT", "REQUESTTIMEOUT", "SYSTEMERROR"]);
const SAFE_CODES = new Set(["NOTREADY", "THROTTLEDOP"]);

export function retryRuleOfCode(code: string): RetryRule {
  if (SAFE_CODES.has(code)) return "safe";
  if (OUTCOME_UNKNOWN_CODES.has(code)) return "unknown";
  return "final";
}

/** The error for `code`, with its own class when it has one. */
export function keelErrorFor(code: string, message: string, path?: string, cause?: unknown): KeelClientError {
  const Class = CLASSES[code];
  const options = cause === undefined ? {} : { cause };
  if (Class) return new Class(message, path, options);
  return new KeelClientError(code, message, retryRuleOfCode(code), path, options);
}

interface TrpcErrorShape {
  message: string;
  data?: { keelCode?: string | null; retry?: string | null; path?: string | null } | null;
}

function isTrpcErrorShape(value: unknown): value is TrpcErrorShape {
  return typeof value === "object" && value !== null && "message" in value && typeof value.message === "string";
}

/**
 * Maps what a tRPC call threw to a typed error. A server answer carries `keelCode`; anything else
 * (the socket closed, no answer) means the request may have reached the server: for a write that
 * is CONNECTIONLOSS (outcome unknown), which the caller must not retry blindly.
 */
export function fromCallError(error: unknown): KeelClientError {
  if (error instanceof KeelClientError) return error;
  if (isTrpcErrorShape(error)) {
    const code = error.data?.keelCode;
    if (typeof code === "string" && code.length > 0) {
      return keelErrorFor(code, error.message, error.data?.path ?? undefined, error);
    }
    return new ConnectionLossError(`connection lost: ${error.message}`, undefined, { cause: error });
  }
  return new ConnectionLossError(`connection lost: ${String(error)}`, undefined, { cause: error });
}

/** The reason an aborted signal carries, as an Error (AbortSignal.reason may be anything). */
export function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason;
  const error = new Error(reason === undefined ? "aborted" : String(reason));
  error.name = "AbortError";
  return error;
}

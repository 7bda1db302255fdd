/**
 * How each Keel error code reaches an API caller: its tRPC code (which fixes the HTTP status), the
 * retry rule (docs/errors.md), and whether the response carries `Retry-After`. One table, so the
 * HTTP status and `data.retry` can never disagree with `keelCode`, and input rejected by zod becomes
 * BADARGUMENTS with a sentence a person can act on.
 */
import { KeelError, type KeelErrorCode, keelError, type RetryRule, retryRuleOf } from "@keel/core";
import type { TRPCError } from "@trpc/server";

export type TrpcCode = ConstructorParameters<typeof TRPCError>[0]["code"];

export interface ErrorPolicy {
  readonly trpcCode: TrpcCode;
  readonly httpStatus: number;
}

/** Seconds a client waits before retrying a safe-to-retry refusal (THROTTLEDOP, NOTREADY). */
export const RETRY_AFTER_SECONDS = 1;

const policy = (trpcCode: TrpcCode, httpStatus: number): ErrorPolicy => ({ trpcCode, httpStatus });

/**
 * Every code, so adding one to core without deciding its HTTP status fails the typecheck. Outcome
 * unknown (CONNECTIONLOSS, OPERATIONTIMEOUT, REQUESTTIMEOUT) is 504, never 408: HTTP lets a client
 * repeat a 408 on its own, which would apply a write twice.
 */
export const ERROR_POLICIES: Readonly<Record<KeelErrorCode, ErrorPolicy>> = {
  SYSTEMERROR: policy("INTERNAL_SERVER_ERROR", 500),
  RUNTIMEINCONSISTENCY: policy("INTERNAL_SERVER_ERROR", 500),
  DATAINCONSISTENCY: policy("INTERNAL_SERVER_ERROR", 500),
  CONNECTIONLOSS: policy("GATEWAY_TIMEOUT", 504),
  MARSHALLINGERROR: policy("BAD_REQUEST", 400),
  UNIMPLEMENTED: policy("METHOD_NOT_SUPPORTED", 405),
  OPERATIONTIMEOUT: policy("GATEWAY_TIMEOUT", 504),
  BADARGUMENTS: policy("BAD_REQUEST", 400),
  UNKNOWNSESSION: policy("UNAUTHORIZED", 401),
  NEWCONFIGNOQUORUM: policy("CONFLICT", 409),
  RECONFIGINPROGRESS: policy("CONFLICT", 409),
  APIERROR: policy("INTERNAL_SERVER_ERROR", 500),
  NONODE: policy("NOT_FOUND", 404),
  NOAUTH: policy("FORBIDDEN", 403),
  BADVERSION: policy("CONFLICT", 409),
  NOCHILDRENFOREPHEMERALS: policy("BAD_REQUEST", 400),
  NODEEXISTS: policy("CONFLICT", 409),
  NOTEMPTY: policy("CONFLICT", 409),
  SESSIONEXPIRED: policy("UNAUTHORIZED", 401),
  INVALIDCALLBACK: policy("BAD_REQUEST", 400),
  INVALIDACL: policy("BAD_REQUEST", 400),
  AUTHFAILED: policy("UNAUTHORIZED", 401),
  SESSIONMOVED: policy("CONFLICT", 409),
  NOTREADONLY: policy("SERVICE_UNAVAILABLE", 503),
  EPHEMERALONLOCALSESSION: policy("BAD_REQUEST", 400),
  NOWATCHER: policy("NOT_FOUND", 404),
  REQUESTTIMEOUT: policy("GATEWAY_TIMEOUT", 504),
  RECONFIGDISABLED: policy("METHOD_NOT_SUPPORTED", 405),
  SESSIONCLOSEDREQUIRESASLAUTH: policy("UNAUTHORIZED", 401),
  QUOTAEXCEEDED: policy("FORBIDDEN", 403),
  THROTTLEDOP: policy("TOO_MANY_REQUESTS", 429),
  NOTREADY: policy("SERVICE_UNAVAILABLE", 503),
};

/** Whether a response carrying `code` also carries `Retry-After`. */
export function sendsRetryAfter(code: KeelErrorCode): boolean {
  return code === "THROTTLEDOP" || code === "NOTREADY";
}

export function retryOf(code: KeelErrorCode): RetryRule {
  return retryRuleOf(code);
}

interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** A ZodError or tRPC's StandardSchemaV1Error: both carry `issues` with a path and a message. */
function issuesOf(value: unknown): readonly IssueLike[] | undefined {
  if (typeof value !== "object" || value === null || !("issues" in value)) return undefined;
  const { issues } = value as { issues: unknown };
  if (!Array.isArray(issues) || issues.length === 0) return undefined;
  return issues.filter(
    (issue): issue is IssueLike =>
      typeof issue === "object" && issue !== null && Array.isArray(issue.path) && typeof issue.message === "string",
  );
}

/** `ops.3.version`, `path`; the whole input when the issue has no path. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.length === 0 ? "input" : path.map(String).join(".");
}

/** One sentence per issue: "version must be an integer from -1 to 2147483647, got 1.5". */
export function describeIssues(issues: readonly IssueLike[]): string {
  return issues.map((issue) => `${fieldName(issue.path)} ${issue.message}`).join("; ");
}

/**
 * The KeelError behind a tRPC error: a coordinator's KeelError as it is, input validation and an
 * oversized body as BADARGUMENTS, unparseable JSON as MARSHALLINGERROR. Undefined for anything
 * else (an unknown procedure, an internal failure), which keeps keelCode null.
 */
export function keelErrorOf(error: TRPCError): KeelError | undefined {
  if (error.cause instanceof KeelError) return error.cause;
  const issues = issuesOf(error.cause);
  if (error.code === "BAD_REQUEST" && issues !== undefined) return keelError("BADARGUMENTS", describeIssues(issues));
  // The HTTP adapter's own input failures are input errors too.
  if (error.code === "PARSE_ERROR" || (error.code === "BAD_REQUEST" && error.cause instanceof SyntaxError)) {
    return keelError("MARSHALLINGERROR", `the request is not valid JSON (${error.message})`);
  }
  if (error.code === "PAYLOAD_TOO_LARGE") {
    return keelError("BADARGUMENTS", "the request body is larger than this server accepts (its requestBytesMax)");
  }
  return undefined;
}

/**
 * tRPC initialisation and the error mapping: a core KeelError becomes a TRPCError whose HTTP status
 * fits (errors.ts: NONODE → 404, NOTREADY → 503, CONNECTIONLOSS → 504, ...) and whose `data` keeps
 * the Keel code, ZooKeeper's numeric code and the retry rule, so clients branch on `data.keelCode`
 * (or `data.retry`), never on messages. Input rejected by zod becomes BADARGUMENTS here too.
 */
import { KeelError, keelError } from "@keel/core";
import { initTRPC, TRPCError } from "@trpc/server";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import type { Accounts } from "./accounts.js";
import type { AuditFeed, AuditSink, AuditSubject } from "./audit.js";
import type { Caller } from "./caller.js";
import type { Coordinator } from "./coordinator.js";
import { ERROR_POLICIES, keelErrorOf, RETRY_AFTER_SECONDS, retryOf, sendsRetryAfter } from "./errors.js";

/** What one client connection holds; over WebSocket a context (and so this) lives as long as the socket. */
export interface ConnectionBudget {
  /** Watch streams open on this connection. */
  watchStreams: number;
  /**
   * WebSocket only: `performance.now()` when the client last sent a frame (a call, a keep-alive, a
   * pong). A session attached to the connection is renewed only while its client is heard.
   */
  lastHeardMs?: number;
  /** WebSocket only: sends a ping, which any live peer answers on its own (a frozen one cannot). */
  probe?: () => void;
}

export interface ApiContext {
  coordinator: Coordinator;
  /** Absent for in-process callers, which have no connection to bound. */
  connection?: ConnectionBudget;
  /** Largest count of watch streams one connection may hold (the server's watchesPerSessionMax). */
  watchStreamsMax?: number;
  /** The caller's address ("ip:port", from the HTTP request or the WebSocket upgrade); absent in-process. */
  clientAddress?: string;
  /** Where administrative actions are recorded (audit.ts); absent, they are not. */
  audit?: AuditSink;
  /** This member's recent audit records and live ones (`audit.events`); absent in-process. */
  auditFeed?: AuditFeed;
  /**
   * Resolves the call's credentials to a caller, once per context (an HTTP request, or a
   * WebSocket's whole life). Absent for in-process callers: anonymous, no identities.
   */
  identify?: () => Promise<Identification>;
  /** The server refuses anonymous callers (`--auth-required`). */
  authRequired?: boolean;
  /** Users and tokens (`auth.*`); absent, those procedures answer UNIMPLEMENTED. */
  accounts?: Accounts;
  /** HTTP only: sets or clears the console's session cookie on the response. */
  sessionCookie?: { set(token: string, maxAgeSeconds: number): void; clear(): void };
}

/** What the server made of a call's credentials. */
export interface Identification {
  /** Anonymous when the credentials were absent or failed. */
  readonly caller: Caller;
  /** Credentials were given and refused (AUTHFAILED, or NOAUTH for a cookie from a foreign origin). */
  readonly failure?: KeelError;
  /** A cookie-authenticated HTTP call carried the right `x-keel-csrf` header (true when not applicable). */
  readonly csrfOk: boolean;
  /** The request's Origin is absent or one of the console origins (login sets cookies only then). */
  readonly originAllowed: boolean;
}

export const IN_PROCESS_IDENTIFICATION: Identification = Object.freeze({
  caller: Object.freeze({
    user: null,
    role: "anonymous",
    via: "in-process",
    scope: null,
    tokenId: null,
    expiresAtMs: null,
    auth: Object.freeze([]),
  }) satisfies Caller,
  csrfOk: true,
  originAllowed: true,
});

/** Converts whatever a coordinator call threw into a TRPCError (KeelError keeps its code as cause). */
export function toTrpcError(error: unknown): TRPCError {
  if (error instanceof TRPCError) return error;
  if (error instanceof KeelError) {
    return new TRPCError({ code: ERROR_POLICIES[error.code].trpcCode, message: error.message, cause: error });
  }
  return new TRPCError({
    code: "INTERNAL_SERVER_ERROR",
    message: "internal error",
    cause: error instanceof Error ? error : undefined,
  });
}

const t = initTRPC.context<ApiContext>().create({
  // Every error passes through here, including those thrown inside a subscription's generator
  // (which tRPC wraps as INTERNAL_SERVER_ERROR before any middleware could translate them), so
  // the code and HTTP status are derived from the KeelError here, not only in the middleware.
  errorFormatter({ shape, error }) {
    const keel = keelErrorOf(error);
    if (keel === undefined) {
      return {
        ...shape,
        data: { ...shape.data, stack: undefined, keelCode: null, wireCode: null, path: null, retry: null },
      };
    }
    const { trpcCode, httpStatus } = ERROR_POLICIES[keel.code];
    return {
      ...shape,
      message: keel.message,
      code: TRPC_ERROR_CODES_BY_KEY[trpcCode],
      data: {
        ...shape.data,
        code: trpcCode,
        httpStatus,
        stack: undefined,
        keelCode: keel.code,
        wireCode: keel.wireCode,
        path: keel.path ?? null,
        retry: retryOf(keel.code),
      },
    };
  },
});

export const router = t.router;

/**
 * What the rest of the chain returned, with a coordinator's KeelError made a typed TRPCError
 * (input validation is mapped by the errorFormatter). Part of each procedure's single middleware
 * rather than a middleware of its own: every middleware level costs tRPC two copies of the call's
 * options, and this runs on every call.
 */
function translated<R extends { ok: boolean; error?: TRPCError }>(result: R): R {
  if (!result.ok && result.error?.cause instanceof KeelError) throw toTrpcError(result.error.cause);
  return result;
}

/** The caller's credentials, resolved (the identification is memoized per request or socket). */
function identificationOf(ctx: {
  readonly identify?: (() => Promise<Identification>) | undefined;
}): Promise<Identification> | Identification {
  return ctx.identify === undefined ? IN_PROCESS_IDENTIFICATION : ctx.identify();
}

/**
 * For `auth.login`, `auth.logout` and `auth.whoami` only: the caller's credentials are resolved,
 * but a failure or an anonymous caller is the procedure's business (a browser with an expired
 * cookie must still be able to log in).
 */
export const publicProcedure = t.procedure.use(async ({ ctx, next }) =>
  translated(await next({ ctx: { identification: await identificationOf(ctx) } })),
);

/**
 * Every other procedure: refused credentials fail the call (AUTHFAILED), an anonymous caller is
 * refused when the server requires authentication, and a cookie-authenticated HTTP mutation needs
 * its CSRF header. The procedure then sees `ctx.caller`. One middleware, so a call pays for one
 * context merge and one level of tRPC's option copies, not one per check (tRPC copies the context
 * on every `next({ ctx })` and the call's options on every level).
 */
export const procedure = t.procedure.use(async ({ ctx, type, next }) => {
  const { caller, failure, csrfOk } = await identificationOf(ctx);
  if (failure !== undefined) throw toTrpcError(failure);
  if (ctx.authRequired === true && caller.role === "anonymous" && caller.via !== "in-process")
    throw toTrpcError(keelError("NOAUTH", "authentication required: log in, or pass a user and password or a token"));
  if (type === "mutation" && !csrfOk)
    throw toTrpcError(
      keelError("NOAUTH", "CSRF token missing or wrong: send the x-keel-csrf header auth.login returned"),
    );
  return translated(await next({ ctx: { caller } }));
});

/**
 * Records the call in the audit trail when `subjectOf(input)` says it is an administrative action,
 * whether it succeeded or was refused (a refused force-release is as much the operator's act).
 */
export function audited<I>(subjectOf: (input: I) => AuditSubject | undefined) {
  return t.middleware(async ({ ctx, input, next }) => {
    const result = await next();
    const subject = ctx.audit === undefined ? undefined : subjectOf(input as I);
    if (subject !== undefined) {
      const outcome = result.ok ? "OK" : (keelErrorOf(result.error)?.code ?? result.error.code);
      const caller = (ctx as { caller?: Caller }).caller;
      ctx.audit?.({
        ...subject,
        outcome,
        user: caller?.user ?? null,
        ...(ctx.clientAddress === undefined ? {} : { clientAddress: ctx.clientAddress }),
      });
    }
    return result;
  });
}

/**
 * The HTTP handler's `responseMeta`: a refusal that is safe to retry (THROTTLEDOP, NOTREADY)
 * carries `Retry-After`, so generic HTTP clients and proxies back off without knowing Keel.
 */
export function apiResponseMeta(options: { errors: readonly TRPCError[] }): { headers?: Record<string, string> } {
  const retryLater = options.errors.some((error) => {
    const keel = keelErrorOf(error);
    return keel !== undefined && sendsRetryAfter(keel.code);
  });
  return retryLater ? { headers: { "retry-after": String(RETRY_AFTER_SECONDS) } } : {};
}

/**
 * Who is calling, from an HTTP request or a WebSocket upgrade (docs/security.md, "Client
 * authentication"): the credentials in its headers (a Basic password, a Bearer token, or the
 * console's session cookie) resolved by the Authenticator into the API's Caller, with the
 * identities core checks ACLs against (ip always; user; the super id for admins).
 *
 * The cookie is the one credential a browser sends on its own, so it is honoured only from the
 * console origins the server was given (`--console-origins`), and an HTTP mutation it authenticates
 * must also carry the CSRF header (`x-keel-csrf`), which a page of another origin cannot read
 * (it comes back only in the login answer). A WebSocket has no later requests to forge: its
 * upgrade's Origin is checked once.
 *
 * Every refusal is audited with the reason (the client only ever hears "authentication failed").
 */
import type { IncomingMessage } from "node:http";
import type { AuditSink, Caller, Identification } from "@keel/api";
import { type AuthId, KEEL_SUPER_ID, type KeelError, keelError } from "@keel/core";
import { ANONYMOUS_CALLER, type Authenticator, type AuthFailure, isAuthFailure } from "../auth/authenticator.js";
import { type Credentials, credentialsOf } from "../auth/http-credentials.js";
import { constantTimeEqual, csrfTokenOf } from "../auth/tokens.js";

export const CSRF_HEADER = "x-keel-csrf";

export interface IdentifyDeps {
  readonly authenticator: Authenticator;
  /** Origins whose cookie logins are honoured (config consoleOrigins). */
  readonly consoleOrigins: ReadonlySet<string>;
  readonly audit: AuditSink;
  /** Wall-clock ms (token expiry). */
  readonly clock: () => number;
  /** Changes whenever a txn touches /keel/auth (a user added, removed, re-roled; a token created or revoked). */
  readonly authGeneration: () => number;
}

/** The remote IP of an "ip:port" or "[ip6]:port" address (the failure limiter's key, the ip identity). */
export function ipOf(clientAddress: string | undefined): string {
  if (clientAddress === undefined) return "unknown";
  if (clientAddress.startsWith("[")) return clientAddress.slice(1, clientAddress.indexOf("]"));
  const colon = clientAddress.lastIndexOf(":");
  return colon < 0 ? clientAddress : clientAddress.slice(0, colon);
}

export function authFailedError(failure: AuthFailure | undefined): KeelError {
  if (failure?.error === "THROTTLED")
    return keelError("AUTHFAILED", "authentication failed: too many failures from this address; wait and retry");
  return keelError("AUTHFAILED", "authentication failed");
}

/** True when the request's Origin is absent (not a browser) or one of the console origins. */
export function originAllowed(req: IncomingMessage, consoleOrigins: ReadonlySet<string>): boolean {
  const origin = req.headers.origin;
  return origin === undefined || consoleOrigins.has(origin);
}

/**
 * The identification of one request (HTTP) or one socket (WebSocket), resolved when a procedure
 * first needs it and again only when it may have changed: after any change under /keel/auth (so a
 * revoked token, a removed user or a new role reaches a WebSocket that is already open, on its next
 * call) or once its token expired.
 */
export function identifier(
  deps: IdentifyDeps,
  req: IncomingMessage,
  transport: "http" | "webSocket",
  clientAddress: string,
): () => Promise<Identification> {
  let resolved: Promise<Identification> | undefined;
  let generation = -1;
  let expiresAtMs = Number.POSITIVE_INFINITY;
  return () => {
    const now = deps.authGeneration();
    if (resolved === undefined || generation !== now || deps.clock() >= expiresAtMs) {
      generation = now;
      expiresAtMs = Number.POSITIVE_INFINITY;
      resolved = identify(deps, req, transport, clientAddress);
      resolved.then(
        (identification) => {
          expiresAtMs = identification.caller.expiresAtMs ?? Number.POSITIVE_INFINITY;
        },
        () => undefined,
      );
    }
    return resolved;
  };
}

async function identify(
  deps: IdentifyDeps,
  req: IncomingMessage,
  transport: "http" | "webSocket",
  clientAddress: string,
): Promise<Identification> {
  const ip = ipOf(clientAddress);
  const credentials = credentialsOf(req.headers);
  const fromAllowedOrigin = originAllowed(req, deps.consoleOrigins);
  const anonymous = anonymousCaller(ip);
  if (credentials.kind === "cookie" && !fromAllowedOrigin) {
    refused(
      deps,
      credentials,
      clientAddress,
      `session cookie from origin ${String(req.headers.origin)}, not a console origin`,
    );
    return {
      caller: anonymous,
      failure: keelError(
        "NOAUTH",
        "this origin may not use the console's session cookie (the server's consoleOrigins)",
      ),
      csrfOk: false,
      originAllowed: false,
    };
  }
  const resolved = await deps.authenticator.resolve(credentials, { clientIp: ip, nowMs: deps.clock() });
  if (isAuthFailure(resolved)) {
    refused(deps, credentials, clientAddress, resolved.reason);
    // A browser keeps sending a cookie whose login expired or was revoked (it cannot read or drop an
    // HttpOnly cookie itself): such a caller is anonymous, so the console finds it logged out and
    // shows its login page. Credentials a client chose to send (Basic, Bearer) fail loudly instead.
    if (credentials.kind === "cookie" && resolved.error === "AUTHFAILED")
      return { caller: anonymous, csrfOk: true, originAllowed: fromAllowedOrigin };
    return { caller: anonymous, failure: authFailedError(resolved), csrfOk: true, originAllowed: fromAllowedOrigin };
  }
  const csrfOk =
    credentials.kind !== "cookie" || transport === "webSocket" || csrfHeaderMatches(req, credentials.token);
  const caller: Caller = { ...resolved, auth: identitiesOf(ip, resolved.user, resolved.role) };
  return { caller, csrfOk, originAllowed: fromAllowedOrigin };
}

function csrfHeaderMatches(req: IncomingMessage, token: string): boolean {
  const header = req.headers[CSRF_HEADER];
  return typeof header === "string" && constantTimeEqual(header, csrfTokenOf(token));
}

/** ip always (ACLs of scheme ip work over the API as over ZooKeeper's port); user; super for admins. */
export function identitiesOf(ip: string, user: string | null, role: Caller["role"]): AuthId[] {
  const ids: AuthId[] = [{ scheme: "ip", id: ip }];
  if (user !== null) ids.push({ scheme: "user", id: user });
  if (role === "admin") ids.push(KEEL_SUPER_ID);
  return ids;
}

function anonymousCaller(ip: string): Caller {
  return { ...ANONYMOUS_CALLER, auth: identitiesOf(ip, null, "anonymous") };
}

function refused(deps: IdentifyDeps, credentials: Credentials, clientAddress: string, why: string): void {
  deps.audit({
    action: "authFailed",
    outcome: "AUTHFAILED",
    user: credentials.kind === "password" ? credentials.user.slice(0, 64) : null,
    via: credentials.kind,
    why,
    clientAddress,
  });
}

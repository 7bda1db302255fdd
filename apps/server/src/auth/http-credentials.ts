/**
 * Reads a request's credentials from its headers (auth-design "Credentials on the wire"): the
 * Authorization header (Bearer token or Basic user:password) or the console's `keel_session`
 * cookie, and builds the Set-Cookie values that start and end a console session. Only parsing
 * lives here: whether the credentials are good is the Authenticator's job, and whether a cookie
 * may be honoured (Origin, CSRF) is the HTTP layer's.
 */

import { assert } from "@keel/core";
import { parseToken } from "./tokens.js";

export const SESSION_COOKIE = "keel_session";
/** Larger than any Basic header with a 1,024-char password, far below Node's 16 KiB header cap. */
export const AUTHORIZATION_CHARS_MAX = 8 * 1024;

export type Credentials =
  | { readonly kind: "anonymous" }
  | { readonly kind: "password"; readonly user: string; readonly password: string }
  | { readonly kind: "token"; readonly token: string }
  | { readonly kind: "cookie"; readonly token: string }
  | { readonly kind: "malformed"; readonly reason: string };

/** Node's IncomingHttpHeaders, or any such lower-cased header bag. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

const ANONYMOUS: Credentials = Object.freeze({ kind: "anonymous" });
const utf8Strict = new TextDecoder("utf-8", { fatal: true });

/** The request's credentials; an Authorization header, even a malformed one, wins over the cookie. */
export function credentialsOf(headers: RequestHeaders): Credentials {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    if (typeof authorization !== "string") return malformed("more than one Authorization header");
    return fromAuthorization(authorization);
  }
  const token = sessionCookieToken(headers.cookie);
  return token === undefined ? ANONYMOUS : { kind: "cookie", token };
}

function fromAuthorization(value: string): Credentials {
  if (value.length > AUTHORIZATION_CHARS_MAX) return malformed("Authorization header too long");
  const match = /^[ \t]*([A-Za-z]+)[ \t]+(\S+)[ \t]*$/.exec(value);
  const scheme = match?.[1]?.toLowerCase();
  const parameter = match?.[2];
  if (scheme === undefined || parameter === undefined)
    return malformed("Authorization header is not '<scheme> <value>'");
  if (scheme === "bearer") return { kind: "token", token: parameter };
  if (scheme === "basic") return fromBasic(parameter);
  return malformed(`unsupported Authorization scheme ${JSON.stringify(match?.[1])}`);
}

/** RFC 7617: base64(user ":" password); the user has no ':' so the first one splits. */
function fromBasic(encoded: string): Credentials {
  if (encoded.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded))
    return malformed("Basic value is not base64");
  let decoded: string;
  try {
    decoded = utf8Strict.decode(Buffer.from(encoded, "base64"));
  } catch {
    return malformed("Basic value is not UTF-8");
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return malformed("Basic value has no ':' between user and password");
  return { kind: "password", user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * The first `keel_session` cookie holding a well-formed token. Malformed pairs and junk values
 * (a stale or foreign cookie of that name) are skipped rather than refused: a browser cannot
 * easily be made to drop them, and skipping leaves the caller anonymous, never someone else.
 */
function sessionCookieToken(header: string | readonly string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const lines = typeof header === "string" ? [header] : header;
  for (const line of lines) {
    for (const pair of line.split(";")) {
      const equals = pair.indexOf("=");
      if (equals < 0 || pair.slice(0, equals).trim() !== SESSION_COOKIE) continue;
      let value = pair.slice(equals + 1).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      if (parseToken(value) !== undefined) return value;
    }
  }
  return undefined;
}

/** The Set-Cookie value that starts a console session holding `token` for `maxAgeSeconds`. */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  assert(parseToken(token) !== undefined, "session cookie must hold a well-formed token");
  assert(Number.isSafeInteger(maxAgeSeconds) && maxAgeSeconds >= 0, "cookie Max-Age must be whole seconds");
  return cookieLine(token, maxAgeSeconds, secure);
}

/** The Set-Cookie value that makes the browser drop the session cookie (logout). */
export function clearedSessionCookie(secure: boolean): string {
  return cookieLine("", 0, secure);
}

function cookieLine(value: string, maxAgeSeconds: number, secure: boolean): string {
  const line = `${SESSION_COOKIE}=${value}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${maxAgeSeconds}`;
  return secure ? `${line}; Secure` : line;
}

function malformed(reason: string): Credentials {
  return { kind: "malformed", reason };
}

/**
 * The credentials a client connects with, as the `authorization` header of the WebSocket upgrade
 * (docs/client.md, "Authentication"; the contract's "Credentials on the wire"): `Basic
 * base64(user:password)` for a user's password, `Bearer <token>` for an API token. The identity is
 * fixed for the socket's life, so it is checked when the socket is made, not per call.
 *
 * Browsers cannot set headers on a WebSocket: there the console's login cookie authenticates the
 * socket instead, and `connect({ auth })` is refused (see `KeelClient`).
 */
import { TOKEN_PATTERN, USER_NAME_PATTERN } from "@keel/core";
import { toBase64, utf8Bytes } from "./bytes.js";
import { BadArgumentsError } from "./errors.js";

/** A user and password, or a bearer token (`keel_<tokenId>_<secret>`). */
export type ConnectAuth = { readonly user: string; readonly password: string } | { readonly token: string };

/** Header values cannot carry control characters (a password's newline would split the header). */
function hasControlCharacter(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/**
 * The `authorization` header for `auth`. Malformed credentials fail here, before any socket is
 * opened, with a message that never repeats the secret.
 */
export function authorizationHeader(auth: ConnectAuth): string {
  if ("token" in auth) {
    if (!TOKEN_PATTERN.test(auth.token))
      throw new BadArgumentsError("auth.token is not a Keel token (expected keel_<16 hex>_<43 base64url chars>)");
    return `Bearer ${auth.token}`;
  }
  if (!USER_NAME_PATTERN.test(auth.user))
    throw new BadArgumentsError(
      `auth.user ${JSON.stringify(auth.user)} is not a user name (letters, digits, . _ -, up to 64, starting with a letter or digit)`,
    );
  if (auth.password.length === 0) throw new BadArgumentsError("auth.password is empty");
  if (hasControlCharacter(auth.password))
    throw new BadArgumentsError("auth.password contains a control character (a trailing newline from a file?)");
  return `Basic ${toBase64(utf8Bytes(`${auth.user}:${auth.password}`))}`;
}

/** The upgrade request's headers for `auth` (none without credentials). */
export function authHeaders(auth: ConnectAuth | undefined): Readonly<Record<string, string>> | undefined {
  return auth === undefined ? undefined : { authorization: authorizationHeader(auth) };
}

/**
 * Bearer tokens (auth-design "Principals", "Credentials on the wire"): `keel_<tokenId>_<secret>`.
 * The tokenId names the record (/keel/auth/tokens/<tokenId>) and may be shown and logged; only
 * the secret authenticates, and the tree keeps just its SHA-256 (a 256-bit random secret cannot
 * be guessed, so a slow hash would add nothing). The CSRF token of a console session is derived
 * from its token, so the server needs no extra state to check it.
 */

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { TOKEN_PATTERN } from "@keel/core";

export const TOKEN_ID_BYTES = 8;
export const TOKEN_SECRET_BYTES = 32;
const CSRF_CONTEXT = "keel-csrf\0";
const CSRF_TOKEN_CHARS = 32;

export interface TokenParts {
  readonly tokenId: string;
  readonly secret: string;
}

/** A fresh token from the system's CSPRNG. */
export function newToken(): TokenParts & { readonly token: string } {
  const tokenId = randomBytes(TOKEN_ID_BYTES).toString("hex");
  const secret = randomBytes(TOKEN_SECRET_BYTES).toString("base64url");
  return { token: `keel_${tokenId}_${secret}`, tokenId, secret };
}

/** Splits a token; undefined unless it is exactly the format newToken makes (canonical base64url). */
export function parseToken(text: string): TokenParts | undefined {
  if (typeof text !== "string") return undefined;
  const match = TOKEN_PATTERN.exec(text);
  const tokenId = match?.[1];
  const secret = match?.[2];
  if (tokenId === undefined || secret === undefined) return undefined;
  // 43 chars carry 258 bits: the last char's two spare bits must be zero, as newToken leaves them.
  if (Buffer.from(secret, "base64url").toString("base64url") !== secret) return undefined;
  return { tokenId, secret };
}

/** What the token record stores (`secretSha256`): lowercase hex SHA-256 of the secret. */
export function secretDigest(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** The `x-keel-csrf` value that must accompany cookie-authenticated HTTP mutations. */
export function csrfTokenOf(token: string): string {
  return createHash("sha256")
    .update(CSRF_CONTEXT + token, "utf8")
    .digest("hex")
    .slice(0, CSRF_TOKEN_CHARS);
}

/**
 * Compares two secrets (or digests of them) in time that depends on neither their contents nor
 * their lengths: both are hashed to 32 bytes first, then compared with timingSafeEqual.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const digestA = createHash("sha256").update(a, "utf8").digest();
  const digestB = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(digestA, digestB);
}

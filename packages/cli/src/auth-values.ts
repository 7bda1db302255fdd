/**
 * The values `users`, `tokens` and `whoami` read and print, as pure functions: a token's lifetime
 * (`30d`), its perms (`rwcda`, ZooKeeper's letters: READ 1, WRITE 2, CREATE 4, DELETE 8, ADMIN 16),
 * and the rows shown for an identity or a token.
 */
import { UsageError } from "./cli-error.js";
import { showTime } from "./format.js";

/** The perm letters in mask order. */
const PERM_LETTERS = [
  ["r", 1],
  ["w", 2],
  ["c", 4],
  ["d", 8],
  ["a", 16],
] as const;

export const PERMS_ALL = 31;

/** `rwcda` (any order, any subset, each letter once) as a mask. */
export function parsePerms(text: string): number {
  if (text.length === 0) throw new UsageError("--perms needs at least one of r, w, c, d, a");
  let mask = 0;
  for (const letter of text) {
    const bit = PERM_LETTERS.find(([name]) => name === letter)?.[1];
    if (bit === undefined)
      throw new UsageError(
        `--perms takes the letters r (read), w (write), c (create), d (delete), a (admin), got ${JSON.stringify(text)}`,
      );
    if ((mask & bit) !== 0) throw new UsageError(`--perms names ${letter} twice: ${JSON.stringify(text)}`);
    mask |= bit;
  }
  return mask;
}

/** A mask as `rwcda` with `-` for each missing perm (31 → `rwcda`, 1 → `r----`). */
export function showPerms(mask: number): string {
  return PERM_LETTERS.map(([letter, bit]) => ((mask & bit) !== 0 ? letter : "-")).join("");
}

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
};

/** A token's lifetime bounds (the API's auth.tokens.create). */
export const TOKEN_TTL_MS_MIN = 60_000;
export const TOKEN_TTL_MS_MAX = 365 * 86_400_000;

/** `90s`, `15m`, `12h`, `30d`, `2w` as milliseconds, within the token bounds. */
export function parseTokenTtl(text: string): number {
  const match = /^(\d{1,6})([smhdw])$/.exec(text.trim());
  if (match === null)
    throw new UsageError(`--ttl takes a number and a unit (s, m, h, d, w), e.g. 30d, got ${JSON.stringify(text)}`);
  const ms = Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  if (ms < TOKEN_TTL_MS_MIN || ms > TOKEN_TTL_MS_MAX)
    throw new UsageError(`--ttl must be from 60s to 365d, got ${text}`);
  return ms;
}

/** A token's scope in one cell: `rwcda /app,/jobs`. */
export function showScope(scope: { readonly paths: readonly string[]; readonly perms: number } | null): string {
  if (scope === null) return "-";
  return `${showPerms(scope.perms)} ${scope.paths.join(",")}`;
}

export interface IdentityView {
  readonly user: string | null;
  readonly role: string;
  readonly via: string;
  readonly scope: { readonly paths: readonly string[]; readonly perms: number } | null;
  readonly expiresAtMs: number | null;
  readonly authRequired: boolean;
}

/** `keel whoami`'s lines. */
export function identityRows(identity: IdentityView): [string, string][] {
  return [
    ["user", identity.user ?? "(anonymous)"],
    ["role", identity.role],
    ["via", identity.via],
    ["scope", showScope(identity.scope)],
    ["expires", identity.expiresAtMs === null ? "-" : showTime(identity.expiresAtMs)],
    ["authRequired", String(identity.authRequired)],
  ];
}

export const TOKEN_HEADERS = ["TOKEN ID", "USER", "KIND", "SCOPE", "EXPIRES", "DESCRIPTION"] as const;

export function tokenCells(token: {
  readonly tokenId: string;
  readonly user: string;
  readonly kind: string;
  readonly scope: { readonly paths: readonly string[]; readonly perms: number };
  readonly expiresAtMs: number;
  readonly description: string;
}): string[] {
  return [
    token.tokenId,
    token.user,
    token.kind,
    showScope(token.scope),
    showTime(token.expiresAtMs),
    token.description === "" ? "-" : token.description,
  ];
}

/**
 * The JSON records under /keel/auth (auth-design "Storage"), their zod schemas and codecs, and
 * the token-scope arithmetic. The records are read back from the tree on every authentication,
 * so decoding validates them fully: a corrupt record is refused, never half-trusted.
 */

import { API_TOKEN_DESCRIPTION_CHARS_MAX, API_TOKEN_SCOPE_PATHS_MAX, ROLES } from "@keel/api";
import { PERMS, USER_NAME_PATTERN, utf8Decode, utf8Encode, validatePath } from "@keel/core";
import { z } from "zod";

// The user-name rule and the roles are core's and the API's; a record holds what the API accepts.
export type { Role, TokenScope } from "@keel/api";
export { USER_NAME_PATTERN };
/** The break-glass admin: its password lives in memory only, never as a user record. */
export const SUPER_USER = "super";
export const TOKEN_KINDS = ["api", "console"] as const;
/** 16 scope paths of at most 4 KiB each, plus the rest: larger is not a record we wrote. */
export const AUTH_RECORD_BYTES_MAX = 128 * 1024;

export const userNameSchema = z.string().regex(USER_NAME_PATTERN, "invalid user name");
export const roleSchema = z.enum(ROLES);

/** An absolute znode path (core's validatePath): no trailing slash except "/" itself. */
export const scopePathSchema = z
  .string()
  .refine((path) => validatePath(path) === undefined, { message: "scope path must be a valid absolute znode path" });

export const tokenScopeSchema = z.object({
  paths: z.array(scopePathSchema).min(1).max(API_TOKEN_SCOPE_PATHS_MAX).default(["/"]),
  perms: z.number().int().min(0).max(PERMS.ALL).default(PERMS.ALL),
});

// Field sizes are bounded by AUTH_RECORD_BYTES_MAX; the scrypt parameters are range-checked by
// password-hash.ts at verification, which refuses (rather than fails to decode) odd values.
const passwordHashSchema = z.object({
  alg: z.literal("scrypt"),
  N: z.number().int(),
  r: z.number().int(),
  p: z.number().int(),
  salt: z.string(),
  hash: z.string(),
});

const timeMsSchema = z.number().int().nonnegative();

export const userRecordSchema = z.object({
  v: z.literal(1),
  role: roleSchema,
  password: passwordHashSchema,
  createdAtMs: timeMsSchema,
});
export type UserRecord = z.output<typeof userRecordSchema>;

export const tokenRecordSchema = z.object({
  v: z.literal(1),
  kind: z.enum(TOKEN_KINDS),
  user: userNameSchema,
  /** The czxid of the user's record when the token was issued ("0" for super): it binds the token to that user. */
  userZxid: z.string().regex(/^\d{1,20}$/, "userZxid must be a decimal zxid"),
  scope: tokenScopeSchema,
  secretSha256: z.string().regex(/^[0-9a-f]{64}$/, "secretSha256 must be 64 lowercase hex chars"),
  createdAtMs: timeMsSchema,
  expiresAtMs: timeMsSchema,
  description: z.string().max(API_TOKEN_DESCRIPTION_CHARS_MAX).default(""),
});
export type TokenRecord = z.output<typeof tokenRecordSchema>;

export type Decoded<T> =
  | { readonly type: "ok"; readonly record: T }
  | { readonly type: "invalid"; readonly reason: string };

/** The node data of /keel/auth/users/<name>; fields in the contract's order. */
export function encodeUserRecord(record: UserRecord): Uint8Array {
  const { v, role, password, createdAtMs } = userRecordSchema.parse(record);
  return utf8Encode(JSON.stringify({ v, role, password, createdAtMs }));
}

export function decodeUserRecord(data: Uint8Array): Decoded<UserRecord> {
  return decodeWith(userRecordSchema, data);
}

/** The node data of /keel/auth/tokens/<tokenId>; fields in the contract's order. */
export function encodeTokenRecord(record: TokenRecord): Uint8Array {
  const { v, kind, user, userZxid, scope, secretSha256, createdAtMs, expiresAtMs, description } =
    tokenRecordSchema.parse(record);
  const fields = { v, kind, user, userZxid, scope, secretSha256, createdAtMs, expiresAtMs, description };
  return utf8Encode(JSON.stringify(fields));
}

export function decodeTokenRecord(data: Uint8Array): Decoded<TokenRecord> {
  return decodeWith(tokenRecordSchema, data);
}

function decodeWith<T>(schema: z.ZodType<T>, data: Uint8Array): Decoded<T> {
  if (data.length > AUTH_RECORD_BYTES_MAX) return { type: "invalid", reason: `record of ${data.length} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(utf8Decode(data));
  } catch (error) {
    return { type: "invalid", reason: `not JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { type: "ok", record: parsed.data };
  return { type: "invalid", reason: z.prettifyError(parsed.error) };
}

// The scope arithmetic (scopeAllows, scopeWithin) is the API edge's: packages/api/src/caller.ts.

/** ZooKeeper's perm letters, in its order. */
const PERM_LETTERS: readonly (readonly [string, number])[] = [
  ["r", PERMS.READ],
  ["w", PERMS.WRITE],
  ["c", PERMS.CREATE],
  ["d", PERMS.DELETE],
  ["a", PERMS.ADMIN],
];

/** "rwcda" (any order, repeats allowed, "" = 0) → mask; undefined on any other letter. */
export function parsePerms(text: string): number | undefined {
  let perms = 0;
  for (const letter of text) {
    const bit = PERM_LETTERS.find(([name]) => name === letter)?.[1];
    if (bit === undefined) return undefined;
    perms |= bit;
  }
  return perms;
}

/** 31 → "rwcda"; letters in ZooKeeper's order. */
export function formatPerms(perms: number): string {
  return PERM_LETTERS.filter(([, bit]) => (perms & bit) !== 0)
    .map(([letter]) => letter)
    .join("");
}

/**
 * Who is calling (docs/security.md, "Client authentication"): the identity the server resolved from
 * the call's credentials, and the checks every procedure makes with it before core's own ACL check.
 *
 * Two layers decide an operation. Core checks the node's ACL against the caller's identities
 * (`auth`: ip, user, and for admins the super id), on every server and every API alike. On top of
 * that the caller's **role** and, for a token, its **scope** are upper bounds checked here, at the
 * API edge: a viewer may only read; a token may only touch the paths and perms it was given. Both
 * layers must allow; neither can widen the other.
 */
import { type AuthId, isWithin, keelError, PERMS } from "@keel/core";

export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** What a token may touch: paths equal to or under one of `paths`, with perms within `perms`. */
export interface TokenScope {
  readonly paths: readonly string[];
  readonly perms: number;
}

export const FULL_SCOPE: TokenScope = Object.freeze({ paths: Object.freeze(["/"]), perms: PERMS.ALL });

export interface Caller {
  /** null: anonymous. */
  readonly user: string | null;
  readonly role: Role | "anonymous";
  readonly via: "password" | "token" | "cookie" | "anonymous" | "in-process";
  /** A token's restriction; null when the caller is not restricted beyond its role. */
  readonly scope: TokenScope | null;
  readonly tokenId: string | null;
  readonly expiresAtMs: number | null;
  /** Identities core checks ACLs against (ip, user, super). */
  readonly auth: readonly AuthId[];
}

/**
 * What an anonymous caller may do when the server does not require authentication: everything an
 * operator may, as far as the nodes' ACLs allow (ZooKeeper's world:anyone). With
 * `authRequired` it may only log in.
 */
export const ANONYMOUS_ROLE: Role = "operator";

const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** The role the caller acts with (anonymous acts as ANONYMOUS_ROLE). */
export function effectiveRole(caller: Caller): Role {
  return caller.role === "anonymous" ? ANONYMOUS_ROLE : caller.role;
}

export function hasRole(caller: Caller, least: Role): boolean {
  return ROLE_RANK[effectiveRole(caller)] >= ROLE_RANK[least];
}

/** Throws NOAUTH unless the caller's role is at least `least`. */
export function requireRole(caller: Caller, least: Role, what: string): void {
  if (hasRole(caller, least)) return;
  throw keelError("NOAUTH", `${what} needs role ${least} (${describe(caller)})`);
}

/** Throws NOAUTH unless the caller is an admin with an unrestricted scope (user and token management). */
export function requireFullAdmin(caller: Caller, what: string): void {
  requireRole(caller, "admin", what);
  if (!isUnrestricted(caller.scope))
    throw keelError("NOAUTH", `${what} needs a login or a token with the full scope (this token is restricted)`);
}

export function isUnrestricted(scope: TokenScope | null): boolean {
  return scope === null || (scope.perms === PERMS.ALL && scope.paths.includes("/"));
}

const PERM_NAMES: Record<number, string> = {
  [PERMS.READ]: "READ",
  [PERMS.WRITE]: "WRITE",
  [PERMS.CREATE]: "CREATE",
  [PERMS.DELETE]: "DELETE",
  [PERMS.ADMIN]: "ADMIN",
};

/**
 * Throws NOAUTH unless the caller's role and scope let it use `perm` on `path` (the node's ACL is
 * core's business afterwards). A viewer only reads.
 */
export function requirePathAccess(caller: Caller, path: string, perm: number): void {
  if (perm !== PERMS.READ && effectiveRole(caller) === "viewer")
    throw keelError("NOAUTH", `role viewer is read-only (${PERM_NAMES[perm] ?? perm} on ${path})`, path);
  if (!scopeAllows(caller.scope, path, perm))
    throw keelError("NOAUTH", `this token's scope does not allow ${PERM_NAMES[perm] ?? perm} on ${path}`, path);
}

/** True when `scope` (null: unrestricted) allows `perm` on `path`; "/app" covers "/app/x", not "/apple". */
export function scopeAllows(scope: TokenScope | null, path: string, perm: number): boolean {
  if (scope === null) return true;
  if ((scope.perms & perm) !== perm) return false;
  return scope.paths.some((prefix) => isWithin(path, prefix));
}

/** True when every path and perm `inner` allows, `outer` allows too. */
export function scopeWithin(inner: TokenScope, outer: TokenScope | null): boolean {
  if (outer === null) return true;
  if ((inner.perms & outer.perms) !== inner.perms) return false;
  return inner.paths.every((path) => outer.paths.some((prefix) => isWithin(path, prefix)));
}

function describe(caller: Caller): string {
  if (caller.user === null) return "the caller is anonymous";
  return `${caller.user} has role ${effectiveRole(caller)}`;
}

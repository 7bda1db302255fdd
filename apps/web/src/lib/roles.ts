/**
 * What the console offers to whom (docs/security.md, "Roles"). The server enforces every rule
 * regardless; the console only avoids offering what would be refused. A viewer reads; an operator
 * also changes data, force-releases, expires sessions and reads the audit feed; an admin also
 * manages users and tokens.
 */

export type Role = "viewer" | "operator" | "admin";

/** What `auth.whoami` says, as far as the console needs it. */
export interface WhoamiView {
  readonly user: string | null;
  readonly role: Role | "anonymous";
  /** "password", "token", "cookie" or "anonymous". */
  readonly via: string;
  readonly expiresAtMs: number | null;
  readonly authRequired: boolean;
}

const ROLE_RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/**
 * The role the console acts with. Anonymous acts as an operator when the ensemble does not require
 * authentication (what Keel did before), and as nothing when it does; an unknown identity (whoami
 * not answered yet, or a server without the auth API) is treated as an operator, so the console
 * offers what it always offered and the server decides.
 */
export function actingRole(whoami: WhoamiView | undefined): Role | null {
  if (whoami === undefined) return "operator";
  if (whoami.role !== "anonymous") return whoami.role;
  return whoami.authRequired ? null : "operator";
}

export function roleAllows(role: Role | null, least: Role): boolean {
  return role !== null && ROLE_RANK[role] >= ROLE_RANK[least];
}

/** True when the console must send this caller to /login before showing anything. */
export function mustLogIn(whoami: WhoamiView | undefined): boolean {
  return whoami?.authRequired === true && whoami.role === "anonymous";
}

/** The tooltip on a control the caller's role does not allow. */
export function needsRoleText(least: Role): string {
  return `needs ${least}`;
}

/**
 * What the `auth` router needs from the server to manage users and tokens (docs/security.md,
 * "Client authentication"). The server keeps them in the replicated tree under /keel/auth and hashes
 * passwords; the router decides who may do what (caller.ts) and validates input (schemas). Every
 * method rejects with a KeelError: AUTHFAILED for bad credentials, NONODE for an unknown user or
 * token, NODEEXISTS for a user that exists.
 */
import type { Role, TokenScope } from "./caller.js";

export interface UserView {
  readonly name: string;
  readonly role: Role;
  readonly createdAtMs: number;
}

export interface TokenView {
  readonly tokenId: string;
  readonly user: string;
  readonly kind: "api" | "console";
  readonly scope: TokenScope;
  readonly createdAtMs: number;
  readonly expiresAtMs: number;
  readonly description: string;
}

export interface IssuedToken {
  /** The bearer string; shown to the caller once and never stored (only its digest is). */
  readonly token: string;
  readonly tokenId: string;
  readonly expiresAtMs: number;
}

export interface Accounts {
  /** Checks the password (AUTHFAILED if wrong) and issues a console token for the cookie. */
  login(
    input: { user: string; password: string; ttlMs: number },
    clientAddress: string | undefined,
  ): Promise<IssuedToken & { user: string; role: Role; csrfToken: string }>;
  /** True when `password` is the user's (self-service password change). */
  verifyPassword(user: string, password: string): Promise<boolean>;
  listUsers(limit: number): Promise<{ users: UserView[]; truncated: boolean }>;
  user(name: string): Promise<UserView | undefined>;
  addUser(input: { name: string; password: string; role: Role }): Promise<UserView>;
  /** Removes the user and revokes its tokens. */
  removeUser(name: string): Promise<void>;
  setRole(name: string, role: Role): Promise<UserView>;
  setPassword(name: string, password: string): Promise<void>;
  createToken(input: {
    user: string;
    kind: "api" | "console";
    scope: TokenScope;
    ttlMs: number;
    description: string;
  }): Promise<IssuedToken>;
  /** Tokens of `user`, or of everyone when undefined. */
  listTokens(user: string | undefined): Promise<TokenView[]>;
  token(tokenId: string): Promise<TokenView | undefined>;
  revokeToken(tokenId: string): Promise<void>;
}

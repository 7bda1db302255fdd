/**
 * Turns a request's credentials into a Caller (auth-design "Principals", "Bad credentials"): the
 * super account against its in-memory hash, users against their records, tokens against their
 * records and then their user's record *now* (so demoting or removing a user reaches its tokens).
 * Every failure is counted per client address, and a blocked address is refused before any lookup
 * or scrypt (password-checker.ts bounds the scrypts further). A failure carries a reason for the
 * audit log only: clients are told just "authentication failed", whether the user exists or not.
 * Errors thrown by the record store (e.g. a sync that timed out) propagate and count as no failure.
 */

import type { Caller as ApiCaller } from "@keel/api";
import { unreachable } from "@keel/core";
import { FailureLimiter } from "./failure-limiter.js";
import type { Credentials } from "./http-credentials.js";
import { type CheckContext, PasswordChecker, type PasswordVerdict } from "./password-checker.js";
import type { PasswordHash } from "./password-hash.js";
import { type Role, SUPER_USER, type TokenRecord, USER_NAME_PATTERN, type UserRecord } from "./records.js";
import { constantTimeEqual, parseToken, secretDigest } from "./tokens.js";
import { type RecordVersion, VerifiedPasswordCache } from "./verified-cache.js";

export type { Role } from "./records.js";

/**
 * Who the credentials prove: the API's Caller (packages/api/src/caller.ts) before the server adds
 * the identities core checks ACLs against (api/identify.ts), and never an in-process caller.
 */
export type Caller = Omit<ApiCaller, "auth" | "via"> & { readonly via: Exclude<ApiCaller["via"], "in-process"> };

/** The records under /keel/auth; the server implements this over the replica's tree. */
export interface AuthRecords {
  /**
   * The user record, its version (the node's mzxid) and the zxid that created it (its czxid: a user
   * removed and added again under the same name is another user); may sync and retry inside.
   */
  user(
    name: string,
  ): Promise<
    { readonly record: UserRecord; readonly version: RecordVersion; readonly createdZxid: string } | undefined
  >;
  token(tokenId: string): Promise<TokenRecord | undefined>;
}

export interface AuthFailure {
  readonly error: "AUTHFAILED" | "THROTTLED";
  /** For the audit log, never for the client. */
  readonly reason: string;
}

export interface AuthContext {
  readonly clientIp: string;
  readonly nowMs: number;
}

export interface AuthenticatorOptions {
  readonly records: AuthRecords;
  /** The hash of --super-password-file; null: no super account (its logins are refused). */
  readonly superPasswordHash: PasswordHash | null;
  readonly limiter?: FailureLimiter;
  readonly cache?: VerifiedPasswordCache;
}

export const ANONYMOUS_CALLER: Caller = Object.freeze({
  user: null,
  role: "anonymous",
  via: "anonymous",
  scope: null,
  tokenId: null,
  expiresAtMs: null,
});

/** The super account has no record; its cache entries are bound to this version instead. */
const SUPER_RECORD_VERSION = "super";

export function isAuthFailure(result: Caller | AuthFailure): result is AuthFailure {
  return "error" in result;
}

export class Authenticator {
  private readonly records: AuthRecords;
  private readonly superPasswordHash: PasswordHash | null;
  private readonly limiter: FailureLimiter;
  private readonly passwords: PasswordChecker;

  constructor(options: AuthenticatorOptions) {
    this.records = options.records;
    this.superPasswordHash = options.superPasswordHash;
    this.limiter = options.limiter ?? new FailureLimiter();
    this.passwords = new PasswordChecker(this.limiter, options.cache ?? new VerifiedPasswordCache());
  }

  async resolve(credentials: Credentials, context: AuthContext): Promise<Caller | AuthFailure> {
    if (credentials.kind === "anonymous") return ANONYMOUS_CALLER;
    if (this.limiter.blocked(context.clientIp, context.nowMs)) return throttled(context);
    const outcome = await this.check(credentials, context);
    if (isAuthFailure(outcome) && outcome.error === "AUTHFAILED") this.limiter.failed(context.clientIp, context.nowMs);
    return outcome;
  }

  private check(
    credentials: Exclude<Credentials, { kind: "anonymous" }>,
    context: AuthContext,
  ): Promise<Caller | AuthFailure> {
    switch (credentials.kind) {
      case "malformed":
        return Promise.resolve(failed(`malformed credentials: ${credentials.reason}`));
      case "password":
        return this.checkPassword(credentials.user, credentials.password, context);
      case "token":
      case "cookie":
        return this.checkToken(credentials.token, credentials.kind, context.nowMs);
      default:
        return unreachable(credentials);
    }
  }

  private async checkPassword(user: string, password: string, context: AuthContext): Promise<Caller | AuthFailure> {
    if (user === SUPER_USER) {
      if (this.superPasswordHash === null) return failed("super login refused: no super password configured");
      const verdict = await this.passwords.check(user, password, this.superPasswordHash, SUPER_RECORD_VERSION, context);
      return judged(verdict, context, () => passwordCaller(user, "admin"), "wrong password for super");
    }
    if (!USER_NAME_PATTERN.test(user)) return failed("invalid user name");
    const found = await this.records.user(user);
    if (found === undefined) {
      const verdict = await this.passwords.decoy(password, context);
      return verdict === "throttled" ? throttled(context) : failed(`no such user ${user}`);
    }
    const verdict = await this.passwords.check(user, password, found.record.password, found.version, context);
    return judged(verdict, context, () => passwordCaller(user, found.record.role), `wrong password for ${user}`);
  }

  private async checkToken(token: string, via: "token" | "cookie", nowMs: number): Promise<Caller | AuthFailure> {
    const parts = parseToken(token);
    if (parts === undefined) return failed("malformed token");
    const record = await this.records.token(parts.tokenId);
    if (record === undefined) return failed(`no such token ${parts.tokenId}`);
    if (!constantTimeEqual(secretDigest(parts.secret), record.secretSha256)) {
      return failed(`wrong secret for token ${parts.tokenId}`);
    }
    if (nowMs >= record.expiresAtMs) return failed(`token ${parts.tokenId} expired`);
    const role = await this.roleNow(record.user, record.userZxid);
    if (role === undefined) return failed(`token ${parts.tokenId} belongs to ${record.user}, who is no longer a user`);
    return {
      user: record.user,
      role,
      via,
      scope: record.scope,
      tokenId: parts.tokenId,
      expiresAtMs: record.expiresAtMs,
    };
  }

  /** A token's user's role now: super's while super is configured, else its record's. */
  /**
   * A token's user's role now: super's while super is configured, else its record's, provided the
   * record is the one the token was issued under (`userZxid`): a token outlives neither its user's
   * removal nor a new user that took the name.
   */
  private async roleNow(user: string, userZxid: string): Promise<Role | undefined> {
    if (user === SUPER_USER) return this.superPasswordHash === null ? undefined : "admin";
    const found = await this.records.user(user);
    return found !== undefined && found.createdZxid === userZxid ? found.record.role : undefined;
  }
}

function failed(reason: string): AuthFailure {
  return { error: "AUTHFAILED", reason };
}

function throttled(context: CheckContext): AuthFailure {
  return { error: "THROTTLED", reason: `too many authentication failures from ${context.clientIp}` };
}

/** The caller for a matching password, else the failure (or throttling) the verdict means. */
function judged(
  verdict: PasswordVerdict,
  context: CheckContext,
  caller: () => Caller,
  reason: string,
): Caller | AuthFailure {
  if (verdict === "throttled") return throttled(context);
  return verdict ? caller() : failed(reason);
}

function passwordCaller(user: string, role: Role): Caller {
  return { user, role, via: "password", scope: null, tokenId: null, expiresAtMs: null };
}

/**
 * The audit trail of administrative actions (docs/security.md, "Audit"): an operator's
 * force-release, a session expired by hand, an ACL change. Each one, done or refused, is handed to
 * the context's `audit` sink with who asked (their address, and session if any), what, on what,
 * and how it ended; the server writes them as `audit` log lines. Reads and ordinary writes are not
 * audited: they are the clients' business, and far too many.
 */
import type { DeleteInput, ExpireSessionInput, SetAclInput } from "./schemas.js";

export type AuditAction =
  | "forceRelease"
  | "expireSession"
  | "setAcl"
  | "login"
  | "logout"
  | "authFailed"
  | "userAdded"
  | "userRemoved"
  | "userRoleSet"
  | "passwordSet"
  | "tokenCreated"
  | "tokenRevoked"
  | "backup"
  | "memberAdded"
  | "memberRemoved";

export interface AuditRecord {
  readonly action: AuditAction;
  /** "OK", or the keelCode of the refusal. */
  readonly outcome: string;
  /** Who asked: the authenticated user, null when anonymous (or, for authFailed, the name claimed). */
  readonly user?: string | null;
  /** The caller's "ip:port"; absent for in-process callers. */
  readonly clientAddress?: string;
  /** The caller's session, when the call named one. */
  readonly sessionId?: string;
  readonly path?: string;
  /** expireSession: the session expired. */
  readonly targetSessionId?: string;
  /** forceRelease: the operator's reason (watchers see it too). */
  readonly reason?: string;
  /** setAcl: the new ACL, as given (through the API or the ZooKeeper port). */
  readonly acl?: readonly { readonly perms: number; readonly scheme: string; readonly id: string }[];
  /** User and token management: the user acted on. */
  readonly targetUser?: string;
  /** userAdded, userRoleSet: the role given. */
  readonly role?: string;
  /** tokenCreated, tokenRevoked: the token's id (never the token). */
  readonly tokenId?: string;
  /** authFailed: why, for the operator (the client is only told "authentication failed"). */
  readonly why?: string;
  /** memberAdded, memberRemoved: the ensemble member's id (and, added, its role and addresses). */
  readonly memberId?: number;
  readonly peerAddress?: string;
  /** How the caller authenticated (password, token, cookie). */
  readonly via?: string;
}

export type AuditSink = (record: AuditRecord) => void;

/** One audit record as the console's feed shows it: with when and where it was recorded. */
export type AuditRecordView = AuditRecord & { readonly timeMs: number; readonly serverId: number };

/** A member's recent audit records (bounded) and the ones to come. */
export interface AuditFeed {
  /** The last `backlog` records (oldest first), then live ones until `signal` aborts. */
  events(backlog: number, signal: AbortSignal): AsyncIterable<AuditRecordView>;
}

/** What an audited call records beyond who asked and how it ended; undefined when the call is not an admin action. */
export type AuditSubject = Omit<AuditRecord, "outcome" | "clientAddress">;

export function forceReleaseSubject(input: DeleteInput): AuditSubject | undefined {
  if (input.forceRelease === undefined) return undefined;
  return {
    action: "forceRelease",
    path: input.path,
    reason: input.forceRelease.reason,
    ...(input.session === undefined ? {} : { sessionId: input.session.sessionId }),
  };
}

export function expireSessionSubject(input: ExpireSessionInput): AuditSubject {
  return { action: "expireSession", targetSessionId: input.sessionId };
}

export function setAclSubject(input: SetAclInput): AuditSubject {
  return { action: "setAcl", path: input.path, acl: input.acl };
}

/**
 * Why a node was deleted (issue 17: "deletion events carry their cause"). The cause is part of
 * the committed txn (a delete op's `cause`, a closeSession's `reason`) and derived from it alone
 * at apply, never from a replica's local state, so every replica and every resumed watch stream
 * reports the same cause for the same deletion (docs/data-model.md §7).
 */
import type { SessionId } from "../ids.js";
import type { TxnHeader } from "./txn.js";

/**
 * What a delete op carries when it is not the txn session's own explicit delete. Absent means an
 * explicit delete (node.delete or a multi's delete) by the txn header's session.
 */
export type DeleteOpCause =
  /** An operator's node.delete with `forceRelease: { reason }` (CLI/console "force release"). */
  | { readonly kind: "forceRelease"; readonly reason: string }
  /** Leader housekeeping: a TTL node unmodified for longer than its TTL. */
  | { readonly kind: "ttlExpired" }
  /** Leader housekeeping: a container that had children and has none left. */
  | { readonly kind: "containerEmpty" };

/** Why a closeSession txn ends its session: the client closed it, or the leader expired it. */
export type SessionEndReason = "closed" | "expired";

/** The cause a deletion reports to watchers (the API's DeleteCauseView, with a typed session id). */
export type DeleteCause =
  | { readonly kind: "delete"; readonly sessionId: SessionId }
  | { readonly kind: "forceRelease"; readonly sessionId: SessionId; readonly reason: string }
  | { readonly kind: "sessionExpired"; readonly sessionId: SessionId }
  | { readonly kind: "sessionClosed"; readonly sessionId: SessionId }
  | { readonly kind: "ttlExpired" }
  | { readonly kind: "containerEmpty" };

/** The cause of a delete op applied under `header` (a plain delete or one inside a multi). */
export function deleteOpCause(cause: DeleteOpCause | undefined, header: TxnHeader): DeleteCause {
  if (cause === undefined) return { kind: "delete", sessionId: header.sessionId };
  if (cause.kind === "forceRelease") return { kind: "forceRelease", sessionId: header.sessionId, reason: cause.reason };
  return cause;
}

/** The cause of an ephemeral deleted because its owner's session ended. */
export function sessionEndCause(reason: SessionEndReason, sessionId: SessionId): DeleteCause {
  return { kind: reason === "expired" ? "sessionExpired" : "sessionClosed", sessionId };
}

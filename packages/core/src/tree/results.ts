/**
 * What applying a txn produced: the answer for the client (TxnResult) and the per-node changes
 * from which watch events are derived (NodeChange). Both are pure data, equal on every replica.
 */

import type { KeelError } from "../errors.js";
import type { SessionId } from "../ids.js";
import type { Acl } from "./acl.js";
import type { DeleteCause } from "./delete-cause.js";
import type { MultiOpCode } from "./txn.js";
import type { Stat } from "./znode.js";

/** One op's answer. Inside a failed multi every op answers `error` (docs/data-model.md §3, multi). */
export type OpResult =
  | { readonly type: "create"; readonly path: string; readonly stat: Stat }
  | { readonly type: "delete"; readonly path: string }
  | { readonly type: "setData"; readonly path: string; readonly stat: Stat }
  | { readonly type: "setACL"; readonly path: string; readonly stat: Stat }
  | { readonly type: "check"; readonly path: string }
  | { readonly type: "error"; readonly code: MultiOpCode };

export type TxnResult =
  | OpResult
  | { readonly type: "multi"; readonly results: readonly OpResult[] }
  | { readonly type: "createSession"; readonly sessionId: SessionId; readonly timeoutMs: number }
  | { readonly type: "closeSession"; readonly sessionId: SessionId; readonly deletedPaths: readonly string[] }
  /** The request was rejected at prepare time; `results` holds the per-op codes of a failed multi. */
  | { readonly type: "rejected"; readonly error: KeelError; readonly results: readonly OpResult[] };

/**
 * A change to one node. Watch events follow from it (watches/watch-table.ts): `created` and
 * `deleted` also mean "the parent's children changed"; `aclChanged` fires no watch (docs/data-model.md §7).
 */
/**
 * `acl`: the node's ACL when the change happened (after a create, setData or setACL; before a
 * delete), so who may learn of the change is judged by the node as it was, even once it is gone
 * (KeelReads.canSeeChange). The tree always sets it; only hand-built changes in tests omit it.
 */
export type NodeChange =
  | { readonly type: "created" | "dataChanged" | "aclChanged"; readonly path: string; readonly acl?: Acl }
  /** `cause` comes from the committed txn alone (delete-cause.ts), so it is the same on every replica. */
  | { readonly type: "deleted"; readonly path: string; readonly cause: DeleteCause; readonly acl?: Acl };

export interface ApplyOutcome {
  readonly result: TxnResult;
  readonly changes: readonly NodeChange[];
}

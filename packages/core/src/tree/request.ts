/**
 * Client requests as the leader receives them (ZooKeeper's Request), a closed union on `type`,
 * plus the envelope every request travels in. Prepare (prepare.ts) turns one into a Txn.
 */
import type { PeerId, SessionId, Zxid } from "../ids.js";
import type { Member } from "../zab/membership.js";
import type { Acl, AuthId } from "./acl.js";
import type { Origin } from "./txn.js";
import type { CreateMode } from "./znode.js";

export interface CreateRequest {
  readonly type: "create";
  readonly path: string;
  readonly data: Uint8Array;
  readonly acl: Acl;
  readonly kind: CreateMode;
  /** Required (> 0) for ttl kinds, absent otherwise. */
  readonly ttlMs?: number;
}

export type MultiOpRequest =
  | CreateRequest
  | { readonly type: "delete"; readonly path: string; readonly version: number }
  | { readonly type: "setData"; readonly path: string; readonly data: Uint8Array; readonly version: number }
  | CheckRequest;

/**
 * Fails unless `path` exists at `version` (-1: any) and, when `czxid` is given, is the very node
 * created at that zxid: a node deleted and created again at the same path (a sequential name
 * reused after its container parent was removed and re-created) fails it. Lock fencing uses it.
 */
export interface CheckRequest {
  readonly type: "check";
  readonly path: string;
  readonly version: number;
  readonly czxid?: Zxid;
}

export type ClientRequest =
  | MultiOpRequest
  | { readonly type: "setACL"; readonly path: string; readonly acl: Acl; readonly aversion: number }
  | { readonly type: "multi"; readonly ops: readonly MultiOpRequest[] }
  /** The envelope's sessionId is ignored: the leader assigns the id (the txn's zxid). */
  | {
      readonly type: "createSession";
      readonly timeoutMs: number;
      readonly password: Uint8Array;
      /** Where the client connected from (the console's session list); not ZooKeeper's. */
      readonly clientAddress?: string;
    }
  | { readonly type: "closeSession" }
  /** Leader housekeeping: close a session past its timeout (its ephemerals report sessionExpired). */
  | { readonly type: "expireSession" }
  /**
   * An operator's delete (node.delete with `forceRelease`): a delete like any other, whose
   * watchers learn the operator's reason (at most FORCE_RELEASE_REASON_BYTES_MAX UTF-8 bytes).
   */
  | { readonly type: "forceRelease"; readonly path: string; readonly version: number; readonly reason: string }
  /** Leader housekeeping: delete an empty container that has had children; re-checked at prepare. */
  | { readonly type: "deleteContainer"; readonly path: string }
  /** Leader housekeeping: delete a childless TTL node unmodified for longer than its TTL; re-checked at prepare. */
  | { readonly type: "expireTtl"; readonly path: string }
  | ReconfigRequest;

/**
 * A membership change (docs/protocol.md §3.7): add one member or remove one (exactly one of the
 * two). `fromVersion`: refuse with BADVERSION unless it is the membership's current version.
 * Needs a super identity (the API gives it to admins only).
 */
export interface ReconfigRequest {
  readonly type: "reconfig";
  readonly add?: Member;
  readonly remove?: PeerId;
  readonly fromVersion?: Zxid;
}

export type RequestType = ClientRequest["type"];

export interface RequestEnvelope {
  /** SESSION_NONE (0) for system requests (housekeeping, admin tools). */
  readonly sessionId: SessionId;
  readonly cxid: number;
  readonly origin: Origin;
  /** Identities the connection authenticated as (and its `ip`), for ACL checks. */
  readonly auth: readonly AuthId[];
  readonly request: ClientRequest;
}

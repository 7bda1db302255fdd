/**
 * Txns: what the leader proposes and every replica applies (ZooKeeper's TxnHeader + Txn records).
 * A closed union on `body.type`. A txn is *idempotent-ready*: every choice (sequential name, new
 * version, expanded ACL, ephemerals to delete) was made at prepare time, so apply makes none.
 */
import type { KeelErrorCode } from "../errors.js";
import type { SessionId } from "../ids.js";
import type { Member } from "../zab/membership.js";
import type { Acl } from "./acl.js";
import type { DeleteOpCause, SessionEndReason } from "./delete-cause.js";
import type { NodeKind } from "./znode.js";

/**
 * Opaque tag set by the server that received the client call, echoed into the txn so that server
 * can match the committed txn back to its caller.
 */
export interface Origin {
  readonly peer: number;
  readonly requestId: number;
}

export const ORIGIN_NONE: Origin = Object.freeze({ peer: 0, requestId: 0 });

/** The zxid is not here: the log entry carries it (LogEntry.zxid). */
export interface TxnHeader {
  readonly sessionId: SessionId;
  readonly cxid: number;
  readonly origin: Origin;
  /** The leader's clock when it prepared the txn: ctime/mtime come from here, never from the replica's clock. */
  readonly timeMs: number;
}

export type TxnOp =
  | {
      readonly type: "create";
      /** Final path, sequential suffix included. */
      readonly path: string;
      readonly data: Uint8Array;
      readonly acl: Acl;
      readonly kind: NodeKind;
      /** 0 unless kind is "ttl". The owner of an ephemeral is the header's session. */
      readonly ttlMs: number;
    }
  /** `cause` absent: an explicit delete by the header's session (delete-cause.ts). */
  | { readonly type: "delete"; readonly path: string; readonly cause?: DeleteOpCause }
  /** `version` is the node's version after this txn. */
  | { readonly type: "setData"; readonly path: string; readonly data: Uint8Array; readonly version: number }
  /** `aversion` is the node's aversion after this txn. */
  | { readonly type: "setACL"; readonly path: string; readonly acl: Acl; readonly aversion: number }
  | { readonly type: "check"; readonly path: string; readonly version: number };

/** Per-op outcome code of a failed multi: OK (rolled back), the failing op's code, then RUNTIMEINCONSISTENCY. */
export type MultiOpCode = KeelErrorCode | "OK";

export type TxnBody =
  | TxnOp
  | { readonly type: "multi"; readonly ops: readonly TxnOp[] }
  /** `clientAddress` (txn format 3): where the client connected from, "" when unknown. */
  | {
      readonly type: "createSession";
      readonly timeoutMs: number;
      readonly password: Uint8Array;
      readonly clientAddress: string;
    }
  /**
   * `paths` are the session's ephemerals as prepare saw them (applied + pending), sorted; `reason`
   * says whether the client closed the session or the leader expired it (the ephemerals' cause).
   */
  | { readonly type: "closeSession"; readonly paths: readonly string[]; readonly reason: SessionEndReason }
  /**
   * The whole new membership (its version is this txn's zxid). Applying it writes /zookeeper/config;
   * ZAB finds it in the log through `membershipOfTxn` and counts quorums by it (docs/protocol.md §3.7).
   */
  | { readonly type: "reconfig"; readonly members: readonly Member[] }
  | {
      readonly type: "error";
      readonly code: KeelErrorCode;
      readonly message: string;
      readonly path: string;
      /** Non-empty only for a failed multi: one code per op. */
      readonly opCodes: readonly MultiOpCode[];
    };

export type TxnType = TxnBody["type"];

export interface Txn {
  readonly header: TxnHeader;
  readonly body: TxnBody;
}

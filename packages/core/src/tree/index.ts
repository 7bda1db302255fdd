/** The tree's public surface (re-exported by src/index.ts): paths, ACLs, kinds, requests, txns, results, the tree and its codecs. */
export { type DecodedRequest, decodeRequest, encodeRequest, REQUEST_FORMAT_VERSION } from "../codec/request-codec.js";
export {
  readSnapshot,
  SNAPSHOT_FORMAT_VERSION,
  SnapshotReader,
  snapshotChunks,
  writeSnapshot,
} from "../codec/snapshot-codec.js";
export { decodeTxn, encodeTxn, TXN_FORMAT_VERSION } from "../codec/txn-codec.js";
export {
  type Acl,
  type AclEntry,
  type AclPolicy,
  type AuthId,
  CREATOR_ALL_ACL,
  checkAcl,
  fixupAcl,
  isSuper,
  KEEL_SUPER_ID,
  OPEN_ACL_UNSAFE,
  PERMS,
  type Perm,
  READ_ACL_UNSAFE,
  redactAcl,
  USER_NAME_PATTERN,
} from "./acl.js";
export { AUTH_NODE_ACL, AUTH_ROOT, authRootRefusal, isInAuthRoot, TOKEN_PATTERN } from "./auth-root.js";
export { DataTree, RESERVED_ROOTS } from "./data-tree.js";
export type { DeleteCause, DeleteOpCause, SessionEndReason } from "./delete-cause.js";
export { treeDigest } from "./digest.js";
export {
  baseName,
  childPath,
  isWithin,
  type PathOptions,
  parentPath,
  sequentialNumber,
  sequentialSuffix,
  validateData,
  validatePath,
} from "./path.js";
export { ChangeOverlay, type NodeSink, type NodeSource, PendingChanges } from "./pending-changes.js";
export { type PrepareState, prepareRequest } from "./prepare.js";
export type { TreeLimits } from "./prepare-ops.js";
export type {
  ClientRequest,
  CreateRequest,
  MultiOpRequest,
  ReconfigRequest,
  RequestEnvelope,
  RequestType,
} from "./request.js";
export type { ApplyOutcome, NodeChange, OpResult, TxnResult } from "./results.js";
export {
  type MultiOpCode,
  ORIGIN_NONE,
  type Origin,
  type Txn,
  type TxnBody,
  type TxnHeader,
  type TxnOp,
  type TxnType,
} from "./txn.js";
export {
  CREATE_MODES,
  type CreateMode,
  EMPTY_DATA,
  modeIsSequential,
  modeKind,
  type NodeKind,
  type NodeView,
  type Stat,
  Znode,
} from "./znode.js";

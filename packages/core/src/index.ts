// The public surface of @keel/core: named exports only (style rule 9).

// The znode tree, its codecs, and the replicated application (sessions, watches, history).
export * from "./app/index.js";
export { AssertionError, assert, unreachable } from "./assert.js";
export { ByteReader, ByteWriter, utf8ByteLength, utf8Decode, utf8Encode } from "./codec/bytes.js";
export { crc32c } from "./codec/crc32c.js";
// ZAB: the replica state machine, its Ready contract, the one driver, peer messages and their codec.
export { decodePeerMessage, encodePeerMessage } from "./codec/peer-message-codec.js";
export { membershipOfTxn } from "./codec/txn-codec.js";
export {
  ERROR_CODES,
  errorCodeFromNumber,
  isKeelError,
  KeelError,
  type KeelErrorCode,
  keelError,
  type RetryRule,
  retryRuleOf,
  type WireErrorCode,
  zookeeperWireCode,
} from "./errors.js";
export type { Epoch, PeerId, SessionId, Zxid } from "./ids.js";
export {
  compareZxid,
  EPOCH_MAX,
  epoch,
  formatZxid,
  maxZxid,
  parseZxid,
  peerId,
  SESSION_NONE,
  sessionId,
  ZXID_ZERO,
  zxid,
  zxidCounter,
  zxidEpoch,
} from "./ids.js";
export * from "./limits.js";
export type { Random } from "./random.js";
export * from "./tree/index.js";
// Views of the SDK's recipes (locks, read/write locks, semaphores, elections) for the console and the CLI.
export * from "./views/index.js";
export type { LeaderApplication, ReconfigView } from "./zab/application.js";
export { REPLICA_CONFIG_DEFAULTS, type ReplicaConfig } from "./zab/config.js";
export type { MembershipSource } from "./zab/configurations.js";
export { drive, handleReady, type ReplicaIo } from "./zab/driver.js";
export type {
  DurableWrite,
  LogEntry,
  LogReader,
  ReplicaEpochs,
  Snapshot,
  SnapshotHeader,
  StagedChunk,
  StagedChunks,
} from "./zab/io.js";
export {
  formatMemberSpec,
  MEMBER_SPEC_EXAMPLE,
  type MemberSpec,
  type MemberSpecParse,
  parseDecimal,
  parseMemberSpec,
} from "./zab/member-spec.js";
export {
  bootstrapMembership,
  changedMembership,
  formatMembership,
  hostPort,
  MEMBER_ID_MAX,
  type Member,
  type MemberRole,
  type Membership,
  membershipProblem,
  observersOf,
  parseMembership,
  sortedMembership,
  votersOf,
} from "./zab/membership.js";
export type { Envelope, ForwardedRequest, PeerMessage, PeerState } from "./zab/messages.js";
export type { Ready, ReplicaEvent, Reply } from "./zab/ready.js";
export { Replica, type ReplicaInput, type ReplicaOptions } from "./zab/replica.js";
export { ManifestChecksum, manifestChecksum, snapshotHeaderOf } from "./zab/snapshot-manifest.js";
export * from "./zkwire/index.js";

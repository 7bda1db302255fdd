/**
 * The Keel TypeScript SDK (docs/client.md): `connect()` for a session over one multiplexed
 * WebSocket, typed node operations, watches as async iterators, and the coordination recipes.
 * This entry has no Node-only imports, so it runs in browsers; in Node the package's "node" export
 * condition loads `node.ts`, which passes the `ws` WebSocket and the host name and pid.
 */
export const KEEL_CLIENT_VERSION = "0.1.0";

export {
  AuthApi,
  type CreateTokenOptions,
  type IssuedToken,
  type TokenList,
  type TokenScope,
  type TokenSummary,
  TokensApi,
  type UserList,
  type UserRole,
  type UserSummary,
  UsersApi,
  type WhoAmI,
} from "./auth-api.js";
export { type BackoffPolicy, backoffDelayMs, DEFAULT_BACKOFF } from "./backoff.js";
export { fromBase64, toBase64, utf8Bytes, utf8Text } from "./bytes.js";
export {
  type Acl,
  type CallOptions,
  type ChildrenPage,
  type ChildrenPageOptions,
  type ConnectOptions,
  type CreateOptions,
  connect,
  type Data,
  type DeleteOptions,
  type HolderMetadata,
  KeelClient,
  type MultiFailure,
  type Op,
  type ProcessInfo,
  type ReadOptions,
  type StateListener,
  sleep,
  type VersionOptions,
} from "./client.js";
export { authorizationHeader, type ConnectAuth } from "./credentials.js";
export {
  AuthFailedError,
  BadArgumentsError,
  BadVersionError,
  ClientClosedError,
  ConnectionLossError,
  fromCallError,
  KeelClientError,
  keelErrorFor,
  LockLostError,
  NoAuthError,
  NodeExistsError,
  NoNodeError,
  NotEmptyError,
  NotReadyError,
  OperationTimeoutError,
  QuotaExceededError,
  type RetryRule,
  SessionExpiredError,
  SessionLostError,
  ThrottledError,
  WaitTimeoutError,
  WatchResumeError,
} from "./errors.js";
export {
  type ConfiguredMember,
  type MemberRole,
  MembersApi,
  type MembersCall,
  type MembershipChangeOptions,
  type MembersView,
  type NewMember,
} from "./members-api.js";
export { baseName, compareZxid, joinPath, parentOf, parseSequential, sortBySequence } from "./paths.js";
export { Barrier, DoubleBarrier } from "./recipes/barrier.js";
export { parseHolder, RECIPE_ROOTS } from "./recipes/common.js";
export { Counter } from "./recipes/counter.js";
export { LeaderElection, type LeaderInfo, type Leadership } from "./recipes/election.js";
export { type AcquireOptions, Lease } from "./recipes/hold.js";
export { Lock, withLock } from "./recipes/lock.js";
export { Queue, type QueueItem } from "./recipes/queue.js";
export { ReadWriteLock } from "./recipes/rwlock.js";
export { Semaphore } from "./recipes/semaphore.js";
export { Registration, type ServiceMember, ServiceRegistry } from "./recipes/service-registry.js";
export { type CachedNode, TreeCache, type TreeCacheEvent } from "./recipes/tree-cache.js";
export { type ConnectionState, type ConnectionStateName, isTrusted, SUSPECT_FRACTION } from "./state.js";
export type { WebSocketConstructor, WebSocketOptions } from "./transport.js";
export {
  type DeleteCause,
  type WatchEvent,
  type WatchEventType,
  type WatchMode,
  type WatchOptions,
  WatchStream,
} from "./watch.js";
/** The SDK's tRPC link over one WebSocket, for tools that call the API directly (docs/client.md). */
export { type LinkWebSocket, SocketLink, type SocketLinkOptions } from "./ws-link.js";

/** The replicated application, sessions and watches (re-exported by src/index.ts). */
export { type SessionRecord, SessionTable } from "../sessions/session-table.js";
export { type SessionTimeoutBounds, SessionTracker } from "../sessions/session-tracker.js";
export {
  type OneShotWatchKind,
  type PersistentWatchMode,
  type RemoveWatchType,
  type WatchEvent,
  type WatchEventFilter,
  type WatchEventType,
  type WatcherId,
  WatchTable,
} from "../watches/watch-table.js";
export {
  type ChildrenPageOptions,
  KeelReads,
  type NodeAcl,
  type NodeChildren,
  type NodeChildrenPage,
  type NodeData,
  type SessionListing,
} from "./keel-reads.js";
export { type Applied, KeelState, type SnapshotInProgress } from "./keel-state.js";
export { KEEL_STATE_CONFIG_DEFAULT, type KeelStateConfig, resolveKeelStateConfig } from "./keel-state-config.js";
export { type HistoryEntry, type HistoryRead, TxnHistory } from "./txn-history.js";

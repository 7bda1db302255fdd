export type { AttachOptions, Coordinator, SessionEventView, WatchOptions } from "./coordinator.js";
export { ERROR_POLICIES, type ErrorPolicy, keelErrorOf, RETRY_AFTER_SECONDS, sendsRetryAfter } from "./errors.js";
export {
  API_DATA_CHARS_MAX,
  API_FORCE_RELEASE_REASON_CHARS_MAX,
  API_MULTI_OPS_MAX,
  API_PATH_CHARS_MAX,
  API_SESSION_LIST_LIMIT_DEFAULT,
  API_SESSION_LIST_LIMIT_MAX,
} from "./limits.js";
export { type AppRouter, appRouter } from "./root.js";
export type {
  AttachSessionInput,
  ChildrenInput,
  CreateInput,
  DeleteInput,
  EphemeralsInput,
  MultiInput,
  OpenSessionInput,
  OpInput,
  ReadInput,
  SessionListInput,
  SessionRef,
  SetAclInput,
  SetInput,
  WatchInput,
  WatchMode,
} from "./schemas.js";
export { type ApiContext, apiResponseMeta, type ConnectionBudget, toTrpcError } from "./trpc.js";
export type {
  AclEntry,
  ChildView,
  ClusterStatusView,
  DeleteCauseView,
  MemberView,
  NodeKind,
  NodeView,
  OpResultView,
  SessionListView,
  SessionSummaryView,
  SessionView,
  StatView,
  WatchEventView,
} from "./views.js";

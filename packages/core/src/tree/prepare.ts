/**
 * Request preparation (ZooKeeper's PrepRequestProcessor, as a function): one request envelope +
 * the applied tree + the pending changes → the txn to propose. Session rules live here; the
 * per-op rules in prepare-ops.ts and multi.ts. Never throws for bad input: a rejected request
 * becomes an error txn, still proposed so the session's replies stay in FIFO order.
 */
import { unreachable } from "../assert.js";
import { isKeelError, type KeelError, keelError } from "../errors.js";
import { SESSION_NONE, type SessionId, type Zxid } from "../ids.js";
import { SESSION_PASSWORD_BYTES_MAX, SESSIONS_MAX } from "../limits.js";
import type { SessionTracker } from "../sessions/session-tracker.js";
import type { ReconfigView } from "../zab/application.js";
import type { DataTree } from "./data-tree.js";
import type { SessionEndReason } from "./delete-cause.js";
import { prepareMulti } from "./multi.js";
import { parentPath } from "./path.js";
import type { PendingChanges } from "./pending-changes.js";
import {
  type OpContext,
  prepareForceRelease,
  prepareHousekeepingDelete,
  prepareOp,
  recordDelete,
  type TreeLimits,
} from "./prepare-ops.js";
import { prepareReconfig } from "./prepare-reconfig.js";
import type { ClientRequest, RequestEnvelope } from "./request.js";
import type { Txn, TxnBody } from "./txn.js";
import { errorBody } from "./txn-errors.js";

export interface PrepareState {
  readonly tree: DataTree;
  readonly pending: PendingChanges;
  readonly sessions: SessionTracker;
  readonly limits: TreeLimits;
  /** The leader's membership view; absent (tests, benchmarks), a reconfig is refused with RECONFIGDISABLED. */
  readonly reconfig?: ReconfigView;
}

export function prepareRequest(envelope: RequestEnvelope, zxid: Zxid, nowMs: number, state: PrepareState): Txn {
  state.pending.begin(zxid);
  const request = envelope.request;
  // The leader names a new session after the zxid of its createSession: unique, and the same on every replica.
  const sessionId = request.type === "createSession" ? (zxid as bigint as SessionId) : envelope.sessionId;
  const header = { sessionId, cxid: envelope.cxid, origin: envelope.origin, timeMs: nowMs };
  const body = prepareBody(envelope, sessionId, zxid, nowMs, state);
  return { header, body };
}

function prepareBody(
  envelope: RequestEnvelope,
  sessionId: SessionId,
  zxid: Zxid,
  nowMs: number,
  state: PrepareState,
): TxnBody {
  const request = envelope.request;
  if (request.type === "createSession") return prepareCreateSession(request, sessionId, nowMs, state);
  // An expiring session (timed out, expireSession from housekeeping) is no longer active but may still close.
  if (request.type === "closeSession") return prepareCloseSession(sessionId, "closed", state);
  if (request.type === "expireSession") return prepareCloseSession(sessionId, "expired", state);
  if (sessionId !== SESSION_NONE && !state.sessions.isActive(sessionId)) {
    return rejected(keelError("SESSIONEXPIRED", `session 0x${sessionId.toString(16)} is expired or closing`));
  }
  if (sessionId !== SESSION_NONE) state.sessions.touch(sessionId, nowMs);
  const ctx: OpContext = { nodes: state.pending, sessionId, auth: envelope.auth, zxid, nowMs, limits: state.limits };
  switch (request.type) {
    case "create":
    case "delete":
    case "setData":
    case "setACL":
      return opBody(prepareOp(request, ctx));
    case "check":
      return rejected(keelError("BADARGUMENTS", "check is only valid inside multi", request.path));
    case "multi":
      return prepareMulti(request.ops, state.pending, ctx);
    case "forceRelease":
      return opBody(prepareForceRelease(request.path, request.version, request.reason, ctx));
    case "deleteContainer":
      return opBody(prepareHousekeepingDelete("container", request.path, ctx));
    case "expireTtl":
      return opBody(prepareHousekeepingDelete("ttl", request.path, ctx));
    case "reconfig":
      return opBody(prepareReconfig(request, envelope.auth, zxid, state.limits.aclPolicy, state.reconfig));
    default:
      return unreachable(request);
  }
}

function opBody(prepared: TxnBody | KeelError): TxnBody {
  return isKeelError(prepared) ? rejected(prepared) : prepared;
}

function rejected(error: KeelError): TxnBody {
  return errorBody(error, []);
}

function prepareCreateSession(
  request: Extract<ClientRequest, { type: "createSession" }>,
  sessionId: SessionId,
  nowMs: number,
  state: PrepareState,
): TxnBody {
  const { timeoutMs, password } = request;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    return rejected(keelError("BADARGUMENTS", `session timeout ${timeoutMs} ms must be positive`));
  }
  if (password.length > SESSION_PASSWORD_BYTES_MAX) {
    return rejected(keelError("BADARGUMENTS", `session password longer than ${SESSION_PASSWORD_BYTES_MAX} bytes`));
  }
  if (state.sessions.size >= SESSIONS_MAX) {
    return rejected(keelError("THROTTLEDOP", `too many sessions (${SESSIONS_MAX})`));
  }
  const negotiatedMs = state.sessions.negotiateTimeoutMs(timeoutMs);
  state.sessions.add(sessionId, negotiatedMs, nowMs);
  return { type: "createSession", timeoutMs: negotiatedMs, password, clientAddress: request.clientAddress ?? "" };
}

/**
 * closeSession (and expireSession, the leader's own close of a timed-out session) deletes the session's ephemerals, both applied and still pending, and records
 * those deletes in the overlay so pipelined requests behind it see them gone (as ZooKeeper's
 * prep does). The paths go into the txn, so apply deletes exactly what prepare saw.
 */
function prepareCloseSession(sessionId: SessionId, reason: SessionEndReason, state: PrepareState): TxnBody {
  if (sessionId === SESSION_NONE) return rejected(keelError("BADARGUMENTS", "closeSession needs a session"));
  if (!state.sessions.setClosing(sessionId)) {
    return rejected(keelError("SESSIONEXPIRED", `session 0x${sessionId.toString(16)} is already closing`));
  }
  const candidates = new Set(state.tree.ephemerals(sessionId));
  for (const path of state.pending.pendingEphemeralsOf(sessionId) ?? []) candidates.add(path);
  const paths = [...candidates].filter((path) => state.pending.view(path)?.ephemeralOwner === sessionId).sort();
  for (const path of paths) {
    const parentName = parentPath(path);
    const parent = state.pending.view(parentName);
    if (parent !== undefined) recordDelete(path, parentName, parent, state.pending);
  }
  return { type: "closeSession", paths, reason };
}

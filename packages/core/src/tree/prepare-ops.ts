/**
 * Preparation of the single-node ops (ZooKeeper's PrepRequestProcessor.pRequest2Txn, one function
 * per op): check a request against the node views (tree + pending changes), record the effect
 * on those views, and return the txn op — or the KeelError, in ZooKeeper's check order
 * (docs/data-model.md §3). Shared by plain requests and multi ops.
 */

import { utf8ByteLength } from "../codec/bytes.js";
import { isKeelError, type KeelError, keelError } from "../errors.js";
import { SESSION_NONE, type SessionId, type Zxid } from "../ids.js";
import { FORCE_RELEASE_REASON_BYTES_MAX, TTL_MS_MAX } from "../limits.js";
import { type Acl, type AclPolicy, type AuthId, checkAcl, fixupAcl, PERMS, type Perm } from "./acl.js";
import { authRootRefusal } from "./auth-root.js";
import { RESERVED_ROOTS } from "./data-tree.js";
import { int32Add, parentPath, sequentialNumber, sequentialSuffix, validateData, validatePath } from "./path.js";
import type { NodeSink } from "./pending-changes.js";
import type { CheckRequest, CreateRequest, MultiOpRequest } from "./request.js";
import type { TxnOp } from "./txn.js";
import { modeIsSequential, modeKind, type NodeView } from "./znode.js";

export interface TreeLimits {
  /** Largest node data in bytes (default DATA_BYTES_MAX_DEFAULT). */
  readonly dataBytesMax: number;
  /** ZooKeeper's extendedTypesEnabled: TTL nodes are refused (UNIMPLEMENTED) unless true. */
  readonly ttlEnabled: boolean;
  readonly aclPolicy: AclPolicy;
}

export interface OpContext {
  readonly nodes: NodeSink;
  readonly sessionId: SessionId;
  readonly auth: readonly AuthId[];
  /** The zxid the txn is prepared for: a node created by it has this czxid. */
  readonly zxid: Zxid;
  readonly nowMs: number;
  readonly limits: TreeLimits;
}

export type SetAclRequest = {
  readonly type: "setACL";
  readonly path: string;
  readonly acl: Acl;
  readonly aversion: number;
};

export function prepareOp(request: MultiOpRequest | SetAclRequest, ctx: OpContext): TxnOp | KeelError {
  switch (request.type) {
    case "create":
      return prepareCreate(request, ctx);
    case "delete":
      return prepareDelete(request.path, request.version, ctx);
    case "setData":
      return prepareSetData(request.path, request.data, request.version, ctx);
    case "setACL":
      return prepareSetAcl(request, ctx);
    case "check":
      return prepareCheck(request, ctx);
    default:
      return unknownOp(request);
  }
}

/**
 * `/zookeeper` and everything below it belong to the system (ZooKeeper keeps its config and quota
 * nodes there): clients may read them, never create, change or delete them (docs/data-model.md).
 */
export const SYSTEM_ROOT = "/zookeeper";

function systemOwned(path: string): KeelError | undefined {
  if (path !== SYSTEM_ROOT && !path.startsWith(`${SYSTEM_ROOT}/`)) return undefined;
  return keelError(
    "BADARGUMENTS",
    `${path} is in ${SYSTEM_ROOT}, which is reserved for the system and read-only`,
    path,
  );
}

/** Keel's users and tokens (auth-root.ts): checked right after the path, before any existence check. */
function authReserved(path: string, ctx: OpContext): KeelError | undefined {
  return authRootRefusal(path, ctx.auth, ctx.limits.aclPolicy);
}

function unknownOp(request: never): KeelError {
  return keelError("BADARGUMENTS", `unknown op ${JSON.stringify((request as { type?: unknown }).type)}`);
}

function prepareCreate(request: CreateRequest, ctx: OpContext): TxnOp | KeelError {
  const sequential = modeIsSequential(request.kind);
  const kind = modeKind(request.kind);
  const invalid =
    validatePath(request.path, { sequential }) ??
    systemOwned(request.path) ??
    // A sequential name gets digits appended: "/keel/auth" + digits is a sibling, "/keel/auth/x" + digits is inside.
    authReserved(sequential ? `${request.path}0` : request.path, ctx) ??
    validateData(request.data, ctx.limits.dataBytesMax, request.path) ??
    validateTtl(kind, request.ttlMs, ctx.limits.ttlEnabled, request.path);
  if (invalid !== undefined) return invalid;
  if (kind === "ephemeral" && ctx.sessionId === SESSION_NONE) {
    return keelError("BADARGUMENTS", "an ephemeral node needs a session", request.path);
  }
  const acl = fixupAcl(request.acl, ctx.auth, request.path);
  if (!Array.isArray(acl)) return acl as KeelError;
  if (request.path === "/") return keelError("NODEEXISTS", "the root always exists", "/");
  const parentName = parentPath(request.path);
  const parent = ctx.nodes.view(parentName);
  if (parent === undefined) return keelError("NONODE", `parent ${parentName} does not exist`, request.path);
  if (!allowed(parent, PERMS.CREATE, ctx)) return noAuth("CREATE", parentName);
  const path = sequential ? request.path + sequentialSuffix(sequentialNumber(parent)) : request.path;
  if (ctx.nodes.view(path) !== undefined) return keelError("NODEEXISTS", `${path} already exists`, path);
  if (parent.kind === "ephemeral") {
    return keelError("NOCHILDRENFOREPHEMERALS", `parent ${parentName} is ephemeral`, path);
  }
  const ttlMs = kind === "ttl" ? (request.ttlMs ?? 0) : 0;
  ctx.nodes.put(parentName, withChildDelta(parent, 1));
  ctx.nodes.put(path, {
    kind,
    ephemeralOwner: kind === "ephemeral" ? ctx.sessionId : SESSION_NONE,
    acl,
    czxid: ctx.zxid,
    version: 0,
    cversion: 0,
    aversion: 0,
    numChildren: 0,
    mtime: ctx.nowMs,
    ttlMs,
  });
  return { type: "create", path, data: request.data, acl, kind, ttlMs };
}

function validateTtl(
  kind: NodeView["kind"],
  ttlMs: number | undefined,
  enabled: boolean,
  path: string,
): KeelError | undefined {
  if (kind !== "ttl") {
    return ttlMs === undefined ? undefined : keelError("BADARGUMENTS", "ttlMs is only valid for ttl modes", path);
  }
  if (!enabled) return keelError("UNIMPLEMENTED", "TTL nodes are disabled (ttlEnabled=false)", path);
  if (ttlMs === undefined || !Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > TTL_MS_MAX) {
    return keelError("BADARGUMENTS", `ttlMs must be an integer in 1..${TTL_MS_MAX}`, path);
  }
  return undefined;
}

function prepareDelete(path: string, version: number, ctx: OpContext): TxnOp | KeelError {
  if (path === "/" || RESERVED_ROOTS.includes(path))
    return keelError("BADARGUMENTS", `${path} cannot be deleted`, path);
  const invalid = validatePath(path) ?? systemOwned(path) ?? authReserved(path, ctx);
  if (invalid !== undefined) return invalid;
  const parentName = parentPath(path);
  const parent = ctx.nodes.view(parentName);
  const node = parent === undefined ? undefined : ctx.nodes.view(path);
  if (parent === undefined || node === undefined) return keelError("NONODE", `${path} does not exist`, path);
  if (!allowed(parent, PERMS.DELETE, ctx)) return noAuth("DELETE", parentName);
  if (version !== -1 && version !== node.version) return badVersion(path, version, node.version);
  if (node.numChildren > 0) return keelError("NOTEMPTY", `${path} has ${node.numChildren} children`, path);
  recordDelete(path, parentName, parent, ctx.nodes);
  return { type: "delete", path };
}

/**
 * An operator's force-release: the same checks as a delete (ACL, version, NOTEMPTY, reserved
 * paths), and the reason goes into the txn so every watcher of the node learns it.
 */
export function prepareForceRelease(path: string, version: number, reason: string, ctx: OpContext): TxnOp | KeelError {
  if (utf8ByteLength(reason) > FORCE_RELEASE_REASON_BYTES_MAX) {
    return keelError(
      "BADARGUMENTS",
      `forceRelease.reason is longer than ${FORCE_RELEASE_REASON_BYTES_MAX} UTF-8 bytes`,
      path,
    );
  }
  const prepared = prepareDelete(path, version, ctx);
  if (isKeelError(prepared)) return prepared;
  return { type: "delete", path, cause: { kind: "forceRelease", reason } };
}

/** Records a delete and its parent's child-count change in the views. */
export function recordDelete(path: string, parentName: string, parent: NodeView, nodes: NodeSink): void {
  nodes.put(path, null);
  nodes.put(parentName, withChildDelta(parent, -1));
}

function prepareSetData(path: string, data: Uint8Array, version: number, ctx: OpContext): TxnOp | KeelError {
  const invalid =
    validatePath(path) ??
    systemOwned(path) ??
    authReserved(path, ctx) ??
    validateData(data, ctx.limits.dataBytesMax, path);
  if (invalid !== undefined) return invalid;
  const node = ctx.nodes.view(path);
  if (node === undefined) return keelError("NONODE", `${path} does not exist`, path);
  if (!allowed(node, PERMS.WRITE, ctx)) return noAuth("WRITE", path);
  if (version !== -1 && version !== node.version) return badVersion(path, version, node.version);
  const nextVersion = int32Add(node.version, 1);
  ctx.nodes.put(path, { ...copyView(node), version: nextVersion, mtime: ctx.nowMs });
  return { type: "setData", path, data, version: nextVersion };
}

function prepareSetAcl(request: SetAclRequest, ctx: OpContext): TxnOp | KeelError {
  const invalid = validatePath(request.path) ?? systemOwned(request.path) ?? authReserved(request.path, ctx);
  if (invalid !== undefined) return invalid;
  const acl = fixupAcl(request.acl, ctx.auth, request.path);
  if (!Array.isArray(acl)) return acl as KeelError;
  const node = ctx.nodes.view(request.path);
  if (node === undefined) return keelError("NONODE", `${request.path} does not exist`, request.path);
  if (!allowed(node, PERMS.ADMIN, ctx)) return noAuth("ADMIN", request.path);
  if (request.aversion !== -1 && request.aversion !== node.aversion) {
    return keelError(
      "BADVERSION",
      `${request.path}: aversion ${request.aversion}, node has ${node.aversion}`,
      request.path,
    );
  }
  const aversion = int32Add(node.aversion, 1);
  ctx.nodes.put(request.path, { ...copyView(node), acl, aversion });
  return { type: "setACL", path: request.path, acl, aversion };
}

function prepareCheck(request: CheckRequest, ctx: OpContext): TxnOp | KeelError {
  const { path, version, czxid } = request;
  const invalid = validatePath(path) ?? authReserved(path, ctx);
  if (invalid !== undefined) return invalid;
  const node = ctx.nodes.view(path);
  if (node === undefined) return keelError("NONODE", `${path} does not exist`, path);
  if (!allowed(node, PERMS.READ, ctx)) return noAuth("READ", path);
  if (czxid !== undefined && czxid !== node.czxid) {
    return keelError("BADVERSION", `${path} is another node (created at zxid ${node.czxid}, expected ${czxid})`, path);
  }
  if (version !== -1 && version !== node.version) return badVersion(path, version, node.version);
  return { type: "check", path, version };
}

/**
 * Leader housekeeping (docs/data-model.md §2, containers and TTL nodes): the condition is checked again here, at
 * prepare time, because a child may have been created since the leader picked the node.
 */
export function prepareHousekeepingDelete(kind: "container" | "ttl", path: string, ctx: OpContext): TxnOp | KeelError {
  const invalid = validatePath(path);
  if (invalid !== undefined) return invalid;
  const node = ctx.nodes.view(path);
  const parentName = parentPath(path);
  const parent = ctx.nodes.view(parentName);
  if (node === undefined || parent === undefined) return keelError("NONODE", `${path} does not exist`, path);
  if (node.kind !== kind) return keelError("BADARGUMENTS", `${path} is not a ${kind} node`, path);
  if (node.numChildren > 0) return keelError("NOTEMPTY", `${path} has children`, path);
  if (kind === "container" && node.cversion === 0) {
    return keelError("BADARGUMENTS", `container ${path} never had a child`, path);
  }
  if (kind === "ttl" && ctx.nowMs - node.mtime <= node.ttlMs) {
    return keelError("BADARGUMENTS", `ttl node ${path} has not expired`, path);
  }
  recordDelete(path, parentName, parent, ctx.nodes);
  return { type: "delete", path, cause: kind === "container" ? { kind: "containerEmpty" } : { kind: "ttlExpired" } };
}

function allowed(node: NodeView, perm: Perm, ctx: OpContext): boolean {
  return checkAcl(node.acl, perm, ctx.auth, ctx.limits.aclPolicy);
}

function noAuth(perm: string, path: string): KeelError {
  return keelError("NOAUTH", `no ${perm} permission on ${path}`, path);
}

function badVersion(path: string, expected: number, actual: number): KeelError {
  return keelError("BADVERSION", `${path}: expected version ${expected}, node has ${actual}`, path);
}

/** A plain-object copy of a view (a Znode's numChildren is a getter, which spread would miss). */
export function copyView(view: NodeView): NodeView {
  return {
    kind: view.kind,
    ephemeralOwner: view.ephemeralOwner,
    acl: view.acl,
    czxid: view.czxid,
    version: view.version,
    cversion: view.cversion,
    aversion: view.aversion,
    numChildren: view.numChildren,
    mtime: view.mtime,
    ttlMs: view.ttlMs,
  };
}

function withChildDelta(parent: NodeView, delta: 1 | -1): NodeView {
  return { ...copyView(parent), cversion: int32Add(parent.cversion, 1), numChildren: parent.numChildren + delta };
}

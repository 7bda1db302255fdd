/**
 * What each ZooKeeper request does to Keel (docs/zookeeper-compat.md): writes become the same
 * request envelopes the HTTP API proposes (one tree, one set of sessions, one ACL check in core),
 * reads are served from this server's applied tree, and watches go into the host's one WatchTable,
 * so wire clients and SDK clients see each other's nodes, ephemerals and watch events.
 *
 * The connection (zk-connection.ts) decides *when* each runs: writes are proposed as they arrive,
 * reads run once every earlier reply on the connection has been sent. This module decides *what*
 * the answer is, as ZooKeeper 3.8 would give it.
 */
import {
  type Applied,
  type AuthId,
  type ClientRequest,
  ERROR_CODES,
  isKeelError,
  type KeelError,
  keelError,
  type MultiOpRequest,
  type OpResult,
  type SessionId,
  validatePath,
  type WatcherEvent,
  type WatcherId,
  ZK_EVENT,
  ZK_STATE_SYNC_CONNECTED,
  type ZkMultiResult,
  type ZkRequest,
  type ZkResponse,
  type ZkStat,
  type ZkWriteOp,
} from "@keel/core";
import type { ReplicaHost } from "../replica-host.js";
import { aclOfZk, createModeOfFlags, zkAclOf, zkErrorOf, zkMultiCode, zkStat } from "./zk-views.js";

/** The answer to one request: the ReplyHeader's err and zxid, and the body when err is 0. */
export interface ZkAnswer {
  readonly err: number;
  readonly zxid: bigint;
  readonly response?: ZkResponse;
  /** Notifications to send before the reply (SetWatches' catch-up events). */
  readonly events?: readonly WatcherEvent[];
}

/** Who is asking: the connection's session, its watcher id and the identities it has proven. */
export interface ZkCaller {
  readonly sessionId: SessionId;
  readonly watcher: WatcherId;
  readonly auth: readonly AuthId[];
  /** The envelope's cxid: the request's xid (it ties the txn to the request in the audit feed). */
  readonly cxid: number;
}

/** Ops proposed through the leader; everything else is answered locally. */
const WRITE_OPS: ReadonlySet<ZkRequest["op"]> = new Set([
  "create",
  "create2",
  "createContainer",
  "createTTL",
  "delete",
  "setData",
  "setACL",
  "multi",
  "sync",
  "closeSession",
]);

export function isWrite(request: ZkRequest): boolean {
  return WRITE_OPS.has(request.op);
}

type Create = Extract<ZkWriteOp, { path: string; flags: number }>;

export class ZkRequests {
  constructor(
    private readonly host: ReplicaHost,
    private readonly onFault: (message: string) => void,
  ) {}

  private get lastZxid(): bigint {
    return this.host.state.lastAppliedZxid;
  }

  // --- writes -------------------------------------------------------------------------------

  /** Proposes a write and resolves with its answer; never rejects. */
  async write(request: ZkRequest, caller: ZkCaller): Promise<ZkAnswer> {
    try {
      if (request.op === "sync") {
        const zxid = await this.host.sync();
        return { err: 0, zxid, response: { op: "sync", path: request.path } };
      }
      if (request.op === "multi" && request.ops.length === 0) {
        return { err: 0, zxid: this.lastZxid, response: { op: "multi", results: [] } };
      }
      const refused = malformedPathError(request, (path) => this.exists(path));
      if (refused !== undefined) return { err: refused, zxid: this.lastZxid };
      const clientRequest = this.clientRequest(request);
      if (isKeelError(clientRequest)) return this.failed(clientRequest);
      const applied = await this.host.submit({
        sessionId: caller.sessionId,
        cxid: caller.cxid,
        auth: caller.auth,
        request: clientRequest,
      });
      return this.answerOf(request, applied);
    } catch (error) {
      if (!isKeelError(error)) this.onFault(`a ZooKeeper-port write failed: ${String(error)}`);
      return this.failed(error);
    }
  }

  private clientRequest(request: ZkRequest): ClientRequest | KeelError {
    switch (request.op) {
      case "create":
      case "create2":
      case "createContainer":
      case "createTTL":
      case "delete":
      case "setData":
        return this.writeOp(request);
      case "setACL":
        return { type: "setACL", path: request.path, acl: aclOfZk(request.acl), aversion: request.version };
      case "multi": {
        const ops: MultiOpRequest[] = [];
        for (const op of request.ops) {
          const converted = this.writeOp(op);
          if (isKeelError(converted)) return converted;
          ops.push(converted);
        }
        return { type: "multi", ops };
      }
      case "closeSession":
        return { type: "closeSession" };
      default:
        return keelError("UNIMPLEMENTED", `${request.op} is not a write`);
    }
  }

  private writeOp(op: ZkWriteOp): MultiOpRequest | KeelError {
    switch (op.op) {
      case "create":
      case "create2":
      case "createContainer":
      case "createTTL":
        return this.createRequest(op);
      case "delete":
        return { type: "delete", path: op.path, version: op.version };
      case "setData":
        return { type: "setData", path: op.path, data: op.data ?? new Uint8Array(0), version: op.version };
      case "check":
        return { type: "check", path: op.path, version: op.version };
    }
  }

  /** ZooKeeper's create validation: flags 0–6, TTL modes only through createTTL with 0 < ttl < 2^40. */
  private createRequest(op: Create): MultiOpRequest | KeelError {
    const mode = createModeOfFlags(op.flags);
    if (mode === undefined) return keelError("BADARGUMENTS", `unknown create flags ${op.flags}`, op.path);
    const ttlMode = mode === "ttl" || mode === "ttlSequential";
    if (op.op === "createContainer" && mode !== "container") {
      return keelError("BADARGUMENTS", "createContainer needs the container flag", op.path);
    }
    if (op.op === "createTTL") {
      if (!ttlMode) return keelError("BADARGUMENTS", "createTTL needs a TTL mode", op.path);
      if (op.ttl <= 0n || op.ttl > 0xff_ffff_ffffn) return keelError("BADARGUMENTS", `bad ttl ${op.ttl}`, op.path);
    } else if (ttlMode) {
      return keelError("BADARGUMENTS", "a TTL mode needs createTTL and a ttl", op.path);
    }
    return {
      type: "create",
      path: op.path,
      data: op.data ?? new Uint8Array(0),
      acl: aclOfZk(op.acl),
      kind: mode,
      ...(op.op === "createTTL" ? { ttlMs: Number(op.ttl) } : {}),
    };
  }

  private answerOf(request: ZkRequest, applied: Applied): ZkAnswer {
    const { result, zxid } = applied;
    if (result.type === "rejected") {
      if (request.op === "multi" && result.results.length > 0) {
        const results = result.results.map((item) => this.multiResult(item, undefined));
        return { err: 0, zxid, response: { op: "multi", results } };
      }
      return { err: zkErrorOf(result.error), zxid };
    }
    switch (request.op) {
      case "multi": {
        if (result.type !== "multi") return this.unexpected(result.type, zxid);
        const results = result.results.map((item, index) => this.multiResult(item, request.ops[index]));
        return { err: 0, zxid, response: { op: "multi", results } };
      }
      case "closeSession":
        return { err: 0, zxid };
      default: {
        if (result.type === "multi" || result.type === "createSession" || result.type === "closeSession") {
          return this.unexpected(result.type, zxid);
        }
        const item = this.multiResult(result, request as ZkWriteOp);
        return { err: 0, zxid, ...this.singleResponse(item) };
      }
    }
  }

  /** A single write's body: the multi item's, without the multi wrapping. */
  private singleResponse(item: ZkMultiResult): { response?: ZkResponse } {
    switch (item.op) {
      case "create":
        return { response: { op: "create", path: item.path } };
      case "create2":
        return { response: { op: "create2", path: item.path, stat: item.stat } };
      case "setData":
        return { response: { op: "stat", stat: item.stat } };
      default:
        return {};
    }
  }

  private multiResult(result: OpResult, op: ZkWriteOp | undefined): ZkMultiResult {
    switch (result.type) {
      case "create": {
        if (op?.op === "create") return { op: "create", path: result.path };
        return { op: "create2", path: result.path, stat: zkStat(result.stat) };
      }
      case "delete":
        return { op: "delete" };
      case "setData":
      case "setACL":
        return { op: "setData", stat: zkStat(result.stat) };
      case "check":
        return { op: "check" };
      case "error":
        return { op: "error", err: zkMultiCode(result.code) };
    }
  }

  /** A result that does not fit the request: a bug, answered as ZooKeeper answers a server fault. */
  private unexpected(type: string, zxid: bigint): ZkAnswer {
    this.onFault(`a ZooKeeper-port write was answered with a ${type} result`);
    return { err: ERROR_CODES.SYSTEMERROR, zxid };
  }

  /** Whether a node is at exactly this path (any text: a malformed path is simply no node). */
  private exists(path: string): boolean {
    const stat = validatePath(path) === undefined ? this.host.state.exists(path) : null;
    return stat !== null && !isKeelError(stat);
  }

  private failed(error: unknown): ZkAnswer {
    return { err: zkErrorOf(error), zxid: this.lastZxid };
  }

  // --- reads (run when every earlier reply on the connection is out) ------------------------

  read(request: ZkRequest, caller: ZkCaller): ZkAnswer {
    const zxid = this.lastZxid;
    const answer = (response?: ZkResponse): ZkAnswer => (response ? { err: 0, zxid, response } : { err: 0, zxid });
    const error = (code: number): ZkAnswer => ({ err: code, zxid });
    const { state, watches } = this.host;
    if ("path" in request && request.path === "" && PATH_READS.has(request.op))
      return error(ERROR_CODES.MARSHALLINGERROR);
    switch (request.op) {
      case "exists": {
        if (validatePath(request.path) !== undefined) return error(ERROR_CODES.NONODE);
        // Pass the caller's identities: in /keel/auth exists is NOAUTH for non-super callers (no probing).
        const stat = state.exists(request.path, caller.auth);
        if (isKeelError(stat)) return error(stat.wireCode);
        if (stat === null) {
          if (request.watch) {
            const refused = watches.addOneShot(caller.watcher, request.path, "exist");
            if (refused) return error(zkErrorOf(refused));
          }
          return error(ERROR_CODES.NONODE);
        }
        if (request.watch) {
          const refused = watches.addOneShot(caller.watcher, request.path, "data");
          if (refused) return error(zkErrorOf(refused));
        }
        return answer({ op: "stat", stat: zkStat(stat) });
      }
      case "getData": {
        const node = this.getData(request.path, caller.auth);
        if (typeof node === "number") return error(node);
        if (request.watch) {
          const refused = watches.addOneShot(caller.watcher, request.path, "data");
          if (refused) return error(zkErrorOf(refused));
        }
        return answer({ op: "getData", data: node.data, stat: node.stat });
      }
      case "getChildren":
      case "getChildren2": {
        const listing = this.getChildren(request.path, caller.auth);
        if (typeof listing === "number") return error(listing);
        if (request.watch) {
          const refused = watches.addOneShot(caller.watcher, request.path, "child");
          if (refused) return error(zkErrorOf(refused));
        }
        return request.op === "getChildren"
          ? answer({ op: "getChildren", children: listing.children })
          : answer({ op: "getChildren2", children: listing.children, stat: listing.stat });
      }
      case "getACL": {
        if (validatePath(request.path) !== undefined) return error(ERROR_CODES.NONODE);
        const node = state.getACL(request.path, caller.auth);
        if (isKeelError(node)) return error(node.wireCode);
        return answer({ op: "getACL", acl: zkAclOf(node.acl), stat: zkStat(node.stat) });
      }
      case "getAllChildrenNumber": {
        if (validatePath(request.path) !== undefined) return error(ERROR_CODES.NONODE);
        const count = state.getAllChildrenNumber(request.path, caller.auth);
        if (isKeelError(count)) return error(count.wireCode);
        return answer({ op: "getAllChildrenNumber", totalNumber: count });
      }
      case "getEphemerals": {
        const prefix = request.prefixPath === "" ? "/" : request.prefixPath;
        // Only the ephemerals the caller may still read (one in /keel/auth, or whose ACL changed, is left out).
        const ephemerals = state.getEphemerals(caller.sessionId, prefix, caller.auth);
        return answer({ op: "getEphemerals", ephemerals });
      }
      case "multiRead": {
        const results: ZkMultiResult[] = request.ops.map((op) => {
          if (op.op === "getData") {
            const node = this.getData(op.path, caller.auth);
            return typeof node === "number" ? { op: "error", err: node } : { op: "getData", ...node };
          }
          const listing = this.getChildren(op.path, caller.auth);
          return typeof listing === "number"
            ? { op: "error", err: listing }
            : { op: "getChildren", children: listing.children };
        });
        return answer({ op: "multi", results });
      }
      case "whoAmI":
        return answer({
          op: "whoAmI",
          clientInfo: caller.auth.map((id) => ({ authScheme: id.scheme, user: id.id })),
        });
      case "ping":
        return answer();
      case "addWatch": {
        if (validatePath(request.path) !== undefined) return error(ERROR_CODES.BADARGUMENTS);
        if (request.mode !== 0 && request.mode !== 1) return error(ERROR_CODES.BADARGUMENTS);
        const mode = request.mode === 0 ? "persistent" : "persistentRecursive";
        const refused = watches.addPersistent(caller.watcher, request.path, mode);
        if (refused) return error(zkErrorOf(refused));
        return answer({ op: "errorResponse", err: 0 });
      }
      case "checkWatches":
      case "removeWatches": {
        const type = WATCHER_TYPES[request.type];
        if (type === undefined) return error(ERROR_CODES.BADARGUMENTS);
        if (request.op === "checkWatches") {
          return watches.has(caller.watcher, request.path, type) ? answer() : error(ERROR_CODES.NOWATCHER);
        }
        const missing = watches.remove(caller.watcher, request.path, type);
        return missing ? error(ERROR_CODES.NOWATCHER) : answer();
      }
      case "setWatches":
      case "setWatches2":
        return { err: 0, zxid, events: this.setWatches(request, caller) };
      case "reconfig":
        return error(ERROR_CODES.RECONFIGDISABLED);
      case "sasl":
        return error(ERROR_CODES.AUTHFAILED);
      default:
        return error(ERROR_CODES.UNIMPLEMENTED);
    }
  }

  private getData(path: string, auth: readonly AuthId[]): number | { data: Uint8Array; stat: ZkStat } {
    if (validatePath(path) !== undefined) return ERROR_CODES.NONODE;
    const node = this.host.state.get(path, auth);
    if (isKeelError(node)) return node.wireCode;
    return { data: node.data, stat: zkStat(node.stat) };
  }

  private getChildren(path: string, auth: readonly AuthId[]): number | { children: readonly string[]; stat: ZkStat } {
    if (validatePath(path) !== undefined) return ERROR_CODES.NONODE;
    const listing = this.host.state.children(path, auth);
    if (isKeelError(listing)) return listing.wireCode;
    return { children: listing.children, stat: zkStat(listing.stat) };
  }

  /**
   * Persistent watches of a connection report only what it may see when the event fires
   * (KeelReads.canSeeEvent with the connection's identities at that moment, `auth()`): without it
   * a persistent-recursive watch on / would name nodes the client cannot read (ZooKeeper's
   * CVE-2024-23944). One-shot watches need no filter: setting one read the node.
   */
  filterPersistentWatches(watcher: WatcherId, auth: () => readonly AuthId[]): void {
    this.host.watches.setPersistentEventFilter(watcher, (path, acl) => this.host.state.canSeeChange(path, acl, auth()));
  }

  /**
   * SetWatches after a reconnect (docs/zookeeper-wire.md, "SetWatches"): a watch whose event the
   * client missed while away fires at once instead of being set; the others are set. A path in
   * /keel/auth, which the caller may not even test for (NOAUTH), is dropped: neither set nor fired.
   */
  private setWatches(request: Extract<ZkRequest, { op: "setWatches" | "setWatches2" }>, caller: ZkCaller) {
    const { state, watches } = this.host;
    const { watcher } = caller;
    const { relativeZxid } = request;
    const events: WatcherEvent[] = [];
    const fire = (type: number, path: string) => events.push({ type, state: ZK_STATE_SYNC_CONNECTED, path });
    // exists fails a valid path only when /keel/auth refuses the caller.
    const refused = (path: string) => validatePath(path) === undefined && isKeelError(state.exists(path, caller.auth));
    const stat = (path: string) => {
      if (validatePath(path) !== undefined) return null;
      const found = state.exists(path, caller.auth);
      return isKeelError(found) ? null : found;
    };
    for (const path of request.watches.dataWatches) {
      if (refused(path)) continue;
      const node = stat(path);
      if (node === null) fire(ZK_EVENT.nodeDeleted, path);
      else if (node.mzxid > relativeZxid) fire(ZK_EVENT.nodeDataChanged, path);
      else watches.addOneShot(watcher, path, "data");
    }
    for (const path of request.watches.existWatches) {
      if (refused(path)) continue;
      if (stat(path) !== null) fire(ZK_EVENT.nodeCreated, path);
      else if (validatePath(path) === undefined) watches.addOneShot(watcher, path, "exist");
    }
    for (const path of request.watches.childWatches) {
      if (refused(path)) continue;
      const node = stat(path);
      if (node === null) fire(ZK_EVENT.nodeDeleted, path);
      else if (node.pzxid > relativeZxid) fire(ZK_EVENT.nodeChildrenChanged, path);
      else watches.addOneShot(watcher, path, "child");
    }
    for (const path of request.watches.persistentWatches) {
      if (validatePath(path) === undefined) watches.addPersistent(watcher, path, "persistent");
    }
    for (const path of request.watches.persistentRecursiveWatches) {
      if (validatePath(path) === undefined) watches.addPersistent(watcher, path, "persistentRecursive");
    }
    return events;
  }
}

type CreateOrDelete = Extract<ZkRequest, { op: "create" | "create2" | "createContainer" | "createTTL" | "delete" }>;
const CREATE_OR_DELETE: ReadonlySet<ZkRequest["op"]> = new Set([
  "create",
  "create2",
  "createContainer",
  "createTTL",
  "delete",
]);
const isCreateOrDelete = (request: ZkRequest): request is CreateOrDelete => CREATE_OR_DELETE.has(request.op);

/** Reads whose empty path ZooKeeper fails to decode (MARSHALLINGERROR) rather than look up. */
const PATH_READS: ReadonlySet<ZkRequest["op"]> = new Set([
  "exists",
  "getData",
  "getChildren",
  "getChildren2",
  "getACL",
  "getAllChildrenNumber",
]);

/**
 * What ZooKeeper's server answers for a malformed path in a create or delete, where its order of
 * checks shows (docs/zookeeper-compat.md, "Malformed paths"): an empty path fails to decode; a path
 * without a slash is BADARGUMENTS; a create whose parent (the text before the last slash) is no
 * node, and a delete of a path that is no node, are NONODE before the path is validated. Anything
 * else goes to Keel's own validation, which answers as ZooKeeper does (BADARGUMENTS).
 */
function malformedPathError(request: ZkRequest, exists: (path: string) => boolean): number | undefined {
  if (!isCreateOrDelete(request)) return undefined;
  const { path } = request;
  if (path === "") return ERROR_CODES.MARSHALLINGERROR;
  const slash = path.lastIndexOf("/");
  if (slash < 0 || path.includes("\u0000")) return ERROR_CODES.BADARGUMENTS;
  if (validatePath(path, { sequential: isSequentialCreate(request) }) === undefined) return undefined;
  if (request.op === "delete") return ERROR_CODES.NONODE;
  return exists(slash === 0 ? "/" : path.slice(0, slash)) ? undefined : ERROR_CODES.NONODE;
}

function isSequentialCreate(request: ZkRequest): boolean {
  return "flags" in request && (request.flags === 2 || request.flags === 3 || request.flags === 6);
}

/** removeWatches / checkWatches WatcherType: 1 Children, 2 Data, 3 Any. */
const WATCHER_TYPES: Readonly<Record<number, "children" | "data" | "any">> = { 1: "children", 2: "data", 3: "any" };

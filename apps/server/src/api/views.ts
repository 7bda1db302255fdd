/** Conversions between core's values and the API's JSON views (64-bit ids as decimal strings). */
import type { AclEntry as AclView, DeleteCauseView, NodeKind, OpResultView, StatView } from "@keel/api";
import {
  type Acl,
  baseName,
  type NodeKind as CoreNodeKind,
  type CreateMode,
  type DeleteCause,
  ERROR_CODES,
  KeelError,
  keelError,
  type OpResult,
  type SessionId,
  type Stat,
  sessionId,
  unreachable,
  utf8Decode,
  utf8Encode,
} from "@keel/core";

export function statView(stat: Stat): StatView {
  return {
    czxid: stat.czxid.toString(),
    mzxid: stat.mzxid.toString(),
    pzxid: stat.pzxid.toString(),
    ctime: stat.ctime,
    mtime: stat.mtime,
    version: stat.version,
    cversion: stat.cversion,
    aversion: stat.aversion,
    ephemeralOwner: stat.ephemeralOwner.toString(),
    dataLength: stat.dataLength,
    numChildren: stat.numChildren,
  };
}

const CREATE_MODE_BY_KIND: Record<NodeKind, CreateMode> = {
  persistent: "persistent",
  persistent_sequential: "persistentSequential",
  ephemeral: "ephemeral",
  ephemeral_sequential: "ephemeralSequential",
  container: "container",
  ttl: "ttl",
  ttl_sequential: "ttlSequential",
};

export function createModeOf(kind: NodeKind): CreateMode {
  return CREATE_MODE_BY_KIND[kind];
}

export function aclOf(views: readonly AclView[]): Acl {
  return views.map((entry) => ({ perms: entry.perms, scheme: entry.scheme, id: entry.id }));
}

export function aclView(acl: Acl): AclView[] {
  return acl.map((entry) => ({ perms: entry.perms, scheme: entry.scheme as AclView["scheme"], id: entry.id }));
}

/** The bytes of `data` (UTF-8) or `dataBase64`; giving both is BADARGUMENTS. */
export function dataOf(input: { data?: string | undefined; dataBase64?: string | undefined }): Uint8Array {
  if (input.data !== undefined && input.dataBase64 !== undefined) {
    throw keelError("BADARGUMENTS", "give data or dataBase64, not both");
  }
  if (input.dataBase64 !== undefined) return new Uint8Array(Buffer.from(input.dataBase64, "base64"));
  return input.data === undefined ? new Uint8Array(0) : utf8Encode(input.data);
}

export function dataViews(data: Uint8Array): { data: string; dataBase64: string } {
  return { data: utf8Decode(data), dataBase64: Buffer.from(data).toString("base64") };
}

export function opResultView(result: OpResult): OpResultView {
  switch (result.type) {
    case "create":
      return { type: "create", path: result.path, stat: statView(result.stat) };
    case "delete":
      return { type: "delete" };
    case "setData":
      return { type: "set", stat: statView(result.stat) };
    case "setACL":
      return { type: "set", stat: statView(result.stat) };
    case "check":
      return { type: "check" };
    case "error":
      return { type: "error", code: result.code, wireCode: ERROR_CODES[result.code], message: result.code };
  }
}

export function deleteCauseView(cause: DeleteCause): DeleteCauseView {
  switch (cause.kind) {
    case "delete":
    case "sessionExpired":
    case "sessionClosed":
      return { kind: cause.kind, sessionId: cause.sessionId.toString() };
    case "forceRelease":
      return { kind: "forceRelease", sessionId: cause.sessionId.toString(), reason: cause.reason };
    case "ttlExpired":
    case "containerEmpty":
      return { kind: cause.kind };
    default:
      return unreachable(cause);
  }
}

export function sessionIdOf(text: string): SessionId {
  const value = BigInt(text);
  if (value <= 0n || value >= 1n << 64n) throw keelError("BADARGUMENTS", `bad session id ${text}`);
  return sessionId(value);
}

export function secretOf(text: string): Uint8Array {
  if (!/^[0-9a-f]{2,128}$/.test(text) || text.length % 2 !== 0)
    throw new KeelError("AUTHFAILED", "malformed session secret");
  return new Uint8Array(Buffer.from(text, "hex"));
}

/** A sequential create's suffix (core's sequentialSuffix: `%010d` of the number of children created before, sign included). */
const SEQUENTIAL_SUFFIX = /(?:\d{10}|-\d{9})$/;

/**
 * The API's node kind. Core keeps what a node is (persistent, ephemeral, container, TTL) but not
 * whether its name was made sequential, so a name ending in a sequential suffix reads as the
 * *_sequential variant (a node created as persistent under such a name reads so too: docs/api.md).
 */
export function nodeKindView(kind: CoreNodeKind, path: string): NodeKind {
  if (kind === "container") return "container";
  return SEQUENTIAL_SUFFIX.test(baseName(path)) ? `${kind}_sequential` : kind;
}

/**
 * Binary codec for request envelopes (what a server forwards to the leader for `prepare`).
 * Layout, big-endian: u8 format version (1) | u64 sessionId, i32 cxid, f64 origin.peer,
 * f64 origin.requestId | u32 auth count, (string scheme, string id)* | u8 request tag | fields.
 * Decode never throws: on bad bytes it returns the error plus whatever of the header it could
 * read, so the leader can still answer the right caller with an error txn.
 */
import { unreachable } from "../assert.js";
import { type KeelError, keelError } from "../errors.js";
import { type PeerId, SESSION_NONE, type SessionId, type Zxid } from "../ids.js";
import {
  ACL_ENTRIES_MAX,
  ACL_ID_BYTES_MAX,
  CLIENT_ADDRESS_BYTES_MAX,
  MULTI_OPS_MAX,
  TXN_BYTES_MAX,
} from "../limits.js";
import type { AuthId } from "../tree/acl.js";
import type { ClientRequest, MultiOpRequest, ReconfigRequest, RequestEnvelope } from "../tree/request.js";
import { ORIGIN_NONE, type Origin } from "../tree/txn.js";
import type { Member } from "../zab/membership.js";
import { ByteReader, ByteWriter } from "./bytes.js";
import {
  DecodeProblem,
  modeCode,
  modeFromCode,
  readAcl,
  readMember,
  readOrigin,
  readPath,
  writeAcl,
  writeMember,
  writeOrigin,
} from "./txn-common.js";

export const REQUEST_FORMAT_VERSION = 1;
/** Largest force-release reason decoded; prepare then holds it to FORCE_RELEASE_REASON_BYTES_MAX. */
const REASON_BYTES_READ_MAX = 64 * 1024;

const TAGS = {
  create: 1,
  delete: 2,
  setData: 3,
  setACL: 4,
  check: 5,
  multi: 6,
  createSession: 7,
  closeSession: 8,
  deleteContainer: 9,
  expireTtl: 10,
  // Added with txn format 2 (issue 17). A leader that predates them answers MARSHALLINGERROR.
  expireSession: 11,
  forceRelease: 12,
  // Added with membership changes (issue 22): a leader that predates it answers MARSHALLINGERROR.
  reconfig: 15,
} as const satisfies Record<ClientRequest["type"], number>;
/**
 * A createSession that names the client's address (txn format 3). A separate tag, written only
 * when the address is known, so a request without one still reads on a leader that predates it.
 */
const CREATE_SESSION_FROM_TAG = 13;
/** A check that names the node's czxid (fencing): a separate tag for the same reason. */
const CHECK_CREATED_TAG = 14;

/** The tag of a top-level or multi op: the extended check has its own. */
function opTag(request: ClientRequest): number {
  return request.type === "check" && request.czxid !== undefined ? CHECK_CREATED_TAG : TAGS[request.type];
}

export type DecodedRequest =
  | { readonly type: "ok"; readonly envelope: RequestEnvelope }
  | {
      readonly type: "error";
      readonly error: KeelError;
      readonly sessionId: SessionId;
      readonly cxid: number;
      readonly origin: Origin;
    };

const SHARED_WRITER_BYTES = 4096;
const sharedWriter = new ByteWriter(SHARED_WRITER_BYTES);

/** Small requests reuse one writer (finish() copies out); big ones get their own so the shared one stays small. */
function requestSizeHint(request: ClientRequest): number {
  switch (request.type) {
    case "create":
    case "setData":
      return 128 + request.data.length + request.path.length * 3;
    case "multi":
      return request.ops.reduce((sum, op) => sum + 64 + op.path.length * 3 + ("data" in op ? op.data.length : 0), 128);
    default:
      return 1024;
  }
}

export function encodeRequest(envelope: RequestEnvelope): Uint8Array {
  const writer = requestSizeHint(envelope.request) <= SHARED_WRITER_BYTES ? sharedWriter.reset() : new ByteWriter(256);
  writer.u8(REQUEST_FORMAT_VERSION).u64(envelope.sessionId).i32(envelope.cxid);
  writeOrigin(writer, envelope.origin);
  writer.u32(envelope.auth.length);
  for (const id of envelope.auth) writer.string(id.scheme).string(id.id);
  writeRequest(writer, envelope.request);
  return writer.finish();
}

function writeRequest(writer: ByteWriter, request: ClientRequest): void {
  if (request.type === "createSession" && request.clientAddress !== undefined) {
    writer.u8(CREATE_SESSION_FROM_TAG).f64(request.timeoutMs).bytes(request.password).string(request.clientAddress);
    return;
  }
  writer.u8(opTag(request));
  switch (request.type) {
    case "create":
    case "delete":
    case "setData":
    case "check":
      writeMultiOp(writer, request);
      return;
    case "setACL":
      writer.string(request.path);
      writeAcl(writer, request.acl);
      writer.i32(request.aversion);
      return;
    case "multi":
      writer.u32(request.ops.length);
      for (const op of request.ops) {
        writer.u8(opTag(op));
        writeMultiOp(writer, op);
      }
      return;
    case "createSession":
      writer.f64(request.timeoutMs).bytes(request.password);
      return;
    case "closeSession":
    case "expireSession":
      return;
    case "forceRelease":
      writer.string(request.path).i32(request.version).string(request.reason);
      return;
    case "deleteContainer":
    case "expireTtl":
      writer.string(request.path);
      return;
    case "reconfig":
      // u8 1 + member (add) or 2 + u32 id (remove); then u8 0, or 1 + u64 fromVersion.
      if (request.add !== undefined) writeMember(writer.u8(RECONFIG_ADD), request.add);
      else writer.u8(RECONFIG_REMOVE).u32(request.remove ?? 0);
      if (request.fromVersion === undefined) writer.u8(0);
      else writer.u8(1).u64(request.fromVersion);
      return;
    default:
      unreachable(request);
  }
}

function writeMultiOp(writer: ByteWriter, op: MultiOpRequest): void {
  writer.string(op.path);
  switch (op.type) {
    case "create":
      writer.bytes(op.data);
      writeAcl(writer, op.acl);
      writer
        .u8(modeCode(op.kind))
        .u8(op.ttlMs === undefined ? 0 : 1)
        .f64(op.ttlMs ?? 0);
      return;
    case "delete":
      writer.i32(op.version);
      return;
    case "check":
      writer.i32(op.version);
      if (op.czxid !== undefined) writer.u64(op.czxid);
      return;
    case "setData":
      writer.bytes(op.data).i32(op.version);
      return;
    default:
      unreachable(op);
  }
}

export function decodeRequest(bytes: Uint8Array): DecodedRequest {
  const reader = new ByteReader(bytes);
  const problem = new DecodeProblem();
  const version = reader.u8();
  const sessionId = reader.u64() as SessionId;
  const cxid = reader.i32();
  const origin = readOrigin(reader);
  const headerOk = reader.ok;
  const fail = (message: string): DecodedRequest =>
    headerOk
      ? { type: "error", error: keelError("MARSHALLINGERROR", message), sessionId, cxid, origin }
      : {
          type: "error",
          error: keelError("MARSHALLINGERROR", message),
          sessionId: SESSION_NONE,
          cxid: 0,
          origin: ORIGIN_NONE,
        };
  if (version !== REQUEST_FORMAT_VERSION)
    return fail(`request format version ${version}, expected ${REQUEST_FORMAT_VERSION}`);
  if (!reader.ok) return fail("request bytes end inside the header");
  const auth = readAuth(reader, problem);
  const request = readRequest(reader, problem);
  if (!reader.ok) return fail("request bytes end early or hold an oversized field");
  if (problem.message !== undefined) return fail(`bad request: ${problem.message}`);
  if (!reader.done) return fail(`${reader.remaining} trailing bytes after request`);
  return { type: "ok", envelope: { sessionId, cxid, origin, auth, request } };
}

function readAuth(reader: ByteReader, problem: DecodeProblem): AuthId[] {
  const count = reader.u32();
  if (count > ACL_ENTRIES_MAX) problem.fail(`${count} auth identities`);
  const auth: AuthId[] = [];
  for (let i = 0; i < count && reader.ok && problem.message === undefined; i++) {
    auth.push({ scheme: reader.string(ACL_ID_BYTES_MAX), id: reader.string(ACL_ID_BYTES_MAX) });
  }
  return auth;
}

function readRequest(reader: ByteReader, problem: DecodeProblem): ClientRequest {
  const tag = reader.u8();
  switch (tag) {
    case TAGS.setACL:
      return { type: "setACL", path: readPath(reader), acl: readAcl(reader, problem), aversion: reader.i32() };
    case TAGS.multi: {
      const count = reader.u32();
      if (count > MULTI_OPS_MAX) problem.fail(`multi of ${count} ops`);
      const ops: MultiOpRequest[] = [];
      for (let i = 0; i < count && reader.ok && problem.message === undefined; i++)
        ops.push(readMultiOp(reader.u8(), reader, problem));
      return { type: "multi", ops };
    }
    case TAGS.createSession:
      return { type: "createSession", timeoutMs: reader.f64(), password: reader.bytes(1024) };
    case CREATE_SESSION_FROM_TAG:
      return {
        type: "createSession",
        timeoutMs: reader.f64(),
        password: reader.bytes(1024),
        clientAddress: reader.string(CLIENT_ADDRESS_BYTES_MAX),
      };
    case TAGS.closeSession:
      return { type: "closeSession" };
    case TAGS.expireSession:
      return { type: "expireSession" };
    case TAGS.forceRelease:
      // The reason's own bound (FORCE_RELEASE_REASON_BYTES_MAX) is checked at prepare, as BADARGUMENTS.
      return {
        type: "forceRelease",
        path: readPath(reader),
        version: reader.i32(),
        reason: reader.string(REASON_BYTES_READ_MAX),
      };
    case TAGS.deleteContainer:
      return { type: "deleteContainer", path: readPath(reader) };
    case TAGS.expireTtl:
      return { type: "expireTtl", path: readPath(reader) };
    case TAGS.reconfig:
      return readReconfig(reader, problem);
    default:
      return readMultiOp(tag, reader, problem);
  }
}

const RECONFIG_ADD = 1;
const RECONFIG_REMOVE = 2;

function readReconfig(reader: ByteReader, problem: DecodeProblem): ReconfigRequest {
  const kind = reader.u8();
  let change: { add: Member } | { remove: PeerId };
  if (kind === RECONFIG_ADD) change = { add: readMember(reader, problem) };
  else {
    if (kind !== RECONFIG_REMOVE) problem.fail(`unknown reconfig kind ${kind}`);
    change = { remove: reader.u32() as PeerId };
  }
  const fromVersion = reader.u8() === 1 ? (reader.u64() as Zxid) : undefined;
  return { type: "reconfig", ...change, ...(fromVersion === undefined ? {} : { fromVersion }) };
}

function readMultiOp(tag: number, reader: ByteReader, problem: DecodeProblem): MultiOpRequest {
  const path = readPath(reader);
  switch (tag) {
    case TAGS.create: {
      const data = reader.bytes(TXN_BYTES_MAX);
      const acl = readAcl(reader, problem);
      const kind = modeFromCode(reader.u8(), problem);
      const hasTtl = reader.u8() === 1;
      const ttlMs = reader.f64();
      return hasTtl ? { type: "create", path, data, acl, kind, ttlMs } : { type: "create", path, data, acl, kind };
    }
    case TAGS.delete:
      return { type: "delete", path, version: reader.i32() };
    case TAGS.setData:
      return { type: "setData", path, data: reader.bytes(TXN_BYTES_MAX), version: reader.i32() };
    case TAGS.check:
      return { type: "check", path, version: reader.i32() };
    case CHECK_CREATED_TAG:
      return { type: "check", path, version: reader.i32(), czxid: reader.u64() as Zxid };
    default:
      problem.fail(`unknown request tag ${tag}`);
      return { type: "check", path, version: -1 };
  }
}

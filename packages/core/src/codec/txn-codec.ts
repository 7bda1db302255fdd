/**
 * Binary codec for txns (the bytes in LogEntry.txn). Layout, big-endian:
 *   u8 format version (3) | header: u64 sessionId, i32 cxid, f64 origin.peer, f64 origin.requestId,
 *   f64 timeMs | u8 body tag | body fields.
 *
 * Format 2 (issue 17) adds why a node is deleted: a delete op ends with a u8 cause (0 explicit,
 * 1 forceRelease + string reason, 2 ttlExpired, 3 containerEmpty) and a closeSession with a u8
 * reason (0 closed, 1 expired). Format 1 logs still load: see `legacyReason` for what they mean.
 * Format 3 (the console) adds where a session's client connected from: a createSession ends with a
 * string client address ("" when unknown); formats 1 and 2 read as "".
 * Encode writes format 3, so every replica of an ensemble must run a build that reads it; a
 * membership change is written as format 4 (TXN_FORMAT_VERSION_RECONFIG, same layout, body tag 10).
 * The zxid is not encoded: the log entry carries it. Decode validates and returns a
 * MARSHALLINGERROR KeelError on bad bytes rather than throwing (a corrupt entry must not crash by accident).
 */
import { assert, unreachable } from "../assert.js";
import { isKeelError, type KeelError, keelError } from "../errors.js";
import { type SessionId, ZXID_ZERO } from "../ids.js";
import {
  CLIENT_ADDRESS_BYTES_MAX,
  FORCE_RELEASE_REASON_BYTES_MAX,
  MULTI_OPS_MAX,
  OBSERVERS_MAX,
  TXN_BYTES_MAX,
  VOTERS_MAX,
} from "../limits.js";
import type { DeleteOpCause, SessionEndReason } from "../tree/delete-cause.js";
import { type MultiOpCode, ORIGIN_NONE, type Txn, type TxnBody, type TxnHeader, type TxnOp } from "../tree/txn.js";
import type { Member, Membership } from "../zab/membership.js";
import { ByteReader, ByteWriter } from "./bytes.js";
import {
  DecodeProblem,
  errorCodeFrom,
  errorCodeNumber,
  kindCode,
  kindFromCode,
  multiOpCodeFrom,
  readAcl,
  readMember,
  readOrigin,
  readPath,
  writeAcl,
  writeMember,
  writeOrigin,
} from "./txn-common.js";

export const TXN_FORMAT_VERSION = 3;
/** The format before deletion causes; decoded, never written. */
const TXN_FORMAT_VERSION_1 = 1;
/** The format before createSession's client address; decoded, never written. */
const TXN_FORMAT_VERSION_2 = 2;
/**
 * A membership change (issue 22) is written as format 4, the same layout as 3: a build that
 * predates membership changes then refuses it by its format ("txn format version 4, expected one
 * of 1, 2, 3") instead of failing on an unknown body tag. Every other txn stays format 3, so a
 * mixed-version ensemble that never changes its membership keeps working during an upgrade.
 */
export const TXN_FORMAT_VERSION_RECONFIG = 4;
const TXN_FORMAT_VERSIONS_READ: readonly number[] = [
  TXN_FORMAT_VERSION_1,
  TXN_FORMAT_VERSION_2,
  TXN_FORMAT_VERSION,
  TXN_FORMAT_VERSION_RECONFIG,
];

const DELETE_CAUSE_CODES = { none: 0, forceRelease: 1, ttlExpired: 2, containerEmpty: 3 } as const;
const SESSION_END_CODES = { closed: 0, expired: 1 } as const satisfies Record<SessionEndReason, number>;

const TAGS = {
  create: 1,
  delete: 2,
  setData: 3,
  setACL: 4,
  check: 5,
  multi: 6,
  createSession: 7,
  closeSession: 8,
  error: 9,
  // A membership change (issue 22): a leader's log with one cannot be read by a build before it.
  reconfig: 10,
} as const satisfies Record<TxnBody["type"], number>;

const SHARED_WRITER_BYTES = 4096;
const sharedWriter = new ByteWriter(SHARED_WRITER_BYTES);

export function encodeTxn(txn: Txn): Uint8Array {
  const hint = 64 + bodySizeHint(txn.body);
  // Small txns reuse one writer (finish() copies out): a fresh buffer + DataView per txn showed up in profiles.
  const writer = hint <= SHARED_WRITER_BYTES ? sharedWriter.reset() : new ByteWriter(hint);
  writer.u8(txn.body.type === "reconfig" ? TXN_FORMAT_VERSION_RECONFIG : TXN_FORMAT_VERSION);
  const h = txn.header;
  writer.u64(h.sessionId).i32(h.cxid);
  writeOrigin(writer, h.origin);
  writer.f64(h.timeMs);
  writeBody(writer, txn.body);
  return writer.finish();
}

function bodySizeHint(body: TxnBody): number {
  return body.type === "create" || body.type === "setData" ? body.data.length + body.path.length * 3 : 64;
}

function writeBody(writer: ByteWriter, body: TxnBody): void {
  writer.u8(TAGS[body.type]);
  switch (body.type) {
    case "create":
    case "delete":
    case "setData":
    case "setACL":
    case "check":
      writeOp(writer, body);
      return;
    case "multi":
      writer.u32(body.ops.length);
      for (const op of body.ops) {
        writer.u8(TAGS[op.type]);
        writeOp(writer, op);
      }
      return;
    case "createSession":
      writer.f64(body.timeoutMs).bytes(body.password).string(body.clientAddress);
      return;
    case "closeSession":
      writer.u32(body.paths.length);
      for (const path of body.paths) writer.string(path);
      writer.u8(SESSION_END_CODES[body.reason]);
      return;
    case "error":
      writer.i32(errorCodeNumber(body.code)).string(body.message).string(body.path).u32(body.opCodes.length);
      for (const code of body.opCodes) writer.i32(errorCodeNumber(code));
      return;
    case "reconfig":
      writer.u32(body.members.length);
      for (const member of body.members) writeMember(writer, member);
      return;
    default:
      unreachable(body);
  }
}

function writeOp(writer: ByteWriter, op: TxnOp): void {
  writer.string(op.path);
  switch (op.type) {
    case "create":
      writer.bytes(op.data);
      writeAcl(writer, op.acl);
      writer.u8(kindCode(op.kind)).f64(op.ttlMs);
      return;
    case "delete":
      writeDeleteCause(writer, op.cause);
      return;
    case "setData":
      writer.bytes(op.data).i32(op.version);
      return;
    case "setACL":
      writeAcl(writer, op.acl);
      writer.i32(op.aversion);
      return;
    case "check":
      writer.i32(op.version);
      return;
    default:
      unreachable(op);
  }
}

function writeDeleteCause(writer: ByteWriter, cause: DeleteOpCause | undefined): void {
  if (cause === undefined) {
    writer.u8(DELETE_CAUSE_CODES.none);
    return;
  }
  writer.u8(DELETE_CAUSE_CODES[cause.kind]);
  if (cause.kind === "forceRelease") writer.string(cause.reason);
}

export function decodeTxn(bytes: Uint8Array): Txn | KeelError {
  const reader = new ByteReader(bytes);
  const problem = new DecodeProblem();
  const version = reader.u8();
  if (!TXN_FORMAT_VERSIONS_READ.includes(version))
    return keelError(
      "MARSHALLINGERROR",
      `txn format version ${version}, expected one of ${TXN_FORMAT_VERSIONS_READ.join(", ")}`,
    );
  const header: TxnHeader = {
    sessionId: reader.u64() as SessionId,
    cxid: reader.i32(),
    origin: readOrigin(reader),
    timeMs: reader.f64(),
  };
  const format: Format =
    version === TXN_FORMAT_VERSION_1
      ? { legacy: true, header }
      : { legacy: false, clientAddress: version >= TXN_FORMAT_VERSION };
  const body = readBody(reader, problem, format);
  if (!reader.ok) return keelError("MARSHALLINGERROR", "txn bytes end early or hold an oversized field");
  if (problem.message !== undefined) return keelError("MARSHALLINGERROR", `bad txn: ${problem.message}`);
  if (!reader.done) return keelError("MARSHALLINGERROR", `${reader.remaining} trailing bytes after txn`);
  return { header, body };
}

/** Which format is being read; a format 1 txn's header decides what its closeSession meant. */
type Format =
  | { readonly legacy: true; readonly header: TxnHeader }
  /** `clientAddress`: format 3, whose createSession carries one. */
  | { readonly legacy: false; readonly clientAddress: boolean };

/**
 * A format 1 closeSession carries no reason. Format 1 leaders proposed a timed-out session's close
 * from housekeeping with no origin (ORIGIN_NONE), and a client's close always with the origin of
 * the server that took the call, so the origin tells them apart exactly. Format 1 delete ops
 * read as explicit deletes by the header's session: that is what they were, except the leader's
 * container and TTL clean-ups (session 0), which such a log cannot tell apart.
 */
function legacyReason(header: TxnHeader): SessionEndReason {
  const { origin } = header;
  return origin.peer === ORIGIN_NONE.peer && origin.requestId === ORIGIN_NONE.requestId ? "expired" : "closed";
}

function readBody(reader: ByteReader, problem: DecodeProblem, format: Format): TxnBody {
  const tag = reader.u8();
  switch (tag) {
    case TAGS.multi: {
      const count = reader.u32();
      if (count > MULTI_OPS_MAX) problem.fail(`multi of ${count} ops`);
      const ops: TxnOp[] = [];
      for (let i = 0; i < count && reader.ok && problem.message === undefined; i++)
        ops.push(readOp(reader.u8(), reader, problem, format));
      return { type: "multi", ops };
    }
    case TAGS.createSession: {
      const timeoutMs = reader.f64();
      const password = reader.bytes(1024);
      const clientAddress = !format.legacy && format.clientAddress ? reader.string(CLIENT_ADDRESS_BYTES_MAX) : "";
      return { type: "createSession", timeoutMs, password, clientAddress };
    }
    case TAGS.closeSession: {
      const count = reader.u32();
      const paths: string[] = [];
      for (let i = 0; i < count && reader.ok; i++) paths.push(readPath(reader));
      const reason = format.legacy ? legacyReason(format.header) : sessionEndFrom(reader.u8(), problem);
      return { type: "closeSession", paths, reason };
    }
    case TAGS.error: {
      const code = errorCodeFrom(reader.i32(), problem);
      const message = reader.string(64 * 1024);
      const path = readPath(reader);
      const count = reader.u32();
      if (count > MULTI_OPS_MAX) problem.fail(`error txn with ${count} op codes`);
      const opCodes: MultiOpCode[] = [];
      for (let i = 0; i < count && reader.ok; i++) opCodes.push(multiOpCodeFrom(reader.i32(), problem));
      return { type: "error", code, message, path, opCodes };
    }
    case TAGS.reconfig:
      return { type: "reconfig", members: readMembers(reader, problem) };
    default:
      return readOp(tag, reader, problem, format);
  }
}

function readMembers(reader: ByteReader, problem: DecodeProblem): Member[] {
  const count = reader.u32();
  if (count > VOTERS_MAX + OBSERVERS_MAX) problem.fail(`a membership of ${count} members`);
  const members: Member[] = [];
  for (let i = 0; i < count && reader.ok && problem.message === undefined; i++)
    members.push(readMember(reader, problem));
  return members;
}

/** Where the body tag sits in a format 3 or 4 txn: u8 format, u64 session, i32 cxid, 2 × f64 origin, f64 time. */
const BODY_TAG_OFFSET = 1 + 8 + 4 + 8 + 8 + 8;

/**
 * The membership a logged txn installs, or undefined for any other txn (zab/configurations.ts):
 * called on every logged entry, so it looks at one byte before it decodes anything.
 */
export function membershipOfTxn(txn: Uint8Array): Membership | undefined {
  if (txn.length <= BODY_TAG_OFFSET || txn[0] !== TXN_FORMAT_VERSION_RECONFIG || txn[BODY_TAG_OFFSET] !== TAGS.reconfig)
    return undefined;
  const decoded = decodeTxn(txn);
  assert(!isKeelError(decoded) && decoded.body.type === "reconfig", "membershipOfTxn: undecodable reconfig txn");
  return { version: ZXID_ZERO, members: decoded.body.members };
}

function sessionEndFrom(code: number, problem: DecodeProblem): SessionEndReason {
  if (code === SESSION_END_CODES.expired) return "expired";
  if (code !== SESSION_END_CODES.closed) problem.fail(`unknown session end reason ${code}`);
  return "closed";
}

function readDeleteCause(reader: ByteReader, problem: DecodeProblem): DeleteOpCause | undefined {
  const code = reader.u8();
  switch (code) {
    case DELETE_CAUSE_CODES.none:
      return undefined;
    case DELETE_CAUSE_CODES.forceRelease:
      return { kind: "forceRelease", reason: reader.string(FORCE_RELEASE_REASON_BYTES_MAX) };
    case DELETE_CAUSE_CODES.ttlExpired:
      return { kind: "ttlExpired" };
    case DELETE_CAUSE_CODES.containerEmpty:
      return { kind: "containerEmpty" };
    default:
      problem.fail(`unknown delete cause ${code}`);
      return undefined;
  }
}

function readOp(tag: number, reader: ByteReader, problem: DecodeProblem, format: Format): TxnOp {
  const path = readPath(reader);
  switch (tag) {
    case TAGS.create: {
      const data = reader.bytes(TXN_BYTES_MAX);
      const acl = readAcl(reader, problem);
      return { type: "create", path, data, acl, kind: kindFromCode(reader.u8(), problem), ttlMs: reader.f64() };
    }
    case TAGS.delete: {
      const cause = format.legacy ? undefined : readDeleteCause(reader, problem);
      return cause === undefined ? { type: "delete", path } : { type: "delete", path, cause };
    }
    case TAGS.setData:
      return { type: "setData", path, data: reader.bytes(TXN_BYTES_MAX), version: reader.i32() };
    case TAGS.setACL:
      return { type: "setACL", path, acl: readAcl(reader, problem), aversion: reader.i32() };
    case TAGS.check:
      return { type: "check", path, version: reader.i32() };
    default:
      problem.fail(`unknown txn op tag ${tag}`);
      return { type: "delete", path };
  }
}

/**
 * Binary codec for txns (the bytes in LogEntry.txn). Layout, big-endian:
 *   u8 format version (1) | header: u64 sessionId, i32 cxid, f64 origin.peer, f64 origin.requestId,
 *   f64 timeMs | u8 body tag | body fields.
 * The zxid is not encoded: the log entry carries it. Decode validates and returns a
 * MARSHALLINGERROR KeelError on bad bytes rather than throwing (a corrupt entry must not crash by accident).
 */
import { unreachable } from "../assert.js";
import { type KeelError, keelError } from "../errors.js";
import type { SessionId } from "../ids.js";
import { MULTI_OPS_MAX, TXN_BYTES_MAX } from "../limits.js";
import type { MultiOpCode, Txn, TxnBody, TxnHeader, TxnOp } from "../tree/txn.js";
import { ByteReader, ByteWriter } from "./bytes.js";
import {
  DecodeProblem,
  errorCodeFrom,
  errorCodeNumber,
  kindCode,
  kindFromCode,
  multiOpCodeFrom,
  readAcl,
  readOrigin,
  readPath,
  writeAcl,
  writeOrigin,
} from "./txn-common.js";

export const TXN_FORMAT_VERSION = 1;

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
} as const satisfies Record<TxnBody["type"], number>;

const SHARED_WRITER_BYTES = 4096;
const sharedWriter = new ByteWriter(SHARED_WRITER_BYTES);

export function encodeTxn(txn: Txn): Uint8Array {
  const hint = 64 + bodySizeHint(txn.body);
  // Small txns reuse one writer (finish() copies out): a fresh buffer + DataView per txn showed up in profiles.
  const writer = hint <= SHARED_WRITER_BYTES ? sharedWriter.reset() : new ByteWriter(hint);
  writer.u8(TXN_FORMAT_VERSION);
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
      writer.f64(body.timeoutMs).bytes(body.password);
      return;
    case "closeSession":
      writer.u32(body.paths.length);
      for (const path of body.paths) writer.string(path);
      return;
    case "error":
      writer.i32(errorCodeNumber(body.code)).string(body.message).string(body.path).u32(body.opCodes.length);
      for (const code of body.opCodes) writer.i32(errorCodeNumber(code));
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

export function decodeTxn(bytes: Uint8Array): Txn | KeelError {
  const reader = new ByteReader(bytes);
  const problem = new DecodeProblem();
  const version = reader.u8();
  if (version !== TXN_FORMAT_VERSION)
    return keelError("MARSHALLINGERROR", `txn format version ${version}, expected ${TXN_FORMAT_VERSION}`);
  const header: TxnHeader = {
    sessionId: reader.u64() as SessionId,
    cxid: reader.i32(),
    origin: readOrigin(reader),
    timeMs: reader.f64(),
  };
  const body = readBody(reader, problem);
  if (!reader.ok) return keelError("MARSHALLINGERROR", "txn bytes end early or hold an oversized field");
  if (problem.message !== undefined) return keelError("MARSHALLINGERROR", `bad txn: ${problem.message}`);
  if (!reader.done) return keelError("MARSHALLINGERROR", `${reader.remaining} trailing bytes after txn`);
  return { header, body };
}

function readBody(reader: ByteReader, problem: DecodeProblem): TxnBody {
  const tag = reader.u8();
  switch (tag) {
    case TAGS.multi: {
      const count = reader.u32();
      if (count > MULTI_OPS_MAX) problem.fail(`multi of ${count} ops`);
      const ops: TxnOp[] = [];
      for (let i = 0; i < count && reader.ok && problem.message === undefined; i++)
        ops.push(readOp(reader.u8(), reader, problem));
      return { type: "multi", ops };
    }
    case TAGS.createSession:
      return { type: "createSession", timeoutMs: reader.f64(), password: reader.bytes(1024) };
    case TAGS.closeSession: {
      const count = reader.u32();
      const paths: string[] = [];
      for (let i = 0; i < count && reader.ok; i++) paths.push(readPath(reader));
      return { type: "closeSession", paths };
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
    default:
      return readOp(tag, reader, problem);
  }
}

function readOp(tag: number, reader: ByteReader, problem: DecodeProblem): TxnOp {
  const path = readPath(reader);
  switch (tag) {
    case TAGS.create: {
      const data = reader.bytes(TXN_BYTES_MAX);
      const acl = readAcl(reader, problem);
      return { type: "create", path, data, acl, kind: kindFromCode(reader.u8(), problem), ttlMs: reader.f64() };
    }
    case TAGS.delete:
      return { type: "delete", path };
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

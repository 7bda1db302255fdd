/**
 * Client requests after the handshake: RequestHeader(xid, type) then the op's record
 * (docs/zookeeper-wire.md §4.1, §5.1, §8). The server decodes them; tests and the differential
 * client encode them.
 */
import { assert, unreachable } from "../assert.js";
import { JuteReader, JuteWriter } from "./jute.js";
import type { RequestHeader, ZkOpName, ZkReadOp, ZkRequest, ZkWriteOp } from "./records.js";
import { ZK_OP } from "./records.js";
import {
  MULTI_END,
  readAcls,
  readCreateBody,
  readMultiHeader,
  readStrings,
  writeAcls,
  writeCreateBody,
  writeMultiHeader,
  writeStrings,
} from "./shared-records.js";

export type DecodedRequest =
  | { readonly kind: "request"; readonly header: RequestHeader; readonly request: ZkRequest }
  /** An op code a client may not send: not in §5, or 0 (notification), -1, -10. */
  | { readonly kind: "unknownOp"; readonly header: RequestHeader }
  /** `header` is undefined when the body is shorter than a RequestHeader. */
  | { readonly kind: "malformed"; readonly header: RequestHeader | undefined; readonly error: string };

type RequestOp = ZkRequest["op"];
/** Op codes that never arrive as a request: notification is an event type, the others are internal. */
const NOT_REQUESTS: ReadonlySet<ZkOpName> = new Set<ZkOpName>(["notification", "createSession", "error"]);
const REQUEST_OP_BY_CODE: ReadonlyMap<number, RequestOp> = new Map(
  (Object.entries(ZK_OP) as [ZkOpName, number][])
    .filter(([name]) => !NOT_REQUESTS.has(name))
    .map(([name, code]) => [code, name as RequestOp]),
);

const REQUEST_HEADER_BYTES = 8;

/** `body` is the frame payload without its length. Bytes after a complete record are ignored, as Java does. */
export function decodeRequest(body: Uint8Array): DecodedRequest {
  if (body.length < REQUEST_HEADER_BYTES) {
    return { kind: "malformed", header: undefined, error: `request of ${body.length} bytes has no header` };
  }
  const reader = new JuteReader(body);
  const header: RequestHeader = { xid: reader.int("xid"), type: reader.int("type") };
  const op = REQUEST_OP_BY_CODE.get(header.type);
  if (op === undefined) return { kind: "unknownOp", header };
  const request = readRequestBody(reader, op);
  const error = reader.error;
  if (error !== undefined) return { kind: "malformed", header, error: `op ${header.type}: ${error}` };
  return { kind: "request", header, request };
}

function readRequestBody(reader: JuteReader, op: RequestOp): ZkRequest {
  switch (op) {
    case "create":
    case "create2":
    case "createContainer":
    case "createTTL":
    case "delete":
    case "setData":
    case "check":
      return readWriteOpBody(reader, op);
    case "deleteContainer":
      return { op, path: reader.string("path"), version: reader.int("version") };
    case "exists":
    case "getData":
    case "getChildren":
    case "getChildren2":
      return { op, path: reader.string("path"), watch: reader.bool("watch") };
    case "getACL":
    case "sync":
    case "getAllChildrenNumber":
      return { op, path: reader.string("path") };
    case "setACL":
      return { op, path: reader.string("path"), acl: readAcls(reader), version: reader.int("version") };
    case "multi":
      return { op, ops: readMultiOps(reader, "multi", writeOpOf) };
    case "multiRead":
      return { op, ops: readMultiOps(reader, "multiRead", readOpOf) };
    case "reconfig":
      return {
        op,
        joiningServers: reader.ustring("joiningServers"),
        leavingServers: reader.ustring("leavingServers"),
        newMembers: reader.ustring("newMembers"),
        curConfigId: reader.long("curConfigId"),
      };
    case "checkWatches":
    case "removeWatches":
      return { op, path: reader.string("path"), type: reader.int("type") };
    case "getEphemerals":
      return { op, prefixPath: reader.string("prefixPath") };
    case "addWatch":
      return { op, path: reader.string("path"), mode: reader.int("mode") };
    case "auth":
      return { op, type: reader.int("type"), scheme: reader.string("scheme"), auth: reader.buffer("auth") };
    case "setWatches":
    case "setWatches2":
      return readSetWatches(reader, op);
    case "sasl":
      return { op, token: reader.buffer("token") };
    case "ping":
    case "whoAmI":
    case "closeSession":
      return { op };
    default:
      return unreachable(op);
  }
}

function readWriteOpBody(reader: JuteReader, op: ZkWriteOp["op"]): ZkWriteOp {
  switch (op) {
    case "create":
    case "create2":
    case "createContainer":
      return { op, ...readCreateBody(reader) };
    case "createTTL":
      return { op, ...readCreateBody(reader), ttl: reader.long("ttl") };
    case "delete":
    case "check":
      return { op, path: reader.string("path"), version: reader.int("version") };
    case "setData":
      return { op, path: reader.string("path"), data: reader.buffer("data"), version: reader.int("version") };
    default:
      return unreachable(op);
  }
}

function readSetWatches(reader: JuteReader, op: "setWatches" | "setWatches2"): ZkRequest {
  const relativeZxid = reader.long("relativeZxid");
  const dataWatches = readStrings(reader, "dataWatches");
  const existWatches = readStrings(reader, "existWatches");
  const childWatches = readStrings(reader, "childWatches");
  const persistent = op === "setWatches2";
  const persistentWatches = persistent ? readStrings(reader, "persistentWatches") : [];
  const persistentRecursiveWatches = persistent ? readStrings(reader, "persistentRecursiveWatches") : [];
  const watches = { dataWatches, existWatches, childWatches, persistentWatches, persistentRecursiveWatches };
  return { op, relativeZxid, watches };
}

const WRITE_OPS: ReadonlyMap<number, ZkWriteOp["op"]> = new Map([
  [ZK_OP.create, "create"],
  [ZK_OP.create2, "create2"],
  [ZK_OP.createContainer, "createContainer"],
  [ZK_OP.createTTL, "createTTL"],
  [ZK_OP.delete, "delete"],
  [ZK_OP.setData, "setData"],
  [ZK_OP.check, "check"],
]);

function writeOpOf(reader: JuteReader, type: number): ZkWriteOp | undefined {
  const op = WRITE_OPS.get(type);
  return op === undefined ? undefined : readWriteOpBody(reader, op);
}

function readOpOf(reader: JuteReader, type: number): ZkReadOp | undefined {
  if (type === ZK_OP.getData) return { op: "getData", path: reader.string("path"), watch: reader.bool("watch") };
  if (type === ZK_OP.getChildren) {
    return { op: "getChildren", path: reader.string("path"), watch: reader.bool("watch") };
  }
  return undefined;
}

/**
 * Items until a header with done set (Java's loop condition). Each item takes at least a 9-byte
 * header, so the loop ends within the body. A sub-op of the other kind (a read in multi, a write
 * in multiRead) or an unknown one makes the whole body malformed.
 */
function readMultiOps<T>(
  reader: JuteReader,
  kind: "multi" | "multiRead",
  readItem: (reader: JuteReader, type: number) => T | undefined,
): T[] {
  const ops: T[] = [];
  for (;;) {
    const header = readMultiHeader(reader);
    if (reader.error !== undefined || header.done) return ops;
    const op = readItem(reader, header.type);
    if (op === undefined) {
      reader.fail(`op ${header.type} is not allowed in ${kind}`);
      return ops;
    }
    ops.push(op);
  }
}

/** The whole frame; the op code comes from `request.op`. Ping's xid is the caller's (normally -2). */
export function encodeRequest(xid: number, request: ZkRequest): Uint8Array {
  const writer = new JuteWriter().int(xid).int(ZK_OP[request.op]);
  writeRequestBody(writer, request);
  return writer.frame();
}

function writeRequestBody(writer: JuteWriter, request: ZkRequest): void {
  switch (request.op) {
    case "create":
    case "create2":
    case "createContainer":
    case "createTTL":
    case "delete":
    case "setData":
    case "check":
      writeWriteOpBody(writer, request);
      return;
    case "deleteContainer":
      writer.ustring(request.path).int(request.version);
      return;
    case "exists":
    case "getData":
    case "getChildren":
    case "getChildren2":
      writer.ustring(request.path).bool(request.watch);
      return;
    case "getACL":
    case "sync":
    case "getAllChildrenNumber":
      writer.ustring(request.path);
      return;
    case "setACL":
      writer.ustring(request.path);
      writeAcls(writer, request.acl);
      writer.int(request.version);
      return;
    case "multi":
      writeMultiOps(writer, request.ops, writeWriteOpBody);
      return;
    case "multiRead":
      writeMultiOps(writer, request.ops, (w, op) => w.ustring(op.path).bool(op.watch));
      return;
    case "reconfig":
      writer.ustring(request.joiningServers).ustring(request.leavingServers).ustring(request.newMembers);
      writer.long(request.curConfigId);
      return;
    case "checkWatches":
    case "removeWatches":
      writer.ustring(request.path).int(request.type);
      return;
    case "getEphemerals":
      writer.ustring(request.prefixPath);
      return;
    case "addWatch":
      writer.ustring(request.path).int(request.mode);
      return;
    case "auth":
      writer.int(request.type).ustring(request.scheme).buffer(request.auth);
      return;
    case "setWatches":
    case "setWatches2":
      writeSetWatches(writer, request);
      return;
    case "sasl":
      writer.buffer(request.token);
      return;
    case "ping":
    case "whoAmI":
    case "closeSession":
      return;
    default:
      unreachable(request);
  }
}

function writeWriteOpBody(writer: JuteWriter, op: ZkWriteOp): void {
  switch (op.op) {
    case "create":
    case "create2":
    case "createContainer":
      writeCreateBody(writer, op);
      return;
    case "createTTL":
      writeCreateBody(writer, op);
      writer.long(op.ttl);
      return;
    case "delete":
    case "check":
      writer.ustring(op.path).int(op.version);
      return;
    case "setData":
      writer.ustring(op.path).buffer(op.data).int(op.version);
      return;
    default:
      unreachable(op);
  }
}

/** Item headers carry err -1 and done false, as every client writes them (§8). */
function writeMultiOps<T extends ZkWriteOp | ZkReadOp>(
  writer: JuteWriter,
  ops: readonly T[],
  writeItem: (writer: JuteWriter, op: T) => void,
): void {
  for (const op of ops) {
    writeMultiHeader(writer, { type: ZK_OP[op.op], done: false, err: -1 });
    writeItem(writer, op);
  }
  writeMultiHeader(writer, MULTI_END);
}

function writeSetWatches(writer: JuteWriter, request: Extract<ZkRequest, { op: "setWatches" | "setWatches2" }>): void {
  const { watches } = request;
  writer.long(request.relativeZxid);
  writeStrings(writer, watches.dataWatches);
  writeStrings(writer, watches.existWatches);
  writeStrings(writer, watches.childWatches);
  if (request.op === "setWatches") {
    assert(
      watches.persistentWatches.length === 0 && watches.persistentRecursiveWatches.length === 0,
      "SetWatches (101) has no persistent lists: send setWatches2",
    );
    return;
  }
  writeStrings(writer, watches.persistentWatches);
  writeStrings(writer, watches.persistentRecursiveWatches);
}

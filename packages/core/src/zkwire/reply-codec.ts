/**
 * Server replies after the handshake: ReplyHeader(xid, zxid, err) then, only when err is 0, the
 * response record of the op the xid answers (docs/zookeeper-wire.md §4.2–4.5, §5.2, §8, §9.1).
 * A reply does not name its op, so decoding needs the request it answers.
 */
import { unreachable } from "../assert.js";
import { decodedFrom, JuteReader, JuteWriter, type ZkDecoded } from "./jute.js";
import type { ReplyHeader, WatcherEvent, ZkMultiResult, ZkRequest, ZkResponse } from "./records.js";
import { ZK_OP, ZK_XID } from "./records.js";
import {
  MULTI_END,
  readAcls,
  readMultiHeader,
  readStat,
  readStrings,
  readWatcherEvent,
  writeAcls,
  writeMultiHeader,
  writeStat,
  writeStrings,
  writeWatcherEvent,
} from "./shared-records.js";

export type DecodedReply =
  | { readonly kind: "notification"; readonly header: ReplyHeader; readonly event: WatcherEvent }
  /** `response` is undefined when err != 0 or the op has no success body. */
  | { readonly kind: "reply"; readonly header: ReplyHeader; readonly response: ZkResponse | undefined };

/** The whole frame. Header only when err != 0 or there is no body to send (§4.5). */
export function encodeReply(header: ReplyHeader, response?: ZkResponse): Uint8Array {
  const writer = new JuteWriter();
  writeReplyHeader(writer, header);
  if (header.err === 0 && response !== undefined) writeResponse(writer, response);
  return writer.frame();
}

/** The whole frame of a watch notification: ReplyHeader(-1, -1, 0) then the event (§9.1). */
export function encodeNotification(event: WatcherEvent): Uint8Array {
  const writer = new JuteWriter();
  writeReplyHeader(writer, { xid: ZK_XID.notification, zxid: -1n, err: 0 });
  writeWatcherEvent(writer, event);
  return writer.frame();
}

/**
 * `request` is the one the reply's xid answers: undefined for xids routed by value (-1, -2, -4,
 * -8), whose replies have no body, or for a request the server did not understand.
 */
export function decodeReply(body: Uint8Array, request: ZkRequest | undefined): ZkDecoded<DecodedReply> {
  const reader = new JuteReader(body);
  const header: ReplyHeader = { xid: reader.int("xid"), zxid: reader.long("zxid"), err: reader.int("err") };
  if (reader.error === undefined && header.xid === ZK_XID.notification) {
    return decodedFrom(reader, { kind: "notification", header, event: readWatcherEvent(reader) });
  }
  const response = header.err === 0 && request !== undefined ? readResponse(reader, request.op) : undefined;
  return decodedFrom(reader, { kind: "reply", header, response });
}

function writeReplyHeader(writer: JuteWriter, header: ReplyHeader): void {
  writer.int(header.xid).long(header.zxid).int(header.err);
}

/** The success body of each request op (§5); undefined for ops whose success reply is the header alone. */
function readResponse(reader: JuteReader, op: ZkRequest["op"]): ZkResponse | undefined {
  switch (op) {
    case "create":
    case "sync":
      return { op, path: reader.string("path") };
    case "create2":
    case "createContainer":
    case "createTTL":
      return { op: "create2", path: reader.string("path"), stat: readStat(reader) };
    case "exists":
    case "setData":
    case "setACL":
    case "check":
      return { op: "stat", stat: readStat(reader) };
    case "getData":
    case "reconfig":
      return { op: "getData", data: reader.buffer("data"), stat: readStat(reader) };
    case "getACL":
      return { op, acl: readAcls(reader), stat: readStat(reader) };
    case "getChildren":
      return { op, children: readStrings(reader, "children") };
    case "getChildren2":
      return { op, children: readStrings(reader, "children"), stat: readStat(reader) };
    case "multi":
    case "multiRead":
      return { op: "multi", results: readMultiResults(reader) };
    case "getEphemerals":
      return { op, ephemerals: readStrings(reader, "ephemerals") };
    case "getAllChildrenNumber":
      return { op, totalNumber: reader.int("totalNumber") };
    case "addWatch":
      return { op: "errorResponse", err: reader.int("err") };
    case "whoAmI":
      return { op, clientInfo: readClientInfo(reader) };
    case "sasl":
      return { op, token: reader.buffer("token") };
    case "delete":
    case "deleteContainer":
    case "checkWatches":
    case "removeWatches":
    case "setWatches":
    case "setWatches2":
    case "auth":
    case "ping":
    case "closeSession":
      return undefined;
    default:
      return unreachable(op);
  }
}

/** ClientInfo is two ustrings, so at least 8 bytes. */
const CLIENT_INFO_BYTES_MIN = 8;

function readClientInfo(reader: JuteReader): { authScheme: string; user: string }[] {
  return reader.vector("clientInfo", CLIENT_INFO_BYTES_MIN, () => ({
    authScheme: reader.string("clientInfo.authScheme"),
    user: reader.string("clientInfo.user"),
  }));
}

function writeResponse(writer: JuteWriter, response: ZkResponse): void {
  switch (response.op) {
    case "none":
      return;
    case "create":
    case "sync":
      writer.ustring(response.path);
      return;
    case "create2":
      writer.ustring(response.path);
      writeStat(writer, response.stat);
      return;
    case "stat":
      writeStat(writer, response.stat);
      return;
    case "getData":
      writer.buffer(response.data);
      writeStat(writer, response.stat);
      return;
    case "getACL":
      writeAcls(writer, response.acl);
      writeStat(writer, response.stat);
      return;
    case "getChildren":
      writeStrings(writer, response.children);
      return;
    case "getChildren2":
      writeStrings(writer, response.children);
      writeStat(writer, response.stat);
      return;
    case "multi":
      writeMultiResults(writer, response.results);
      return;
    case "getEphemerals":
      writeStrings(writer, response.ephemerals);
      return;
    case "getAllChildrenNumber":
      writer.int(response.totalNumber);
      return;
    case "errorResponse":
      writer.int(response.err);
      return;
    case "whoAmI":
      writer.vector(response.clientInfo, (info) => writer.ustring(info.authScheme).ustring(info.user));
      return;
    case "sasl":
      writer.buffer(response.token);
      return;
    default:
      unreachable(response);
  }
}

/**
 * Items until a header with done set. The item's type says its body: -1 is an error whose code
 * appears in the header and again in an ErrorResponse body (§8); the body's copy is kept.
 */
function readMultiResults(reader: JuteReader): ZkMultiResult[] {
  const results: ZkMultiResult[] = [];
  for (;;) {
    const header = readMultiHeader(reader);
    if (reader.error !== undefined || header.done) return results;
    const result = readMultiResult(reader, header.type);
    if (result === undefined) {
      reader.fail(`multi result type ${header.type} is unknown`);
      return results;
    }
    results.push(result);
  }
}

function readMultiResult(reader: JuteReader, type: number): ZkMultiResult | undefined {
  switch (type) {
    case ZK_OP.create:
      return { op: "create", path: reader.string("path") };
    case ZK_OP.create2:
      return { op: "create2", path: reader.string("path"), stat: readStat(reader) };
    case ZK_OP.delete:
      return { op: "delete" };
    case ZK_OP.setData:
      return { op: "setData", stat: readStat(reader) };
    case ZK_OP.check:
      return { op: "check" };
    case ZK_OP.getData:
      return { op: "getData", data: reader.buffer("data"), stat: readStat(reader) };
    case ZK_OP.getChildren:
      return { op: "getChildren", children: readStrings(reader, "children") };
    case ZK_OP.error:
      return { op: "error", err: reader.int("err") };
    default:
      return undefined;
  }
}

/** Success items carry header (type, false, 0); errors (-1, false, code) then the code again. */
function writeMultiResults(writer: JuteWriter, results: readonly ZkMultiResult[]): void {
  for (const result of results) {
    const err = result.op === "error" ? result.err : 0;
    writeMultiHeader(writer, { type: ZK_OP[result.op], done: false, err });
    writeMultiResultBody(writer, result);
  }
  writeMultiHeader(writer, MULTI_END);
}

function writeMultiResultBody(writer: JuteWriter, result: ZkMultiResult): void {
  switch (result.op) {
    case "create":
      writer.ustring(result.path);
      return;
    case "create2":
      writer.ustring(result.path);
      writeStat(writer, result.stat);
      return;
    case "delete":
    case "check":
      return;
    case "setData":
      writeStat(writer, result.stat);
      return;
    case "getData":
      writer.buffer(result.data);
      writeStat(writer, result.stat);
      return;
    case "getChildren":
      writeStrings(writer, result.children);
      return;
    case "error":
      writer.int(result.err);
      return;
    default:
      unreachable(result);
  }
}

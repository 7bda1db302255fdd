/**
 * Session establishment, the first frame each way on a connection: ConnectRequest and
 * ConnectResponse, with no headers (docs/zookeeper-wire.md §3). Both end in an optional readOnly
 * byte: an old client (node-zookeeper-client) omits it, and the server then omits it too.
 */
import { decodedFrom, JuteReader, JuteWriter, type ZkDecoded } from "./jute.js";
import type { ConnectRequest, ConnectResponse } from "./records.js";

/** `body` is the frame payload without its length: 45 bytes from current clients, 44 from old ones. */
export function decodeConnectRequest(body: Uint8Array): ZkDecoded<ConnectRequest> {
  const reader = new JuteReader(body);
  const protocolVersion = reader.int("protocolVersion");
  const lastZxidSeen = reader.long("lastZxidSeen");
  const timeOut = reader.int("timeOut");
  const sessionId = reader.long("sessionId");
  const passwd = readPasswd(reader);
  const fields = { protocolVersion, lastZxidSeen, timeOut, sessionId, passwd };
  return decodedFrom(reader, withReadOnly(reader, fields));
}

/** The whole frame; the readOnly byte only when `request.readOnly` is set. */
export function encodeConnectRequest(request: ConnectRequest): Uint8Array {
  const writer = new JuteWriter();
  writer.int(request.protocolVersion).long(request.lastZxidSeen).int(request.timeOut);
  writer.long(request.sessionId).buffer(request.passwd);
  if (request.readOnly !== undefined) writer.bool(request.readOnly);
  return writer.frame();
}

/** `body` is the frame payload without its length: 37 bytes, or 36 for an old client. */
export function decodeConnectResponse(body: Uint8Array): ZkDecoded<ConnectResponse> {
  const reader = new JuteReader(body);
  const protocolVersion = reader.int("protocolVersion");
  const timeOut = reader.int("timeOut");
  const sessionId = reader.long("sessionId");
  const passwd = readPasswd(reader);
  return decodedFrom(reader, withReadOnly(reader, { protocolVersion, timeOut, sessionId, passwd }));
}

/** The whole frame; the readOnly byte only when `response.readOnly` is set (omit it for old clients). */
export function encodeConnectResponse(response: ConnectResponse): Uint8Array {
  const writer = new JuteWriter();
  writer.int(response.protocolVersion).int(response.timeOut).long(response.sessionId).buffer(response.passwd);
  if (response.readOnly !== undefined) writer.bool(response.readOnly);
  return writer.frame();
}

/** passwd has no null in the record type; a null buffer reads as no bytes. */
function readPasswd(reader: JuteReader): Uint8Array {
  return reader.buffer("passwd") ?? new Uint8Array(0);
}

/** readOnly is not part of the jute record: present iff a byte is left (Java reads it the same way). */
function withReadOnly<T extends object>(reader: JuteReader, fields: T): T & { readonly readOnly?: boolean } {
  if (reader.error !== undefined || reader.remaining === 0) return fields;
  return { ...fields, readOnly: reader.bool("readOnly") };
}

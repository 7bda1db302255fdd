/**
 * The codec against real traffic: every frame captured between ZooKeeper 3.8.0 and its clients
 * (testdata/zk-wire, see its README) is decoded with the decoder its position calls for, compared
 * with the capture's own decoding, and re-encoded byte for byte.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  decodeConnectRequest,
  decodeConnectResponse,
  decodeReply,
  decodeRequest,
  encodeConnectRequest,
  encodeConnectResponse,
  encodeNotification,
  encodeReply,
  encodeRequest,
} from "./codec.js";
import { ZK_XID, type ZkRequest } from "./records.js";

interface CapturedFrame {
  readonly conn: number;
  readonly scenario: string;
  readonly dir: "c2s" | "s2c";
  readonly op: string;
  readonly hex: string;
  readonly decoded: Record<string, unknown>;
}

const FILES = { "kazoo-session.json": 41, "raw-sessions.json": 55 } as const;
/** Replies to these xids are routed by xid alone and carry no body (docs/zookeeper-wire.md §4.3). */
const XIDS_ROUTED_BY_VALUE = new Set<number>([ZK_XID.notification, ZK_XID.ping, ZK_XID.auth, ZK_XID.setWatches]);

function load(file: string): CapturedFrame[] {
  const text = readFileSync(new URL(`../../testdata/zk-wire/${file}`, import.meta.url), "utf8");
  return (JSON.parse(text) as CapturedFrame[]).filter((frame) => frame.op !== "<eof>");
}

const fromHex = (hex: string): Uint8Array =>
  Uint8Array.from(hex.match(/../g) ?? [], (byte) => Number.parseInt(byte, 16));
const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/**
 * Our records in the capture's JSON shapes: bigints become numbers (the capture's JSON holds them
 * as doubles, rounded the same way) and bytes become hex.
 */
function normalize(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Uint8Array) return toHex(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, field]) => [key, normalize(field)]));
  }
  return value;
}

type Json = Record<string, unknown>;
/** The capture's names for enum values, and its own bookkeeping, are not fields of the records. */
const ANNOTATIONS = new Set(["errName", "typeName", "stateName", "_trailing"]);
const withoutAnnotations = (json: Json): Json =>
  Object.fromEntries(Object.entries(json).filter(([key]) => !ANNOTATIONS.has(key)));

/** Multi items in the capture are {header, op, body}, ending with a terminator; ours are {op, ...body}. */
function flattenMultiItems(items: Json[]): Json[] {
  return items
    .filter((item) => item.op !== undefined)
    .map((item) => ({ op: item.op, ...withoutAnnotations((item.body ?? {}) as Json) }));
}

function expectedRequest(body: Json): Json {
  if (Array.isArray(body.ops)) return { ops: flattenMultiItems(body.ops as Json[]) };
  if ("relativeZxid" in body) {
    const { relativeZxid, ...lists } = body;
    return { relativeZxid, watches: lists };
  }
  return body;
}

function expectedResponse(body: Json): Json {
  if (Array.isArray(body.results)) return { results: flattenMultiItems(body.results as Json[]) };
  return body;
}

function checkRequest(frame: CapturedFrame, body: Uint8Array, requests: Map<number, ZkRequest>): void {
  const decoded = decodeRequest(body);
  const header = frame.decoded.header as Json;
  if (decoded.kind === "unknownOp") {
    // Op 999 (raw-F): no record to re-encode; the header is all there is.
    expect(decoded.header).toEqual(header);
    expect(body.length).toBe(8);
    return;
  }
  expect(decoded.kind, frame.op).toBe("request");
  if (decoded.kind !== "request") return;
  expect(decoded.header).toEqual(header);
  expect(decoded.request.op).toBe(frame.op);
  expect(normalize(decoded.request)).toMatchObject(expectedRequest(frame.decoded.body as Json));
  expect(toHex(encodeRequest(decoded.header.xid, decoded.request))).toBe(frame.hex);
  requests.set(decoded.header.xid, decoded.request);
}

function checkReply(frame: CapturedFrame, body: Uint8Array, requests: Map<number, ZkRequest>): void {
  const xid = new DataView(body.buffer, body.byteOffset).getInt32(0);
  const decoded = decodeReply(body, XIDS_ROUTED_BY_VALUE.has(xid) ? undefined : requests.get(xid));
  if (!decoded.ok) throw new Error(`${frame.scenario} ${frame.op}: ${decoded.error}`);
  const reply = decoded.value;
  expect(normalize(reply.header)).toEqual(withoutAnnotations(frame.decoded.header as Json));
  if (reply.kind === "notification") {
    expect(frame.op).toBe("notification");
    expect(reply.event).toEqual(withoutAnnotations(frame.decoded.event as Json));
    expect(toHex(encodeNotification(reply.event))).toBe(frame.hex);
    return;
  }
  const expectedBody = (frame.decoded.body ?? {}) as Json;
  if (reply.header.err !== 0 || Object.keys(expectedBody).length === 0) expect(reply.response).toBeUndefined();
  else expect(normalize(reply.response)).toMatchObject(expectedResponse(expectedBody));
  expect(toHex(encodeReply(reply.header, reply.response))).toBe(frame.hex);
}

function checkConnect(frame: CapturedFrame, body: Uint8Array): void {
  const decoded = frame.dir === "c2s" ? decodeConnectRequest(body) : decodeConnectResponse(body);
  if (!decoded.ok) throw new Error(`${frame.scenario} connect: ${decoded.error}`);
  const { readOnly, ...fields } = withoutAnnotations(frame.decoded);
  // The capture writes "(absent: old client …)" where the optional byte is missing.
  expect(decoded.value.readOnly).toBe(typeof readOnly === "boolean" ? readOnly : undefined);
  expect(normalize(decoded.value)).toMatchObject(fields);
  const encoded =
    frame.dir === "c2s"
      ? encodeConnectRequest(decoded.value as Parameters<typeof encodeConnectRequest>[0])
      : encodeConnectResponse(decoded.value);
  expect(toHex(encoded)).toBe(frame.hex);
}

/** Checks every frame of one capture file, connection by connection, and returns how many. */
function checkFile(file: string): number {
  const requestsByConnection = new Map<number, Map<number, ZkRequest>>();
  let checked = 0;
  for (const frame of load(file)) {
    const frameBytes = fromHex(frame.hex);
    const length = new DataView(frameBytes.buffer).getInt32(0);
    expect(length).toBe(frameBytes.length - 4);
    const body = frameBytes.subarray(4);
    const requests = requestsByConnection.get(frame.conn) ?? new Map<number, ZkRequest>();
    requestsByConnection.set(frame.conn, requests);
    if (frame.op === "connect") checkConnect(frame, body);
    else if (frame.dir === "c2s") checkRequest(frame, body, requests);
    else checkReply(frame, body, requests);
    checked++;
  }
  return checked;
}

describe("captured ZooKeeper 3.8.0 frames", () => {
  for (const [file, frames] of Object.entries(FILES)) {
    it(`decodes and re-encodes every frame of ${file} byte for byte`, () => {
      expect(checkFile(file)).toBe(frames);
    });
  }

  it("finds the facts the capture's README names", () => {
    const raw = load("raw-sessions.json");
    const oldClient = raw.filter((frame) => frame.scenario === "raw-G-old-client" && frame.op === "connect");
    const request = decodeConnectRequest(fromHex(oldClient[0]?.hex ?? "").subarray(4));
    const response = decodeConnectResponse(fromHex(oldClient[1]?.hex ?? "").subarray(4));
    expect(request.ok && request.value.readOnly === undefined).toBe(true);
    expect(response.ok && response.value.readOnly === undefined && response.value.timeOut).toBe(4000);

    const kazoo = load("kazoo-session.json");
    const multiReply = kazoo.find((frame) => frame.op === "multi" && frame.dir === "s2c");
    const multiRequest = decodeRequest(fromHex(kazoo.find((f) => f.op === "multi")?.hex ?? "").subarray(4));
    expect(multiRequest.kind).toBe("request");
    if (multiRequest.kind !== "request") return;
    const reply = decodeReply(fromHex(multiReply?.hex ?? "").subarray(4), multiRequest.request);
    expect(reply.ok && reply.value.kind === "reply" && reply.value.response).toEqual({
      op: "multi",
      results: [
        { op: "error", err: 0 },
        { op: "error", err: 0 },
        { op: "error", err: -103 },
      ],
    });
  });
});

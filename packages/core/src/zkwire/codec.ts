/**
 * The ZooKeeper 3.8 client wire codec: every frame a ZooKeeper client and a server exchange, turned
 * into the records of records.ts and back. docs/zookeeper-wire.md describes the bytes; each module
 * cites its sections.
 *
 * Decoders take a frame's payload (without the 4-byte length; the transport reassembles frames)
 * and never throw on bad bytes: they return `ok: false` or a `malformed` request. Encoders return
 * the whole frame, length included, and assert on values the wire cannot carry (a bug).
 *
 * - connect-codec.ts: ConnectRequest / ConnectResponse (the first frame each way)
 * - request-codec.ts: RequestHeader + request records, multi and multiRead
 * - reply-codec.ts: ReplyHeader + response records, multi results, watch notifications
 * - jute.ts: the primitives (ints, longs, booleans, buffers, ustrings, vectors)
 */
export {
  decodeConnectRequest,
  decodeConnectResponse,
  encodeConnectRequest,
  encodeConnectResponse,
} from "./connect-codec.js";
export type { ZkDecoded } from "./jute.js";
export { type DecodedReply, decodeReply, encodeNotification, encodeReply } from "./reply-codec.js";
export { type DecodedRequest, decodeRequest, encodeRequest } from "./request-codec.js";

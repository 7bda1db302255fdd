/**
 * The ZooKeeper wire codec on generated records and on bad bytes. Round trips (fast-check): every
 * request, reply, notification and connect record survives encode → decode unchanged. Bad input:
 * truncations at every length, hostile lengths and counts, unknown op codes and random bytes come
 * back as `malformed` / `unknownOp` / `ok: false`, never as a throw.
 */
import fc from "fast-check";
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
import { JuteWriter } from "./jute.js";
import { ZK_OP, type ZkRequest, type ZkResponse } from "./records.js";
import {
  connectRequestArb,
  connectResponseArb,
  createRequest,
  int32,
  okHeaderArb,
  readOpArb,
  requestArb,
  responseWithRequestArb,
  statArb,
  text,
  writeOpArb,
} from "./test-arbitraries.js";

const RUNS = { numRuns: 300 };
/** A frame without its 4-byte length: what the decoders take. */
const payload = (frame: Uint8Array): Uint8Array => {
  expect(new DataView(frame.buffer, frame.byteOffset).getInt32(0)).toBe(frame.length - 4);
  return frame.subarray(4);
};
const xidArb = fc.integer({ min: 1, max: 0x7fff_ffff });

describe("round trips", () => {
  it("request → encodeRequest → decodeRequest is the identity", () => {
    fc.assert(
      fc.property(xidArb, requestArb, (xid, request) => {
        const decoded = decodeRequest(payload(encodeRequest(xid, request)));
        expect(decoded).toEqual({ kind: "request", header: { xid, type: ZK_OP[request.op] }, request });
      }),
      RUNS,
    );
  });

  it("reply → encodeReply → decodeReply is the identity, given the request it answers", () => {
    fc.assert(
      fc.property(okHeaderArb, responseWithRequestArb, (header, { request, response }) => {
        const decoded = decodeReply(payload(encodeReply(header, response)), request);
        expect(decoded).toEqual({ ok: true, value: { kind: "reply", header, response } });
      }),
      RUNS,
    );
  });

  it("an error reply is the 16-byte header alone, whatever response is passed", () => {
    fc.assert(
      fc.property(
        okHeaderArb,
        int32.filter((err) => err !== 0),
        responseWithRequestArb,
        (ok, err, { request, response }) => {
          const header = { ...ok, err };
          const frame = encodeReply(header, response);
          expect(frame.length).toBe(4 + 16);
          expect(decodeReply(payload(frame), request)).toEqual({
            ok: true,
            value: { kind: "reply", header, response: undefined },
          });
        },
      ),
      RUNS,
    );
  });

  it("a notification round-trips with header (-1, -1, 0)", () => {
    const eventArb = fc.record({ type: int32, state: int32, path: text });
    fc.assert(
      fc.property(eventArb, (event) => {
        const decoded = decodeReply(payload(encodeNotification(event)), undefined);
        expect(decoded).toEqual({
          ok: true,
          value: { kind: "notification", header: { xid: -1, zxid: -1n, err: 0 }, event },
        });
      }),
      RUNS,
    );
  });

  it("connect request and response round-trip with and without readOnly", () => {
    fc.assert(
      fc.property(connectRequestArb, connectResponseArb, (request, response) => {
        const requestFrame = encodeConnectRequest(request);
        const responseFrame = encodeConnectResponse(response);
        const extra = request.readOnly === undefined ? 0 : 1;
        expect(requestFrame.length).toBe(4 + 28 + request.passwd.length + extra);
        expect(responseFrame.length).toBe(4 + 20 + response.passwd.length + (response.readOnly === undefined ? 0 : 1));
        expect(decodeConnectRequest(payload(requestFrame))).toEqual({ ok: true, value: request });
        expect(decodeConnectResponse(payload(responseFrame))).toEqual({ ok: true, value: response });
      }),
      RUNS,
    );
  });
});

/** Which response record each request op's success reply carries (docs/zookeeper-wire.md §5). */
const RESPONSE_KIND_BY_REQUEST: readonly [ZkRequest, ZkResponse["op"] | undefined][] = [
  [createRequest("create"), "create"],
  [createRequest("create2"), "create2"],
  [createRequest("createContainer"), "create2"],
  [{ op: "createTTL", path: "/a", data: null, acl: [], flags: 5, ttl: 10n }, "create2"],
  [{ op: "exists", path: "/a", watch: true }, "stat"],
  [{ op: "setData", path: "/a", data: null, version: -1 }, "stat"],
  [{ op: "setACL", path: "/a", acl: [], version: -1 }, "stat"],
  [{ op: "sync", path: "/a" }, "sync"],
  [{ op: "multiRead", ops: [] }, "multi"],
  [{ op: "delete", path: "/a", version: -1 }, undefined],
  [{ op: "removeWatches", path: "/a", type: 3 }, undefined],
  [{ op: "checkWatches", path: "/a", type: 3 }, undefined],
  [{ op: "closeSession" }, undefined],
  [{ op: "ping" }, undefined],
];

describe("reply bodies by request op", () => {
  const stat = fc.sample(statArb, { numRuns: 1, seed: 7 })[0];
  it.each(RESPONSE_KIND_BY_REQUEST)("%o answers with %s", (request, kind) => {
    expect(stat).toBeDefined();
    if (stat === undefined) return;
    const bodies: Record<string, ZkResponse> = {
      create: { op: "create", path: "/a" },
      create2: { op: "create2", path: "/a", stat },
      stat: { op: "stat", stat },
      sync: { op: "sync", path: "/a" },
      multi: { op: "multi", results: [{ op: "getChildren", children: ["x"] }] },
    };
    const response = kind === undefined ? undefined : bodies[kind];
    const header = { xid: 5, zxid: 9n, err: 0 };
    const decoded = decodeReply(payload(encodeReply(header, response)), request);
    expect(decoded).toEqual({ ok: true, value: { kind: "reply", header, response } });
  });
});

describe("bad input", () => {
  it("every truncation of a valid request is malformed, never a throw", () => {
    fc.assert(
      fc.property(xidArb, requestArb, (xid, request) => {
        const body = payload(encodeRequest(xid, request));
        for (let length = 0; length < body.length; length++) {
          const decoded = decodeRequest(body.subarray(0, length));
          expect(decoded.kind).toBe("malformed");
          if (decoded.kind === "malformed") expect(decoded.header === undefined).toBe(length < 8);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("every truncation of a reply with a body fails to decode", () => {
    fc.assert(
      fc.property(okHeaderArb, responseWithRequestArb, (header, { request, response }) => {
        const body = payload(encodeReply(header, response));
        for (let length = 0; length < body.length; length++) {
          expect(decodeReply(body.subarray(0, length), request).ok).toBe(false);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("connect bodies: shorter than 44 bytes fail; 44 has no readOnly; 45 has it", () => {
    const body = payload(encodeConnectRequest({ ...zeroConnect, readOnly: true }));
    expect(body.length).toBe(45);
    for (let length = 0; length < 44; length++) expect(decodeConnectRequest(body.subarray(0, length)).ok).toBe(false);
    expect(decodeConnectRequest(body.subarray(0, 44))).toEqual({ ok: true, value: zeroConnect });
    expect(decodeConnectRequest(body)).toEqual({ ok: true, value: { ...zeroConnect, readOnly: true } });
  });

  it("random bytes never make a decoder throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), requestArb, (bytes, request) => {
        decodeRequest(bytes);
        decodeReply(bytes, request);
        decodeReply(bytes, undefined);
        decodeConnectRequest(bytes);
        decodeConnectResponse(bytes);
      }),
      RUNS,
    );
  });

  it.each([
    ["a path length of 2^31-1", (w: JuteWriter) => w.int(0x7fff_ffff)],
    ["a negative path length other than -1", (w: JuteWriter) => w.int(-2)],
  ])("a getData with %s is malformed", (_name, writePath) => {
    const body = bodyOf(requestHeader(4).tap(writePath).bool(true));
    const decoded = decodeRequest(body);
    expect(decoded).toMatchObject({ kind: "malformed", header: { xid: 7, type: 4 } });
  });

  it("a create whose ACL vector claims 2^31-1 entries is malformed before reading any", () => {
    const writer = requestHeader(ZK_OP.create).tap((w) => w.ustring("/a").buffer(null).int(0x7fff_ffff));
    const decoded = decodeRequest(bodyOf(writer));
    expect(decoded.kind).toBe("malformed");
    if (decoded.kind === "malformed") expect(decoded.error).toContain("acl");
  });

  it.each([0, 10, 23, 99, 108, 999, -1, -10])("op code %i is an unknownOp", (type) => {
    expect(decodeRequest(bodyOf(requestHeader(type)))).toEqual({ kind: "unknownOp", header: { xid: 7, type } });
  });

  it("check (13) on its own decodes as a request: refusing it is the server's call", () => {
    const body = bodyOf(requestHeader(ZK_OP.check).tap((w) => w.ustring("/a").int(3)));
    expect(decodeRequest(body)).toEqual({
      kind: "request",
      header: { xid: 7, type: 13 },
      request: { op: "check", path: "/a", version: 3 },
    });
  });

  it("multi with a read sub-op, or multiRead with a write sub-op, is malformed", () => {
    fc.assert(
      fc.property(readOpArb, writeOpArb, (read, write) => {
        const multi = payload(encodeRequest(1, { op: "multiRead", ops: [read] }));
        new DataView(multi.buffer, multi.byteOffset).setInt32(4, ZK_OP.multi);
        expect(decodeRequest(multi).kind).toBe("malformed");
        const multiRead = payload(encodeRequest(1, { op: "multi", ops: [write] }));
        new DataView(multiRead.buffer, multiRead.byteOffset).setInt32(4, ZK_OP.multiRead);
        expect(decodeRequest(multiRead).kind).toBe("malformed");
      }),
      { numRuns: 50 },
    );
  });

  it("trailing bytes are ignored, null vectors read as empty, non-zero booleans as true", () => {
    const body = bodyOf(requestHeader(ZK_OP.getChildren).tap((w) => w.ustring("/a").bool(true).int(42)));
    body[body.length - 5] = 0x7f; // the watch byte
    expect(decodeRequest(body)).toMatchObject({ kind: "request", request: { op: "getChildren", watch: true } });
    const nullAcl = bodyOf(requestHeader(ZK_OP.setACL).tap((w) => w.ustring("/a").int(-1).int(2)));
    expect(decodeRequest(nullAcl)).toMatchObject({ request: { op: "setACL", acl: [], version: 2 } });
  });

  it("a null path reads as '' and null data stays null", () => {
    const body = bodyOf(requestHeader(ZK_OP.setData).tap((w) => w.ustring(null).buffer(null).int(1)));
    expect(decodeRequest(body)).toMatchObject({ request: { op: "setData", path: "", data: null, version: 1 } });
  });
});

const zeroConnect = {
  protocolVersion: 0,
  lastZxidSeen: 0n,
  timeOut: 10_000,
  sessionId: 0n,
  passwd: new Uint8Array(16),
};

/** A JuteWriter holding RequestHeader(xid 7, type), with `tap` to append fields inline. */
function requestHeader(type: number): JuteWriter & { tap(write: (w: JuteWriter) => unknown): JuteWriter } {
  const writer = new JuteWriter().int(7).int(type);
  return Object.assign(writer, {
    tap(write: (w: JuteWriter) => unknown) {
      write(writer);
      return writer;
    },
  });
}

function bodyOf(writer: JuteWriter): Uint8Array {
  return writer.frame().slice(4);
}

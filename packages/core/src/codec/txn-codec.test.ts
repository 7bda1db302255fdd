// Checks the txn and request codecs: fast-check round trips over every variant, and that bad,
// truncated or trailing bytes decode to a MARSHALLINGERROR value instead of throwing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, isKeelError, type KeelErrorCode } from "../errors.js";
import type { PeerId, SessionId, Zxid } from "../ids.js";
import type { AclEntry } from "../tree/acl.js";
import type { DeleteOpCause, SessionEndReason } from "../tree/delete-cause.js";
import type { ClientRequest, MultiOpRequest, RequestEnvelope } from "../tree/request.js";
import type { MultiOpCode, Origin, Txn, TxnBody, TxnOp } from "../tree/txn.js";
import { CREATE_MODES } from "../tree/znode.js";
import { MEMBER_ID_MAX, type Member, type MemberRole } from "../zab/membership.js";
import { decodeRequest, encodeRequest } from "./request-codec.js";
import { decodeTxn, encodeTxn, membershipOfTxn, TXN_FORMAT_VERSION, TXN_FORMAT_VERSION_RECONFIG } from "./txn-codec.js";

const codes = Object.keys(ERROR_CODES).filter((c) => c !== "OK") as KeelErrorCode[];
const path = fc.string({ maxLength: 20 }).map((s) => `/${s}`);
const bytes = fc.uint8Array({ maxLength: 32 });
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const acl = fc.array(
  fc.record<AclEntry>({
    perms: fc.integer({ min: 0, max: 31 }),
    scheme: fc.string({ maxLength: 8 }),
    id: fc.string({ maxLength: 12 }),
  }),
  { maxLength: 3 },
);
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const origin = fc.record({ peer: fc.integer({ min: 0, max: 255 }), requestId: fc.nat() });

const deleteOpCause: fc.Arbitrary<DeleteOpCause> = fc.oneof(
  fc.record({ kind: fc.constant("forceRelease" as const), reason: fc.string({ maxLength: 40 }) }),
  fc.constant({ kind: "ttlExpired" as const }),
  fc.constant({ kind: "containerEmpty" as const }),
);
const txnOp: fc.Arbitrary<TxnOp> = fc.oneof(
  fc.record({
    type: fc.constant("create" as const),
    path,
    data: bytes,
    acl,
    kind: fc.constantFrom("persistent" as const, "ephemeral" as const, "container" as const, "ttl" as const),
    ttlMs: fc.nat(),
  }),
  fc.record({ type: fc.constant("delete" as const), path }),
  fc.record({ type: fc.constant("delete" as const), path, cause: deleteOpCause }),
  fc.record({ type: fc.constant("setData" as const), path, data: bytes, version: int32 }),
  fc.record({ type: fc.constant("setACL" as const), path, acl, aversion: int32 }),
  fc.record({ type: fc.constant("check" as const), path, version: int32 }),
);
/** Members as the codec accepts them (ids 1..255, a valid host, ports in range). */
const member: fc.Arbitrary<Member> = fc.record({
  id: fc.integer({ min: 1, max: MEMBER_ID_MAX }).map((id) => id as PeerId),
  role: fc.constantFrom<MemberRole>("voter", "observer"),
  host: fc.stringMatching(/^[a-z0-9.-]{1,20}$/),
  peerPort: fc.integer({ min: 0, max: 65_535 }),
  clientPort: fc.integer({ min: 0, max: 65_535 }),
});

const txnBody: fc.Arbitrary<TxnBody> = fc.oneof(
  fc.record({ type: fc.constant("reconfig" as const), members: fc.array(member, { maxLength: 5 }) }),
  txnOp,
  fc.record({ type: fc.constant("multi" as const), ops: fc.array(txnOp, { maxLength: 4 }) }),
  fc.record({
    type: fc.constant("createSession" as const),
    timeoutMs: fc.nat(),
    password: bytes,
    clientAddress: fc.string({ maxLength: 24 }),
  }),
  fc.record({
    type: fc.constant("closeSession" as const),
    paths: fc.array(path, { maxLength: 3 }),
    reason: fc.constantFrom<SessionEndReason>("closed", "expired"),
  }),
  fc.record({
    type: fc.constant("error" as const),
    code: fc.constantFrom(...codes),
    message: fc.string(),
    path: fc.oneof(fc.constant(""), path),
    opCodes: fc.array(fc.constantFrom<MultiOpCode>("OK", ...codes), { maxLength: 4 }),
  }),
);
const txn: fc.Arbitrary<Txn> = fc.record({
  header: fc.record({
    sessionId: u64.map((v) => v as SessionId),
    cxid: int32,
    origin,
    timeMs: fc.nat(),
  }),
  body: txnBody,
});

const multiOp: fc.Arbitrary<MultiOpRequest> = fc.oneof(
  fc.record(
    {
      type: fc.constant("create" as const),
      path,
      data: bytes,
      acl,
      kind: fc.constantFrom(...CREATE_MODES),
      ttlMs: fc.nat(),
    },
    { requiredKeys: ["type", "path", "data", "acl", "kind"] },
  ),
  fc.record({ type: fc.constant("delete" as const), path, version: int32 }),
  fc.record({ type: fc.constant("setData" as const), path, data: bytes, version: int32 }),
  fc.record({ type: fc.constant("check" as const), path, version: int32 }),
);
const request: fc.Arbitrary<ClientRequest> = fc.oneof(
  multiOp,
  fc.record({ type: fc.constant("setACL" as const), path, acl, aversion: int32 }),
  fc.record({ type: fc.constant("multi" as const), ops: fc.array(multiOp, { maxLength: 4 }) }),
  fc.record(
    {
      type: fc.constant("createSession" as const),
      timeoutMs: fc.nat(),
      password: bytes,
      clientAddress: fc.string({ maxLength: 24 }),
    },
    { requiredKeys: ["type", "timeoutMs", "password"] },
  ),
  fc.constant({ type: "closeSession" as const }),
  fc.record({ type: fc.constant("deleteContainer" as const), path }),
  fc.record({ type: fc.constant("expireTtl" as const), path }),
  fc.constant({ type: "expireSession" as const }),
  fc.record({ type: fc.constant("forceRelease" as const), path, version: int32, reason: fc.string({ maxLength: 40 }) }),
  fc.record(
    { type: fc.constant("reconfig" as const), add: member, fromVersion: u64.map((v) => v as Zxid) },
    { requiredKeys: ["type", "add"] },
  ),
  fc.record(
    {
      type: fc.constant("reconfig" as const),
      remove: fc.integer({ min: 1, max: 255 }).map((id) => id as PeerId),
      fromVersion: u64.map((v) => v as Zxid),
    },
    { requiredKeys: ["type", "remove"] },
  ),
);
const envelope: fc.Arbitrary<RequestEnvelope> = fc.record({
  sessionId: u64.map((v) => v as SessionId),
  cxid: int32,
  origin,
  auth: fc.array(fc.record({ scheme: fc.string({ maxLength: 6 }), id: fc.string({ maxLength: 10 }) }), {
    maxLength: 3,
  }),
  request,
});

describe("membershipOfTxn", () => {
  it("writes a membership change as format 4 and everything else as format 3", () => {
    fc.assert(
      fc.property(txn, (t) => {
        expect(encodeTxn(t)[0]).toBe(t.body.type === "reconfig" ? TXN_FORMAT_VERSION_RECONFIG : TXN_FORMAT_VERSION);
      }),
    );
  });

  it("finds the members of a reconfig txn and nothing in any other txn", () => {
    fc.assert(
      fc.property(txn, (t) => {
        const found = membershipOfTxn(encodeTxn(t));
        if (t.body.type === "reconfig") expect(found?.members).toEqual(t.body.members);
        else expect(found).toBeUndefined();
      }),
    );
  });
});

describe("txn codec", () => {
  it("round-trips every txn", () => {
    fc.assert(
      fc.property(txn, (t) => {
        expect(decodeTxn(encodeTxn(t))).toEqual(t);
      }),
    );
  });

  it("returns MARSHALLINGERROR for truncated, extended or random bytes", () => {
    fc.assert(
      fc.property(txn, fc.nat(), (t, cut) => {
        const encoded = encodeTxn(t);
        const truncated = decodeTxn(encoded.subarray(0, cut % encoded.length));
        expect(isKeelError(truncated) && truncated.code).toBe("MARSHALLINGERROR");
        const extended = decodeTxn(new Uint8Array([...encoded, 0]));
        expect(isKeelError(extended) && extended.code).toBe("MARSHALLINGERROR");
      }),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (junk) => void decodeTxn(junk)));
    expect(isKeelError(decodeTxn(new Uint8Array([9])))).toBe(true);
  });
});

/**
 * Format 1 txns as a build before issue 17 wrote them (hex captured from that build's encodeTxn):
 * logs written then must still load, and mean what they meant (txn-codec.ts, legacyReason).
 */
const FORMAT_1_TXNS: readonly { what: string; hex: string; body: TxnBody; origin: Origin }[] = [
  {
    what: "a client's delete",
    hex: "010000000000000005000000033ff0000000000000401c000000000000408f40000000000002000000022f61",
    body: { type: "delete", path: "/a" },
    origin: { peer: 1, requestId: 7 },
  },
  {
    what: "a housekeeping delete (reads as an explicit delete by session 0)",
    hex: "0100000000000000000000000300000000000000000000000000000000408f40000000000002000000022f63",
    body: { type: "delete", path: "/c" },
    origin: { peer: 0, requestId: 0 },
  },
  {
    what: "a multi's delete",
    hex: "0100000000000000050000000340000000000000004022000000000000408f400000000000060000000102000000022f6d",
    body: { type: "multi", ops: [{ type: "delete", path: "/m" }] },
    origin: { peer: 2, requestId: 9 },
  },
  {
    what: "the leader's close of a timed-out session (no origin): expired",
    hex: "0100000000000000060000000000000000000000000000000000000000408f4000000000000800000001000000022f65",
    body: { type: "closeSession", paths: ["/e"], reason: "expired" },
    origin: { peer: 0, requestId: 0 },
  },
  {
    what: "a client's close (the origin of the server that took it): closed",
    hex: "0100000000000000060000000340080000000000004010000000000000408f4000000000000800000001000000022f65",
    body: { type: "closeSession", paths: ["/e"], reason: "closed" },
    origin: { peer: 3, requestId: 4 },
  },
];

describe("txn codec, format 2 logs", () => {
  it("loads a createSession without a client address, as an unknown one", () => {
    const header = { sessionId: 9n as SessionId, cxid: 1, origin: { peer: 1, requestId: 2 }, timeMs: 1234 };
    const body: TxnBody = {
      type: "createSession",
      timeoutMs: 5000,
      password: new Uint8Array([1, 2]),
      clientAddress: "",
    };
    const current = encodeTxn({ header, body });
    // Format 2 is format 3 without the trailing string (u32 length 0): drop it and relabel.
    const formatTwo = current.slice(0, current.length - 4);
    formatTwo[0] = 2;
    expect(decodeTxn(formatTwo)).toEqual({ header, body });
    expect(isKeelError(decodeTxn(current.slice(0, current.length - 4)))).toBe(true);
  });
});

describe("txn codec, format 1 logs", () => {
  for (const { what, hex, body, origin } of FORMAT_1_TXNS) {
    it(`loads ${what}`, () => {
      const decoded = decodeTxn(new Uint8Array(Buffer.from(hex, "hex")));
      if (isKeelError(decoded)) throw decoded;
      expect(decoded.body).toEqual(body);
      expect(decoded.header.origin).toEqual(origin);
      // Re-encoded, it is written in the current format and reads back the same.
      const reencoded = encodeTxn(decoded);
      expect(reencoded[0]).toBe(TXN_FORMAT_VERSION);
      expect(decodeTxn(reencoded)).toEqual(decoded);
    });
  }

  it("refuses a format it does not know", () => {
    const bytes = new Uint8Array(Buffer.from(FORMAT_1_TXNS[0]?.hex ?? "", "hex"));
    bytes[0] = TXN_FORMAT_VERSION_RECONFIG + 1;
    const decoded = decodeTxn(bytes);
    expect(isKeelError(decoded) && decoded.code).toBe("MARSHALLINGERROR");
  });

  it("refuses an unknown delete cause or session end reason", () => {
    const header = { sessionId: 1n as SessionId, cxid: 0, origin: { peer: 1, requestId: 1 }, timeMs: 0 };
    for (const body of [
      { type: "delete", path: "/a" },
      { type: "closeSession", paths: [], reason: "closed" },
    ] as const) {
      const bytes = encodeTxn({ header, body });
      bytes[bytes.length - 1] = 9; // the cause / reason byte is last
      const decoded = decodeTxn(bytes);
      expect(isKeelError(decoded) && decoded.code, body.type).toBe("MARSHALLINGERROR");
    }
  });
});

describe("request codec", () => {
  it("round-trips every request envelope", () => {
    fc.assert(
      fc.property(envelope, (e) => {
        expect(decodeRequest(encodeRequest(e))).toEqual({ type: "ok", envelope: e });
      }),
    );
  });

  it("keeps the header of a request whose body is bad, so the caller still gets an answer", () => {
    fc.assert(
      fc.property(envelope, (e) => {
        const encoded = encodeRequest(e);
        const decoded = decodeRequest(encoded.subarray(0, encoded.length - 1));
        expect(decoded.type).toBe("error");
        if (decoded.type === "error") expect(decoded.origin).toEqual(e.origin);
      }),
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (junk) => void decodeRequest(junk)));
  });
});

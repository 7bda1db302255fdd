// Checks the txn and request codecs: fast-check round trips over every variant, and that bad,
// truncated or trailing bytes decode to a MARSHALLINGERROR value instead of throwing.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, isKeelError, type KeelErrorCode } from "../errors.js";
import type { SessionId } from "../ids.js";
import type { AclEntry } from "../tree/acl.js";
import type { ClientRequest, MultiOpRequest, RequestEnvelope } from "../tree/request.js";
import type { MultiOpCode, Txn, TxnBody, TxnOp } from "../tree/txn.js";
import { CREATE_MODES } from "../tree/znode.js";
import { decodeRequest, encodeRequest } from "./request-codec.js";
import { decodeTxn, encodeTxn } from "./txn-codec.js";

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
  fc.record({ type: fc.constant("setData" as const), path, data: bytes, version: int32 }),
  fc.record({ type: fc.constant("setACL" as const), path, acl, aversion: int32 }),
  fc.record({ type: fc.constant("check" as const), path, version: int32 }),
);
const txnBody: fc.Arbitrary<TxnBody> = fc.oneof(
  txnOp,
  fc.record({ type: fc.constant("multi" as const), ops: fc.array(txnOp, { maxLength: 4 }) }),
  fc.record({ type: fc.constant("createSession" as const), timeoutMs: fc.nat(), password: bytes }),
  fc.record({ type: fc.constant("closeSession" as const), paths: fc.array(path, { maxLength: 3 }) }),
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
  fc.record({ type: fc.constant("createSession" as const), timeoutMs: fc.nat(), password: bytes }),
  fc.constant({ type: "closeSession" as const }),
  fc.record({ type: fc.constant("deleteContainer" as const), path }),
  fc.record({ type: fc.constant("expireTtl" as const), path }),
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

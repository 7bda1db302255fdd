/**
 * fast-check generators for the ZooKeeper wire records, shared by the codec's property tests.
 * Test-only: the test- prefix keeps it out of the build (tsconfig.build.json).
 */
import fc from "fast-check";
import type {
  ConnectRequest,
  ConnectResponse,
  CreateBody,
  ReplyHeader,
  SetWatchesLists,
  ZkAcl,
  ZkMultiResult,
  ZkReadOp,
  ZkRequest,
  ZkResponse,
  ZkStat,
  ZkWriteOp,
} from "./records.js";

export const int32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
export const int64 = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });
/** Whole code points (no lone surrogates): those are what UTF-8 can carry. */
export const text = fc.string({ unit: "grapheme", maxLength: 12 });
const bytes = fc.uint8Array({ maxLength: 24 });
const nullableBytes = fc.option(bytes, { nil: null });
const nullableText = fc.option(text, { nil: null });
const strings = fc.array(text, { maxLength: 4 });

export const statArb: fc.Arbitrary<ZkStat> = fc.record({
  czxid: int64,
  mzxid: int64,
  ctime: int64,
  mtime: int64,
  version: int32,
  cversion: int32,
  aversion: int32,
  ephemeralOwner: int64,
  dataLength: int32,
  numChildren: int32,
  pzxid: int64,
});

const aclArb: fc.Arbitrary<ZkAcl> = fc.record({ perms: int32, id: fc.record({ scheme: text, id: text }) });
const aclsArb = fc.array(aclArb, { maxLength: 3 });
const createBodyArb: fc.Arbitrary<CreateBody> = fc.record({
  path: text,
  data: nullableBytes,
  acl: aclsArb,
  flags: int32,
});

export const writeOpArb: fc.Arbitrary<ZkWriteOp> = fc.oneof(
  fc.tuple(fc.constantFrom("create", "create2", "createContainer" as const), createBodyArb).map(([op, body]) => ({
    op,
    ...body,
  })),
  fc.tuple(createBodyArb, int64).map(([body, ttl]) => ({ op: "createTTL" as const, ...body, ttl })),
  fc.record({ op: fc.constantFrom("delete", "check" as const), path: text, version: int32 }),
  fc.record({ op: fc.constant("setData" as const), path: text, data: nullableBytes, version: int32 }),
);

export const readOpArb: fc.Arbitrary<ZkReadOp> = fc.record({
  op: fc.constantFrom("getData", "getChildren" as const),
  path: text,
  watch: fc.boolean(),
});

const watchListsArb = (persistent: boolean): fc.Arbitrary<SetWatchesLists> =>
  fc.record({
    dataWatches: strings,
    existWatches: strings,
    childWatches: strings,
    persistentWatches: persistent ? strings : fc.constant([]),
    persistentRecursiveWatches: persistent ? strings : fc.constant([]),
  });

export const requestArb: fc.Arbitrary<ZkRequest> = fc.oneof(
  writeOpArb,
  fc.record({ op: fc.constant("deleteContainer" as const), path: text, version: int32 }),
  fc.record({
    op: fc.constantFrom("exists", "getData", "getChildren", "getChildren2" as const),
    path: text,
    watch: fc.boolean(),
  }),
  fc.record({ op: fc.constantFrom("getACL", "sync", "getAllChildrenNumber" as const), path: text }),
  fc.record({ op: fc.constant("setACL" as const), path: text, acl: aclsArb, version: int32 }),
  fc.record({ op: fc.constant("multi" as const), ops: fc.array(writeOpArb, { maxLength: 4 }) }),
  fc.record({ op: fc.constant("multiRead" as const), ops: fc.array(readOpArb, { maxLength: 4 }) }),
  fc.record({
    op: fc.constant("reconfig" as const),
    joiningServers: nullableText,
    leavingServers: nullableText,
    newMembers: nullableText,
    curConfigId: int64,
  }),
  fc.record({ op: fc.constantFrom("checkWatches", "removeWatches" as const), path: text, type: int32 }),
  fc.record({ op: fc.constant("getEphemerals" as const), prefixPath: text }),
  fc.record({ op: fc.constant("addWatch" as const), path: text, mode: int32 }),
  fc.record({ op: fc.constant("auth" as const), type: int32, scheme: text, auth: nullableBytes }),
  fc.record({ op: fc.constant("setWatches" as const), relativeZxid: int64, watches: watchListsArb(false) }),
  fc.record({ op: fc.constant("setWatches2" as const), relativeZxid: int64, watches: watchListsArb(true) }),
  fc.record({ op: fc.constant("sasl" as const), token: nullableBytes }),
  fc.record({ op: fc.constantFrom("ping", "whoAmI", "closeSession" as const) }),
);

export const multiResultArb: fc.Arbitrary<ZkMultiResult> = fc.oneof(
  fc.record({ op: fc.constant("create" as const), path: text }),
  fc.record({ op: fc.constant("create2" as const), path: text, stat: statArb }),
  fc.record({ op: fc.constantFrom("delete", "check" as const) }),
  fc.record({ op: fc.constant("setData" as const), stat: statArb }),
  fc.record({ op: fc.constant("getData" as const), data: nullableBytes, stat: statArb }),
  fc.record({ op: fc.constant("getChildren" as const), children: strings }),
  fc.record({ op: fc.constant("error" as const), err: int32 }),
);

/** Every response with a body, each paired with a request whose reply carries it. */
export const responseWithRequestArb: fc.Arbitrary<{ request: ZkRequest; response: ZkResponse }> = fc.oneof(
  fc.record({ op: fc.constantFrom("create", "sync" as const), path: text }).map((response) => ({
    request: response.op === "sync" ? { op: "sync" as const, path: "/" } : createRequest("create"),
    response,
  })),
  fc.record({ op: fc.constant("create2" as const), path: text, stat: statArb }).map((response) => ({
    request: createRequest("create2"),
    response,
  })),
  fc.record({ op: fc.constant("stat" as const), stat: statArb }).map((response) => ({
    request: { op: "exists" as const, path: "/", watch: false },
    response,
  })),
  fc.record({ op: fc.constant("getData" as const), data: nullableBytes, stat: statArb }).map((response) => ({
    request: { op: "getData" as const, path: "/", watch: false },
    response,
  })),
  fc.record({ op: fc.constant("getACL" as const), acl: aclsArb, stat: statArb }).map((response) => ({
    request: { op: "getACL" as const, path: "/" },
    response,
  })),
  fc.record({ op: fc.constant("getChildren" as const), children: strings }).map((response) => ({
    request: { op: "getChildren" as const, path: "/", watch: false },
    response,
  })),
  fc.record({ op: fc.constant("getChildren2" as const), children: strings, stat: statArb }).map((response) => ({
    request: { op: "getChildren2" as const, path: "/", watch: false },
    response,
  })),
  fc
    .record({ op: fc.constant("multi" as const), results: fc.array(multiResultArb, { maxLength: 4 }) })
    .map((response) => ({ request: { op: "multi" as const, ops: [] }, response })),
  fc.record({ op: fc.constant("getEphemerals" as const), ephemerals: strings }).map((response) => ({
    request: { op: "getEphemerals" as const, prefixPath: "/" },
    response,
  })),
  fc.record({ op: fc.constant("getAllChildrenNumber" as const), totalNumber: int32 }).map((response) => ({
    request: { op: "getAllChildrenNumber" as const, path: "/" },
    response,
  })),
  fc.record({ op: fc.constant("errorResponse" as const), err: int32 }).map((response) => ({
    request: { op: "addWatch" as const, path: "/", mode: 1 },
    response,
  })),
  fc
    .record({
      op: fc.constant("whoAmI" as const),
      clientInfo: fc.array(fc.record({ authScheme: text, user: text }), { maxLength: 3 }),
    })
    .map((response) => ({ request: { op: "whoAmI" as const }, response })),
  fc.record({ op: fc.constant("sasl" as const), token: nullableBytes }).map((response) => ({
    request: { op: "sasl" as const, token: null },
    response,
  })),
);

export function createRequest(op: "create" | "create2" | "createContainer"): ZkRequest {
  return { op, path: "/a", data: null, acl: [], flags: 0 };
}

/** Ordinary xids: the special negative ones route replies by value. */
export const okHeaderArb: fc.Arbitrary<ReplyHeader> = fc.record({
  xid: fc.integer({ min: 1, max: 0x7fff_ffff }),
  zxid: int64,
  err: fc.constant(0),
});

export const connectRequestArb: fc.Arbitrary<ConnectRequest> = fc.record(
  {
    protocolVersion: int32,
    lastZxidSeen: int64,
    timeOut: int32,
    sessionId: int64,
    passwd: bytes,
    readOnly: fc.boolean(),
  },
  { requiredKeys: ["protocolVersion", "lastZxidSeen", "timeOut", "sessionId", "passwd"] },
);

export const connectResponseArb: fc.Arbitrary<ConnectResponse> = fc.record(
  { protocolVersion: int32, timeOut: int32, sessionId: int64, passwd: bytes, readOnly: fc.boolean() },
  { requiredKeys: ["protocolVersion", "timeOut", "sessionId", "passwd"] },
);

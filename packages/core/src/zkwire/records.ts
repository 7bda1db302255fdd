/**
 * ZooKeeper 3.8 client wire records (docs/zookeeper-wire.md): what a ZooKeeper client and a
 * server exchange, as plain data. The codec (codec.ts) turns frames into these and back; the
 * server's ZooKeeper port (apps/server/src/zk) maps them onto Keel's tree and sessions.
 *
 * Numbers are as on the wire: xids and versions are signed 32-bit, zxids, session ids and times
 * are signed 64-bit bigints, data is raw bytes (`null` for a jute null buffer).
 */

/** Op codes (ZooDefs.OpCode) a client may send, by name. */
export const ZK_OP = {
  notification: 0,
  create: 1,
  delete: 2,
  exists: 3,
  getData: 4,
  setData: 5,
  getACL: 6,
  setACL: 7,
  getChildren: 8,
  sync: 9,
  ping: 11,
  getChildren2: 12,
  check: 13,
  multi: 14,
  create2: 15,
  reconfig: 16,
  checkWatches: 17,
  removeWatches: 18,
  createContainer: 19,
  deleteContainer: 20,
  createTTL: 21,
  multiRead: 22,
  auth: 100,
  setWatches: 101,
  sasl: 102,
  getEphemerals: 103,
  getAllChildrenNumber: 104,
  setWatches2: 105,
  addWatch: 106,
  whoAmI: 107,
  createSession: -10,
  closeSession: -11,
  error: -1,
} as const;
export type ZkOpName = keyof typeof ZK_OP;

/** Special xids (docs/zookeeper-wire.md §4.3). */
export const ZK_XID = { notification: -1, ping: -2, auth: -4, setWatches: -8 } as const;

/** Watcher.Event.EventType values a server sends. */
export const ZK_EVENT = { nodeCreated: 1, nodeDeleted: 2, nodeDataChanged: 3, nodeChildrenChanged: 4 } as const;
/** The only KeeperState a server puts in a WatcherEvent. */
export const ZK_STATE_SYNC_CONNECTED = 3;

/** jute.maxbuffer default: the largest frame payload either side accepts. */
export const ZK_MAX_BUFFER_DEFAULT = 0xfffff;

export interface ZkStat {
  readonly czxid: bigint;
  readonly mzxid: bigint;
  readonly ctime: bigint;
  readonly mtime: bigint;
  readonly version: number;
  readonly cversion: number;
  readonly aversion: number;
  readonly ephemeralOwner: bigint;
  readonly dataLength: number;
  readonly numChildren: number;
  readonly pzxid: bigint;
}

export interface ZkId {
  readonly scheme: string;
  readonly id: string;
}

export interface ZkAcl {
  readonly perms: number;
  readonly id: ZkId;
}

// ---- session establishment (no headers)

export interface ConnectRequest {
  readonly protocolVersion: number;
  readonly lastZxidSeen: bigint;
  readonly timeOut: number;
  readonly sessionId: bigint;
  readonly passwd: Uint8Array;
  /** Absent for an "old client" (44-byte body, e.g. node-zookeeper-client). */
  readonly readOnly?: boolean;
}

export interface ConnectResponse {
  readonly protocolVersion: number;
  readonly timeOut: number;
  readonly sessionId: bigint;
  readonly passwd: Uint8Array;
  /** Omitted when the request omitted it. */
  readonly readOnly?: boolean;
}

// ---- headers

export interface RequestHeader {
  readonly xid: number;
  readonly type: number;
}

export interface ReplyHeader {
  readonly xid: number;
  readonly zxid: bigint;
  readonly err: number;
}

// ---- request records, a closed union on `op`

export interface CreateBody {
  readonly path: string;
  readonly data: Uint8Array | null;
  readonly acl: readonly ZkAcl[];
  readonly flags: number;
}

/** Sub-operations of multi (14): create (1/15/19/21), delete, setData, check. */
export type ZkWriteOp =
  | ({ readonly op: "create" | "create2" | "createContainer" } & CreateBody)
  | ({ readonly op: "createTTL"; readonly ttl: bigint } & CreateBody)
  | { readonly op: "delete"; readonly path: string; readonly version: number }
  | { readonly op: "setData"; readonly path: string; readonly data: Uint8Array | null; readonly version: number }
  | { readonly op: "check"; readonly path: string; readonly version: number };

/** Sub-operations of multiRead (22). Their watch byte is decoded but ignored by servers. */
export type ZkReadOp =
  | { readonly op: "getData"; readonly path: string; readonly watch: boolean }
  | { readonly op: "getChildren"; readonly path: string; readonly watch: boolean };

export type ZkRequest =
  | ZkWriteOp
  | ({ readonly op: "deleteContainer" } & { readonly path: string; readonly version: number })
  | {
      readonly op: "exists" | "getData" | "getChildren" | "getChildren2";
      readonly path: string;
      readonly watch: boolean;
    }
  | { readonly op: "getACL" | "sync" | "getAllChildrenNumber"; readonly path: string }
  | { readonly op: "setACL"; readonly path: string; readonly acl: readonly ZkAcl[]; readonly version: number }
  | { readonly op: "multi"; readonly ops: readonly ZkWriteOp[] }
  | { readonly op: "multiRead"; readonly ops: readonly ZkReadOp[] }
  | {
      readonly op: "reconfig";
      readonly joiningServers: string | null;
      readonly leavingServers: string | null;
      readonly newMembers: string | null;
      readonly curConfigId: bigint;
    }
  /** type: WatcherType 1 Children, 2 Data, 3 Any. */
  | { readonly op: "checkWatches" | "removeWatches"; readonly path: string; readonly type: number }
  | { readonly op: "getEphemerals"; readonly prefixPath: string }
  /** mode: 0 PERSISTENT, 1 PERSISTENT_RECURSIVE. */
  | { readonly op: "addWatch"; readonly path: string; readonly mode: number }
  | { readonly op: "auth"; readonly type: number; readonly scheme: string; readonly auth: Uint8Array | null }
  | { readonly op: "setWatches"; readonly relativeZxid: bigint; readonly watches: SetWatchesLists }
  | { readonly op: "setWatches2"; readonly relativeZxid: bigint; readonly watches: SetWatchesLists }
  | { readonly op: "sasl"; readonly token: Uint8Array | null }
  | { readonly op: "ping" | "whoAmI" | "closeSession" };

export interface SetWatchesLists {
  readonly dataWatches: readonly string[];
  readonly existWatches: readonly string[];
  readonly childWatches: readonly string[];
  /** SetWatches2 only (empty for op 101). */
  readonly persistentWatches: readonly string[];
  readonly persistentRecursiveWatches: readonly string[];
}

// ---- response records (bodies after a ReplyHeader with err 0)

/** One item of a multi / multiRead response. */
export type ZkMultiResult =
  | { readonly op: "create"; readonly path: string }
  /** create2, createContainer and createTTL all report as type 15. */
  | { readonly op: "create2"; readonly path: string; readonly stat: ZkStat }
  | { readonly op: "delete" }
  | { readonly op: "setData"; readonly stat: ZkStat }
  | { readonly op: "check" }
  | { readonly op: "getData"; readonly data: Uint8Array | null; readonly stat: ZkStat }
  | { readonly op: "getChildren"; readonly children: readonly string[] }
  | { readonly op: "error"; readonly err: number };

export type ZkResponse =
  | { readonly op: "none" }
  | { readonly op: "create" | "sync"; readonly path: string }
  | { readonly op: "create2"; readonly path: string; readonly stat: ZkStat }
  | { readonly op: "stat"; readonly stat: ZkStat }
  | { readonly op: "getData"; readonly data: Uint8Array | null; readonly stat: ZkStat }
  | { readonly op: "getACL"; readonly acl: readonly ZkAcl[]; readonly stat: ZkStat }
  | { readonly op: "getChildren"; readonly children: readonly string[] }
  | { readonly op: "getChildren2"; readonly children: readonly string[]; readonly stat: ZkStat }
  | { readonly op: "multi"; readonly results: readonly ZkMultiResult[] }
  | { readonly op: "getEphemerals"; readonly ephemerals: readonly string[] }
  | { readonly op: "getAllChildrenNumber"; readonly totalNumber: number }
  /** addWatch's success body: ErrorResponse(0). */
  | { readonly op: "errorResponse"; readonly err: number }
  | { readonly op: "whoAmI"; readonly clientInfo: readonly { readonly authScheme: string; readonly user: string }[] }
  | { readonly op: "sasl"; readonly token: Uint8Array | null };

export interface WatcherEvent {
  readonly type: number;
  readonly state: number;
  readonly path: string;
}

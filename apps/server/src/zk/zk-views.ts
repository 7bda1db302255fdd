/**
 * Keel's values as a ZooKeeper client sees them (docs/zookeeper-wire.md, docs/zookeeper-compat.md):
 * Stats with ZooKeeper's ephemeralOwner markers for containers and TTL nodes, create flags to
 * Keel's create modes, ACLs, and Keel's error codes as ZooKeeper's numbers.
 */
import {
  type Acl,
  type CreateMode,
  ERROR_CODES,
  isKeelError,
  type KeelErrorCode,
  type NodeKind,
  type Stat,
  type ZkAcl,
  type ZkStat,
  zookeeperWireCode,
} from "@keel/core";

/** ephemeralOwner of a container node: Long.MIN_VALUE. */
const CONTAINER_OWNER = -(1n << 63n);
/** ephemeralOwner of a TTL node: high byte 0xFF, then the TTL in its low 40 bits. */
const TTL_OWNER_MARK = 0xffn << 56n;

export function zkStat(stat: Stat, kind: NodeKind, ttlMs: number): ZkStat {
  return {
    czxid: stat.czxid,
    mzxid: stat.mzxid,
    ctime: BigInt(stat.ctime),
    mtime: BigInt(stat.mtime),
    version: stat.version,
    cversion: stat.cversion,
    aversion: stat.aversion,
    ephemeralOwner: ephemeralOwnerOf(stat, kind, ttlMs),
    dataLength: stat.dataLength,
    numChildren: stat.numChildren,
    pzxid: stat.pzxid,
  };
}

function ephemeralOwnerOf(stat: Stat, kind: NodeKind, ttlMs: number): bigint {
  switch (kind) {
    case "container":
      return CONTAINER_OWNER;
    case "ttl":
      return BigInt.asIntN(64, TTL_OWNER_MARK | BigInt(ttlMs));
    default:
      return stat.ephemeralOwner;
  }
}

/** CreateMode flags 0–6 (docs/zookeeper-wire.md, "Create modes"); undefined for any other value. */
const MODES_BY_FLAG: readonly CreateMode[] = [
  "persistent",
  "ephemeral",
  "persistentSequential",
  "ephemeralSequential",
  "container",
  "ttl",
  "ttlSequential",
];

export function createModeOfFlags(flags: number): CreateMode | undefined {
  return MODES_BY_FLAG[flags];
}

export function aclOfZk(acl: readonly ZkAcl[]): Acl {
  return acl.map((entry) => ({ perms: entry.perms, scheme: entry.id.scheme, id: entry.id.id }));
}

export function zkAclOf(acl: Acl): ZkAcl[] {
  return acl.map((entry) => ({ perms: entry.perms, id: { scheme: entry.scheme, id: entry.id } }));
}

/** The number a ZooKeeper client gets for `code` (Keel's own NOTREADY travels as CONNECTIONLOSS). */
export function zkErrorOf(error: unknown): number {
  if (isKeelError(error)) return zookeeperWireCode(error.code);
  return ERROR_CODES.SYSTEMERROR;
}

/** A multi sub-result's code: "OK" means rolled back (0), as ZooKeeper reports it. */
export function zkMultiCode(code: KeelErrorCode | "OK"): number {
  return code === "OK" ? 0 : zookeeperWireCode(code);
}

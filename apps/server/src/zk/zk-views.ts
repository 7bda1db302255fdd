/**
 * Keel's values as a ZooKeeper client sees them (docs/zookeeper-wire.md, docs/zookeeper-compat.md):
 * Stats, create flags to Keel's create modes, ACLs, and Keel's error codes as ZooKeeper's numbers.
 */
import {
  type Acl,
  CREATE_MODES,
  type CreateMode,
  ERROR_CODES,
  isKeelError,
  type KeelErrorCode,
  type Stat,
  type ZkAcl,
  type ZkStat,
  zookeeperWireCode,
} from "@keel/core";

/**
 * ZooKeeper's Stat as its clients see it. ZooKeeper marks container and TTL nodes inside
 * ephemeralOwner internally but reports 0 for them to clients (DataTree's client ephemeral owner),
 * which is what Keel's Stat holds for every non-ephemeral node already.
 */
export function zkStat(stat: Stat): ZkStat {
  return {
    czxid: stat.czxid,
    mzxid: stat.mzxid,
    ctime: BigInt(stat.ctime),
    mtime: BigInt(stat.mtime),
    version: stat.version,
    cversion: stat.cversion,
    aversion: stat.aversion,
    ephemeralOwner: stat.ephemeralOwner,
    dataLength: stat.dataLength,
    numChildren: stat.numChildren,
    pzxid: stat.pzxid,
  };
}

/** CreateMode flags 0–6 (docs/zookeeper-wire.md, "Create modes"): core's CREATE_MODES is in flag order. */
export function createModeOfFlags(flags: number): CreateMode | undefined {
  return Number.isInteger(flags) && flags >= 0 ? CREATE_MODES[flags] : undefined;
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

/**
 * Open-time checks and repairs (docs/storage.md, "Recovery"). The rules:
 * - identity: a store of another ensemble, another server or an unknown format is refused;
 * - epochs: currentEpoch <= acceptedEpoch, and nothing logged from an epoch never accepted
 *   (ZooKeeper's QuorumPeer.loadDataBase makes the same checks);
 * - snapshots: rows not complete (a local writer or a SNAP transfer cut short) are dropped, never
 *   loaded; the newest snapshot that verifies and that the log still covers is used; newer
 *   invalid ones are dropped; if none is usable and the log was purged, refuse;
 * - log after the snapshot: an invalid suffix (torn or corrupt tail) is cut off and never
 *   applied; an invalid entry followed by valid ones is corruption in the middle: refuse, since
 *   cutting there would drop entries this replica acknowledged;
 * - log entries the snapshot covers but that fail their checksum are purged (followers that
 *   need them get a snapshot instead).
 * It all runs in one transaction, so a crash during recovery repairs nothing halfway.
 */
import { type Epoch, formatZxid, ZXID_ZERO, type Zxid, zxidEpoch } from "@keel/core";
import type { Connection } from "./connection.js";
import { insertMeta, type ReplicaMeta, readMeta, updateMeta } from "./epochs.js";
import { StoreError } from "./errors.js";
import { FORMAT_VERSION } from "./limits.js";
import type { SnapshotInfo, SnapshotStore } from "./snapshots.js";
import { type TxnLog, verifyLogRow } from "./txn-log.js";

export interface Identity {
  readonly serverId: number;
  readonly ensembleId: string;
}

export interface RecoveredState {
  readonly meta: ReplicaMeta;
  readonly latestSnapshot: SnapshotInfo | undefined;
  readonly logBounds: { first: Zxid; last: Zxid } | undefined;
}

interface Parts {
  readonly connection: Connection;
  readonly log: TxnLog;
  readonly snapshots: SnapshotStore;
  readonly warn: (message: string) => void;
}

export function recover(parts: Parts, identity: Identity): RecoveredState {
  const run = parts.connection.sqlite.transaction(() => {
    const meta = checkIdentity(parts, identity);
    checkEpochs(meta);
    const dropped = parts.snapshots.deleteIncomplete();
    if (dropped > 0)
      parts.warn(`dropped ${dropped} incomplete snapshot(s) left by an interrupted writer or a torn SNAP transfer`);
    const snapshot = chooseSnapshot(parts, meta);
    const logStartZxid = repairLog(parts, meta, snapshot);
    const finalMeta = logStartZxid === meta.logStartZxid ? meta : { ...meta, logStartZxid };
    const state = { meta: finalMeta, latestSnapshot: snapshot, logBounds: parts.log.bounds() };
    checkLoggedEpochs(state);
    return state;
  });
  try {
    return run.immediate();
  } catch (error) {
    if (error instanceof StoreError) throw error;
    // SQLite itself refusing a page ("database disk image is malformed") is the world, not a bug.
    if (error instanceof Error && "code" in error && String(error.code).startsWith("SQLITE_")) {
      throw new StoreError(
        "INCONSISTENT",
        `SQLite reported ${String(error.code)}: ${error.message}; restore from a backup`,
      );
    }
    throw error;
  }
}

function checkIdentity({ connection, log, snapshots, warn }: Parts, identity: Identity): ReplicaMeta {
  const existing = readMeta(connection.db);
  if (existing === undefined) {
    if (log.bounds() !== undefined || snapshots.list().length > 0) {
      throw new StoreError("INCONSISTENT", "the store has log or snapshot rows but no replica_meta row");
    }
    const meta: ReplicaMeta = {
      formatVersion: FORMAT_VERSION,
      serverId: identity.serverId,
      ensembleId: identity.ensembleId,
      acceptedEpoch: 0 as Epoch,
      currentEpoch: 0 as Epoch,
      logStartZxid: ZXID_ZERO,
    };
    insertMeta(connection.db, meta);
    warn(`created a new store for server ${identity.serverId} of ensemble "${identity.ensembleId}"`);
    return meta;
  }
  if (existing.formatVersion !== FORMAT_VERSION) {
    throw new StoreError(
      "FORMAT_VERSION",
      `store format ${existing.formatVersion}; this build reads only ${FORMAT_VERSION}`,
    );
  }
  if (existing.ensembleId !== identity.ensembleId) {
    throw new StoreError(
      "ENSEMBLE_MISMATCH",
      `the data dir belongs to ensemble "${existing.ensembleId}", not "${identity.ensembleId}"`,
    );
  }
  if (existing.serverId !== identity.serverId) {
    throw new StoreError(
      "SERVER_ID_MISMATCH",
      `the data dir belongs to server ${existing.serverId}, not ${identity.serverId} (use restoreReplica to rename a copy)`,
    );
  }
  return existing;
}

function checkEpochs(meta: ReplicaMeta): void {
  if (meta.currentEpoch > meta.acceptedEpoch) {
    throw new StoreError(
      "INCONSISTENT",
      `currentEpoch ${meta.currentEpoch} is after acceptedEpoch ${meta.acceptedEpoch} (docs/protocol.md §1)`,
    );
  }
}

/** The newest snapshot that verifies and that the log covers; drops newer invalid ones. */
function chooseSnapshot({ snapshots, warn }: Parts, meta: ReplicaMeta): SnapshotInfo | undefined {
  for (const info of snapshots.list()) {
    if (info.zxid < meta.logStartZxid) break; // older than purged entries: cannot rebuild from it
    const loaded = snapshots.load(info);
    if (loaded.ok) return info;
    warn(`snapshot at ${formatZxid(info.zxid)} is invalid (${loaded.why}); dropped, trying an older one`);
    snapshots.delete(info.id);
  }
  if (meta.logStartZxid > ZXID_ZERO) {
    throw new StoreError(
      "INCONSISTENT",
      `no valid snapshot at or after ${formatZxid(meta.logStartZxid)}, and the log before it was purged; restore from a backup or resync from the leader`,
    );
  }
  return undefined;
}

/** Verifies every log row; cuts an invalid tail, purges invalid covered rows; returns the new log start. */
function repairLog(
  { log, snapshots, connection, warn }: Parts,
  meta: ReplicaMeta,
  snapshot: SnapshotInfo | undefined,
): Zxid {
  const baseZxid = snapshot?.zxid ?? meta.logStartZxid;
  let lastCoveredInvalid: bigint | undefined;
  let firstLiveInvalid: { zxid: bigint; why: string } | undefined;
  let validAfterInvalid: bigint | undefined;
  for (const row of log.scan()) {
    const verified = verifyLogRow(row);
    const rowZxid = verified.ok ? verified.entry.zxid : verified.zxid;
    if (rowZxid <= baseZxid) {
      if (!verified.ok) lastCoveredInvalid = rowZxid;
    } else if (!verified.ok) {
      firstLiveInvalid ??= { zxid: rowZxid, why: verified.why };
    } else if (firstLiveInvalid !== undefined) {
      validAfterInvalid = rowZxid;
      break;
    }
  }
  if (firstLiveInvalid !== undefined && validAfterInvalid !== undefined) {
    throw new StoreError(
      "INCONSISTENT",
      `txn log entry ${formatZxid(firstLiveInvalid.zxid as Zxid)} is invalid (${firstLiveInvalid.why}) but valid entries follow it (${formatZxid(validAfterInvalid as Zxid)}): corruption in the middle of the log`,
    );
  }
  if (firstLiveInvalid !== undefined) {
    const cut = log.deleteAfter((firstLiveInvalid.zxid - 1n) as Zxid);
    warn(
      `cut ${cut} invalid entries off the log tail from ${formatZxid(firstLiveInvalid.zxid as Zxid)} (${firstLiveInvalid.why})`,
    );
  }
  if (lastCoveredInvalid === undefined) return meta.logStartZxid;
  const logStartZxid = lastCoveredInvalid as Zxid;
  const purged = log.deleteThrough(logStartZxid);
  snapshots.deleteBelow(logStartZxid);
  updateMeta(connection.db, { logStartZxid });
  warn(
    `purged ${purged} log entries through ${formatZxid(logStartZxid)}: some failed their checksum (the snapshot covers them)`,
  );
  return logStartZxid;
}

function checkLoggedEpochs(state: RecoveredState): void {
  const lastZxid = state.logBounds?.last ?? state.latestSnapshot?.zxid ?? ZXID_ZERO;
  if (zxidEpoch(lastZxid) > state.meta.acceptedEpoch) {
    throw new StoreError(
      "INCONSISTENT",
      `logged zxid ${formatZxid(lastZxid)} is from an epoch after acceptedEpoch ${state.meta.acceptedEpoch}`,
    );
  }
}

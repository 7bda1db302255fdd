/**
 * ReplicaStore: core's `LogReader` plus the write side (`write(DurableWrite)`), snapshots, purge
 * and backup over one SQLite file (docs/storage.md). Synchronous like better-sqlite3 and like the
 * `LogReader` core reads through; `write()` returns only after the transaction is fsynced.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import {
  assert,
  type DurableWrite,
  EPOCH_MAX,
  type Epoch,
  formatZxid,
  type LogEntry,
  type LogReader,
  type ReplicaEpochs,
  type Snapshot,
  type SnapshotHeader,
  ZXID_ZERO,
  type Zxid,
  zxidEpoch,
} from "@keel/core";
import type Database from "better-sqlite3";
import { backupDatabase } from "./backup.js";
import { type Connection, openConnection } from "./connection.js";
import { type ReplicaMeta, updateMeta } from "./epochs.js";
import { StoreError } from "./errors.js";
import { SNAPSHOTS_TO_KEEP_MIN, STORE_FILE_NAME } from "./limits.js";
import { type Identity, type RecoveredState, recover } from "./recovery.js";
import { headerOf, type SnapshotInfo, SnapshotStore } from "./snapshots.js";
import { TxnLog } from "./txn-log.js";

/** Server ids are ZooKeeper's myid, 1..255 (core's PeerId). */
const SERVER_ID_MAX = 255;
const ENSEMBLE_ID_CHARS_MAX = 128;

export interface ReplicaStoreOptions {
  readonly serverId: number;
  readonly ensembleId: string;
  /** Recovery repairs and other non-fatal findings; library code never writes to the console. */
  readonly onWarning?: (message: string) => void;
  /** How long to wait for another process to release the file before failing with LOCKED (default 2 s). */
  readonly lockWaitMs?: number;
}

export interface PurgeOptions {
  /** How many of the newest snapshots to keep (>= 1); log entries the oldest kept one covers go too. */
  readonly snapshotsToKeep: number;
  /**
   * A sync in progress still reads from here (core's `Replica.syncRetainZxid`): the newest snapshot
   * at or below it, every newer one and the log after it are kept, so a SNAP being streamed or a
   * DIFF being sent is not cut from under the leader.
   */
  readonly retainZxid?: Zxid | undefined;
}

export interface PurgeResult {
  readonly snapshotsDeleted: number;
  readonly entriesDeleted: number;
  readonly logStartZxid: Zxid;
}

export type { SnapshotInfo } from "./snapshots.js";

/** A snapshot being written incrementally: its row id and what the manifest needs. */
export class SnapshotWrite {
  chunkCount = 0;
  bytesTotal = 0n;
  readonly checksums: number[] = [];

  constructor(
    readonly id: number,
    readonly zxid: Zxid,
  ) {}

  added(checksum: number, chunk: Uint8Array): void {
    this.checksums.push(checksum);
    this.chunkCount += 1;
    this.bytesTotal += BigInt(chunk.byteLength);
  }
}

/** Opens (creating if needed) the store in `dir`, runs recovery, and refuses a foreign or inconsistent one. */
export function openReplicaStore(dir: string, options: ReplicaStoreOptions): ReplicaStore {
  validateIdentity(options);
  mkdirSync(dir, { recursive: true });
  return ReplicaStore.openFile(path.join(dir, STORE_FILE_NAME), options);
}

export function validateIdentity(identity: Identity): void {
  const { serverId, ensembleId } = identity;
  if (!Number.isInteger(serverId) || serverId < 1 || serverId > SERVER_ID_MAX) {
    throw new StoreError("BAD_INPUT", `serverId must be an integer in 1..${SERVER_ID_MAX}, got ${serverId}`);
  }
  if (typeof ensembleId !== "string" || ensembleId.length === 0 || ensembleId.length > ENSEMBLE_ID_CHARS_MAX) {
    throw new StoreError("BAD_INPUT", `ensembleId must be 1..${ENSEMBLE_ID_CHARS_MAX} characters`);
  }
}

export class ReplicaStore implements LogReader {
  readonly file: string;
  readonly #connection: Connection;
  readonly #log: TxnLog;
  readonly #snapshots: SnapshotStore;
  readonly #write: Database.Transaction<(write: DurableWrite) => RecoveredState>;
  readonly #warn: (message: string) => void;
  #state: RecoveredState;
  #closed = false;

  /** Opens one store file; `openReplicaStore` is the public entry (it owns the file name). */
  static openFile(file: string, options: ReplicaStoreOptions): ReplicaStore {
    const connection = openConnection(file, options.lockWaitMs === undefined ? {} : { lockWaitMs: options.lockWaitMs });
    try {
      return new ReplicaStore(file, connection, options);
    } catch (error) {
      connection.sqlite.close();
      throw error;
    }
  }

  private constructor(file: string, connection: Connection, options: ReplicaStoreOptions) {
    this.file = file;
    this.#connection = connection;
    this.#log = new TxnLog(connection);
    this.#snapshots = new SnapshotStore(connection);
    const warn = options.onWarning ?? (() => {});
    this.#warn = warn;
    this.#state = recover({ connection, log: this.#log, snapshots: this.#snapshots, warn }, options);
    this.#write = connection.sqlite.transaction((write: DurableWrite) => this.#applyWrite(write));
  }

  // ---- LogReader ------------------------------------------------------------------------------

  lastLoggedZxid(): Zxid {
    this.#assertOpen();
    return lastZxidOf(this.#state);
  }

  firstLoggedZxid(): Zxid | undefined {
    this.#assertOpen();
    return this.#state.logBounds?.first;
  }

  entriesAfter(after: Zxid, countMax: number, bytesMax: number): LogEntry[] {
    this.#assertOpen();
    return this.#log.entriesAfter(after, countMax, bytesMax);
  }

  /** The newest complete snapshot's header row; no chunk is read (recovery verified it at open). */
  latestSnapshotHeader(): SnapshotHeader | undefined {
    this.#assertOpen();
    const info = this.#state.latestSnapshot;
    return info === undefined ? undefined : headerOf(info);
  }

  /**
   * One chunk of the complete snapshot at `zxid`, checked against its row checksum; undefined when
   * that snapshot is gone. A checksum failure is bit rot after open: reported, and the chunk is
   * treated as missing (the SNAP transfer reading it ends; the leader keeps serving).
   */
  snapshotChunk(zxid: Zxid, index: number): Uint8Array | undefined {
    this.#assertOpen();
    const chunk = this.#snapshots.readChunk(zxid, index);
    if (chunk === "corrupt") {
      this.#warn(`snapshot at ${formatZxid(zxid)}: chunk ${index} checksum mismatch`);
      return undefined;
    }
    return chunk;
  }

  /** Reads and verifies the whole newest snapshot at once (tests, tools); a checksum failure is StoreError CORRUPT. */
  latestSnapshot(): Snapshot | undefined {
    this.#assertOpen();
    const info = this.#state.latestSnapshot;
    if (info === undefined) return undefined;
    const loaded = this.#snapshots.load(info);
    if (!loaded.ok) throw new StoreError("CORRUPT", `snapshot at ${formatZxid(info.zxid)}: ${loaded.why}`);
    return loaded.snapshot;
  }

  epochs(): ReplicaEpochs {
    this.#assertOpen();
    const { acceptedEpoch, currentEpoch } = this.#state.meta;
    return { acceptedEpoch, currentEpoch };
  }

  // ---- writes ---------------------------------------------------------------------------------

  /**
   * One atomic, fsynced write (core's DurableWrite, in its order: snapshot, truncate, append,
   * epochs). The caller batching several inputs into one write is the group commit.
   */
  write(write: DurableWrite): void {
    this.#assertOpen();
    this.#state = this.#write.immediate(write);
  }

  /** Stores a snapshot the host took at an applied zxid; the log is untouched. Replaces one at the same zxid. */
  saveSnapshot(snapshot: Snapshot): SnapshotInfo {
    this.#assertOpen();
    const state = this.#state;
    assert(
      snapshot.zxid >= state.meta.logStartZxid && snapshot.zxid <= lastZxidOf(state),
      `saveSnapshot: zxid ${formatZxid(snapshot.zxid)} outside the logged history`,
    );
    const save = this.#connection.sqlite.transaction(() => {
      const info = this.#snapshots.insert(snapshot);
      this.#snapshots.deleteSameZxid(snapshot.zxid, info.id);
      return info;
    });
    const info = save.immediate();
    this.#state = { ...state, latestSnapshot: this.#snapshots.latest() };
    return info;
  }

  // ---- incremental snapshots (docs/storage.md, "Incremental snapshots")

  /**
   * Starts a snapshot of the applied state at `zxid`, written a few chunks at a time by
   * `appendSnapshotChunks` (each call one short transaction) and made visible by
   * `commitSnapshot`. Until then it is invisible, and open() drops it if the process dies.
   */
  beginSnapshot(zxid: Zxid): SnapshotWrite {
    this.#assertOpen();
    const state = this.#state;
    assert(
      zxid >= state.meta.logStartZxid && zxid <= lastZxidOf(state),
      `beginSnapshot: zxid ${formatZxid(zxid)} outside the logged history`,
    );
    return new SnapshotWrite(this.#snapshots.begin(zxid), zxid);
  }

  /** Appends chunks to a snapshot being written; false when it is gone (a SNAP install replaced every snapshot). */
  appendSnapshotChunks(write: SnapshotWrite, chunks: readonly Uint8Array[]): boolean {
    this.#assertOpen();
    const append = this.#connection.sqlite.transaction(() => {
      if (!this.#snapshots.isWriting(write.id)) return false;
      for (const chunk of chunks) write.added(this.#snapshots.appendChunk(write.id, write.chunkCount, chunk), chunk);
      return true;
    });
    return append.immediate();
  }

  /** Seals a written snapshot (replacing one at the same zxid); undefined when it is gone. */
  commitSnapshot(write: SnapshotWrite): SnapshotInfo | undefined {
    this.#assertOpen();
    const commit = this.#connection.sqlite.transaction(() => {
      if (!this.#snapshots.isWriting(write.id)) return undefined;
      const info = this.#snapshots.seal(write.id, write.zxid, write.bytesTotal, write.checksums);
      this.#snapshots.deleteSameZxid(write.zxid, info.id);
      return info;
    });
    const info = commit.immediate();
    if (info !== undefined) this.#state = { ...this.#state, latestSnapshot: this.#snapshots.latest() };
    return info;
  }

  /** Drops a snapshot being written (its rows go; a committed one is not touched). */
  abortSnapshot(write: SnapshotWrite): void {
    this.#assertOpen();
    if (this.#snapshots.isWriting(write.id)) this.#snapshots.delete(write.id);
  }

  /** Keeps the newest `snapshotsToKeep` snapshots and drops log entries the oldest kept one covers, all at once. */
  purge(options: PurgeOptions): PurgeResult {
    const total = { snapshotsDeleted: 0, entriesDeleted: 0, logStartZxid: this.#state.meta.logStartZxid };
    for (;;) {
      const step = this.purgeStep(options, { chunksMax: 1 << 30, entriesMax: 1 << 30 });
      total.snapshotsDeleted += step.snapshotsDeleted;
      total.entriesDeleted += step.entriesDeleted;
      total.logStartZxid = step.logStartZxid;
      if (step.done) return total;
    }
  }

  /**
   * One bounded step of a purge (docs/storage.md, "Purge policy"): snapshots beyond the ones kept
   * are hidden at once (state doomed: never read again, dropped at open), then at most
   * `budget.chunksMax` of their chunks and `budget.entriesMax` covered log entries are deleted,
   * oldest first, with `log_start_zxid` following. Deleting hundreds of MiB of blobs makes SQLite
   * walk every overflow page; in bounded steps the host keeps serving between them.
   */
  purgeStep(options: PurgeOptions, budget: { chunksMax: number; entriesMax: number }): PurgeResult & { done: boolean } {
    this.#assertOpen();
    const { snapshotsToKeep, retainZxid } = options;
    assert(
      Number.isInteger(snapshotsToKeep) && snapshotsToKeep >= SNAPSHOTS_TO_KEEP_MIN,
      `purge: snapshotsToKeep must be an integer >= ${SNAPSHOTS_TO_KEEP_MIN}, got ${snapshotsToKeep}`,
    );
    const run = this.#connection.sqlite.transaction((): PurgeResult & { done: boolean } => {
      const all = this.#snapshots.list();
      let logStartZxid = this.#state.meta.logStartZxid;
      let keep = snapshotsToKeep;
      let oldestKept = all[Math.min(keep, all.length) - 1];
      if (retainZxid !== undefined) {
        // Keep the newest snapshot a sync in progress can still rebuild from, and everything after it.
        const covering = all.findIndex((info) => info.zxid <= retainZxid);
        keep = covering < 0 ? all.length : Math.max(keep, covering + 1);
        oldestKept = covering < 0 ? undefined : all[Math.min(keep, all.length) - 1];
      }
      let snapshotsDeleted = 0;
      let entriesDeleted = 0;
      let logDone = true;
      if (oldestKept !== undefined && oldestKept.zxid > logStartZxid) {
        for (const info of all.slice(keep)) this.#snapshots.doom(info.id);
        snapshotsDeleted = Math.max(0, all.length - keep);
        const cut = this.#log.deleteOldest(oldestKept.zxid, budget.entriesMax);
        entriesDeleted = cut.deleted;
        logDone = cut.deleted < budget.entriesMax;
        // The log still holds every entry after the new start, and a kept snapshot is at or above it.
        logStartZxid = logDone ? oldestKept.zxid : (cut.last ?? logStartZxid);
        updateMeta(this.#connection.db, { logStartZxid });
      }
      const chunksDone = this.#snapshots.deleteDoomedChunks(budget.chunksMax);
      return { snapshotsDeleted, entriesDeleted, logStartZxid, done: logDone && chunksDone };
    });
    const result = run.immediate();
    this.#state = {
      meta: { ...this.#state.meta, logStartZxid: result.logStartZxid },
      latestSnapshot: this.#snapshots.latest(),
      logBounds: this.#log.bounds(),
    };
    return result;
  }

  // ---- inspection, backup, lifecycle ----------------------------------------------------------

  meta(): ReplicaMeta & { readonly latestSnapshot: SnapshotInfo | undefined; readonly lastLoggedZxid: Zxid } {
    this.#assertOpen();
    return { ...this.#state.meta, latestSnapshot: this.#state.latestSnapshot, lastLoggedZxid: lastZxidOf(this.#state) };
  }

  snapshotInfos(): SnapshotInfo[] {
    this.#assertOpen();
    return this.#snapshots.list();
  }

  /** A consistent online copy of the whole store to `file` (which must not exist), like `etcdctl snapshot save`. */
  async backupTo(file: string): Promise<void> {
    this.#assertOpen();
    await backupDatabase(this.#connection.sqlite, file);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#connection.sqlite.close();
  }

  #assertOpen(): void {
    assert(!this.#closed, `replica store ${this.file} is closed`);
  }

  /** Runs inside the write transaction; returns the state to publish once it commits. */
  #applyWrite(write: DurableWrite): RecoveredState {
    let { meta, latestSnapshot, logBounds } = this.#state;
    if (write.stageChunks !== undefined) this.#snapshots.stage(write.stageChunks);
    if (write.installSnapshot !== undefined) {
      // A snapshot from the leader (SNAP), now fully staged, replaces this replica's whole history.
      this.#log.deleteAll();
      latestSnapshot = this.#snapshots.installStaged(write.installSnapshot);
      logBounds = undefined;
      meta = { ...meta, logStartZxid: write.installSnapshot.zxid };
      updateMeta(this.#connection.db, { logStartZxid: meta.logStartZxid });
    }
    if (write.truncateAfter !== undefined) {
      const after = write.truncateAfter;
      this.#log.deleteAfter(after);
      if (latestSnapshot !== undefined && latestSnapshot.zxid > after) {
        this.#snapshots.deleteAbove(after); // as ZooKeeper's truncateLog: a snapshot past the cut would resurrect it
        latestSnapshot = this.#snapshots.latest();
      }
      logBounds = this.#log.bounds();
      assert(
        meta.logStartZxid === ZXID_ZERO || (latestSnapshot !== undefined && latestSnapshot.zxid >= meta.logStartZxid),
        `truncateAfter ${formatZxid(after)} cuts below every snapshot the purged log depends on`,
      );
    }
    let previous = lastZxidOf({ latestSnapshot, logBounds });
    for (const entry of write.entries) {
      assert(entry.zxid > previous, `write: entry ${formatZxid(entry.zxid)} not after ${formatZxid(previous)}`);
      previous = entry.zxid;
    }
    this.#log.append(write.entries);
    const first = write.entries[0];
    if (first !== undefined) logBounds = { first: logBounds?.first ?? first.zxid, last: previous };
    meta = this.#applyEpochs(meta, write);
    assert(
      zxidEpoch(lastZxidOf({ latestSnapshot, logBounds })) <= meta.acceptedEpoch,
      `write: logged epoch ${zxidEpoch(previous)} is after acceptedEpoch ${meta.acceptedEpoch}`,
    );
    return { meta, latestSnapshot, logBounds };
  }

  #applyEpochs(meta: ReplicaMeta, write: DurableWrite): ReplicaMeta {
    const acceptedEpoch = write.acceptedEpoch ?? meta.acceptedEpoch;
    const currentEpoch = write.currentEpoch ?? meta.currentEpoch;
    if (acceptedEpoch === meta.acceptedEpoch && currentEpoch === meta.currentEpoch) return meta;
    assertEpoch(acceptedEpoch);
    assertEpoch(currentEpoch);
    assert(currentEpoch <= acceptedEpoch, `write: currentEpoch ${currentEpoch} after acceptedEpoch ${acceptedEpoch}`);
    updateMeta(this.#connection.db, { acceptedEpoch, currentEpoch });
    return { ...meta, acceptedEpoch, currentEpoch };
  }
}

function assertEpoch(epoch: Epoch): void {
  // EPOCH_MAX (core's limits.ts) is exactly what fits a stored zxid: SQLite's INTEGER is signed 64-bit.
  assert(Number.isInteger(epoch) && epoch >= 0 && epoch <= EPOCH_MAX, `epoch ${epoch} does not fit the stored zxid`);
}

function lastZxidOf(state: Pick<RecoveredState, "latestSnapshot" | "logBounds">): Zxid {
  const logged = state.logBounds?.last ?? ZXID_ZERO;
  const snapshotZxid = state.latestSnapshot?.zxid ?? ZXID_ZERO;
  // biome-ignore lint/complexity/useMathMinMax: these are bigints, which Math.max does not take
  return logged > snapshotZxid ? logged : snapshotZxid;
}

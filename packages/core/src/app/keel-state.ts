/**
 * KeelState: the replicated application the server and the simulator host. It owns the DataTree
 * (with the replicated session table), the leader's pending-changes overlay and session tracker,
 * and the recent-txn history. ZAB sees it through `LeaderApplication` (prepare/housekeeping on the
 * leader) and `apply` (every replica, in zxid order). Pure: time arrives as arguments.
 */
import { assert } from "../assert.js";
import { utf8Decode } from "../codec/bytes.js";
import { decodeRequest, encodeRequest } from "../codec/request-codec.js";
import { readSnapshot, type SnapshotSource, snapshotChunks, writeSnapshot } from "../codec/snapshot-codec.js";
import { decodeTxn, encodeTxn } from "../codec/txn-codec.js";
import { isKeelError, type KeelError } from "../errors.js";
import { SESSION_NONE, type SessionId, type Zxid } from "../ids.js";
import type { SessionDeadline } from "../sessions/session-deadlines.js";
import { SessionTracker } from "../sessions/session-tracker.js";
import { CONFIG_PATH, DataTree } from "../tree/data-tree.js";
import { treeDigest } from "../tree/digest.js";
import { PendingChanges } from "../tree/pending-changes.js";
import { prepareRequest } from "../tree/prepare.js";
import type { TreeLimits } from "../tree/prepare-ops.js";
import type { ClientRequest, RequestEnvelope } from "../tree/request.js";
import { ORIGIN_NONE, type Txn } from "../tree/txn.js";
import { errorBody } from "../tree/txn-errors.js";
import type { LeaderApplication, ReconfigView } from "../zab/application.js";
import type { LogEntry, Snapshot } from "../zab/io.js";
import { type Membership, parseMembership } from "../zab/membership.js";
import { KeelReads } from "./keel-reads.js";
import { type KeelStateConfig, resolveKeelStateConfig } from "./keel-state-config.js";
import { type HistoryEntry, type HistoryRead, TxnHistory } from "./txn-history.js";

/** A snapshot being produced incrementally at `zxid` (KeelState.snapshotInBackground). */
export interface SnapshotInProgress {
  readonly zxid: Zxid;
  readonly chunks: Generator<Uint8Array>;
  release(): void;
}

/** What one applied log entry did: the txn header (with origin), the client's result and the node changes for watches. */
export type Applied = HistoryEntry;

export class KeelState extends KeelReads implements LeaderApplication {
  readonly config: KeelStateConfig;
  private readonly limits: TreeLimits;
  private pending: PendingChanges;
  private readonly tracker: SessionTracker;
  private readonly history: TxnHistory;
  private leading = false;
  private membershipCache: { readonly mzxid: Zxid; readonly membership: Membership } | undefined;

  constructor(config: Partial<KeelStateConfig> = {}, tree: DataTree = new DataTree()) {
    const resolved = resolveKeelStateConfig(config);
    super(tree, { superIds: resolved.superIds });
    this.config = resolved;
    this.limits = {
      dataBytesMax: resolved.dataBytesMax,
      ttlEnabled: resolved.ttlEnabled,
      aclPolicy: { superIds: resolved.superIds },
    };
    this.pending = new PendingChanges(tree);
    this.tracker = new SessionTracker({
      timeoutMinMs: resolved.sessionTimeoutMinMs,
      timeoutMaxMs: resolved.sessionTimeoutMaxMs,
      expiryBucketMs: resolved.sessionExpiryBucketMs,
    });
    this.history = new TxnHistory(resolved.historyTxnsMax, tree.lastAppliedZxid);
  }

  /** A state rebuilt from a snapshot, or the MARSHALLINGERROR that stopped it. */
  static restore(snapshot: SnapshotSource, config: Partial<KeelStateConfig> = {}): KeelState | KeelError {
    const restored = readSnapshot(snapshot);
    if (isKeelError(restored)) return restored;
    return new KeelState(config, restored.tree);
  }

  /** Replaces this state's tree in place (a follower receiving SNAP). Not while leading. */
  restore(snapshot: SnapshotSource): KeelError | undefined {
    assert(!this.leading, "restore while leading");
    const restored = readSnapshot(snapshot);
    if (isKeelError(restored)) return restored;
    this.tree = restored.tree;
    this.pending = new PendingChanges(restored.tree);
    this.history.reset(restored.zxid);
    return undefined;
  }

  get lastAppliedZxid(): Zxid {
    return this.tree.lastAppliedZxid;
  }

  get isLeading(): boolean {
    return this.leading;
  }

  // ---- LeaderApplication (zab/application.ts)

  startLeading(nowMs: number, inherited: ReadonlyMap<SessionId, number> | undefined): void {
    this.leading = true;
    this.pending.clear();
    this.tracker.clear();
    for (const { sessionId, timeoutMs } of this.tree.sessions.sorted()) {
      const expiresAtMs = inherited?.get(sessionId);
      if (expiresAtMs === undefined) this.tracker.add(sessionId, timeoutMs, nowMs);
      else this.tracker.restore(sessionId, timeoutMs, expiresAtMs, nowMs);
    }
  }

  stopLeading(): void {
    this.leading = false;
    this.pending.clear();
    this.tracker.clear();
  }

  prepare(request: Uint8Array, zxid: Zxid, nowMs: number, reconfig?: ReconfigView): Uint8Array {
    assert(this.leading, "prepare while not leading");
    const decoded = decodeRequest(request);
    if (decoded.type === "error") {
      this.pending.begin(zxid);
      const header = { sessionId: decoded.sessionId, cxid: decoded.cxid, origin: decoded.origin, timeMs: nowMs };
      return encodeTxn({ header, body: errorBody(decoded.error, []) });
    }
    return encodeTxn(this.prepareTxn(decoded.envelope, zxid, nowMs, reconfig));
  }

  /** prepare without the codec, for tests and benchmarks. */
  prepareTxn(envelope: RequestEnvelope, zxid: Zxid, nowMs: number, reconfig?: ReconfigView): Txn {
    assert(this.leading, "prepare while not leading");
    return prepareRequest(envelope, zxid, nowMs, {
      tree: this.tree,
      pending: this.pending,
      sessions: this.tracker,
      limits: this.limits,
      ...(reconfig === undefined ? {} : { reconfig }),
    });
  }

  /**
   * The membership in the applied state: the last committed change's, read from /zookeeper/config,
   * or undefined when none was ever made (the static configuration's then holds).
   */
  membership(): Membership | undefined {
    const node = this.tree.node(CONFIG_PATH);
    if (node === undefined || node.data.length === 0) return undefined;
    if (this.membershipCache?.mzxid !== node.mzxid) {
      const parsed = parseMembership(utf8Decode(node.data));
      assert(parsed !== undefined, "membership: /zookeeper/config does not parse");
      this.membershipCache = { mzxid: node.mzxid, membership: parsed };
    }
    return this.membershipCache.membership;
  }

  touchSessions(sessionIds: readonly SessionId[], nowMs: number): readonly SessionId[] {
    if (!this.leading) return sessionIds;
    return sessionIds.filter((sessionId) => !this.tracker.touch(sessionId, nowMs));
  }

  drainDeadlineChanges(nowMs: number, countMax: number): SessionDeadline[] {
    return this.leading ? this.tracker.drainChanges(nowMs, countMax) : [];
  }

  sessionDeadlines(nowMs: number): SessionDeadline[] {
    return this.leading ? this.tracker.deadlines(nowMs) : [];
  }

  /**
   * expireSession for sessions past their timeout first, then deletes of empty containers and expired TTL
   * nodes as the pending view sees them (so one already proposed is not proposed again).
   */
  housekeeping(nowMs: number, countMax: number): Uint8Array[] {
    if (!this.leading || countMax <= 0) return [];
    const out: Uint8Array[] = [];
    for (const sessionId of this.tracker.expired(nowMs, countMax)) {
      out.push(systemRequest({ type: "expireSession" }, sessionId));
    }
    for (const path of this.tree.containers()) {
      if (out.length >= countMax) return out;
      const view = this.pending.view(path);
      if (view?.kind === "container" && view.numChildren === 0 && view.cversion > 0) {
        out.push(systemRequest({ type: "deleteContainer", path }, SESSION_NONE));
      }
    }
    for (const path of this.tree.ttlNodes()) {
      if (out.length >= countMax) return out;
      const view = this.pending.view(path);
      if (view?.kind === "ttl" && view.numChildren === 0 && nowMs - view.mtime > view.ttlMs) {
        out.push(systemRequest({ type: "expireTtl", path }, SESSION_NONE));
      }
    }
    return out;
  }

  /** Deadline of a session on the leader (undefined when not leading or not open). */
  sessionExpiresAtMs(sessionId: SessionId): number | undefined {
    return this.tracker.expiresAtMs(sessionId);
  }

  // ---- apply (every replica)

  apply(entry: LogEntry): Applied {
    const txn = decodeTxn(entry.txn);
    // Logged bytes were encoded by a leader and checksummed by storage: failing to decode them is corruption.
    assert(!isKeelError(txn), () => `apply ${entry.zxid}: undecodable txn: ${isKeelError(txn) ? txn.message : ""}`);
    return this.applyTxn(txn, entry.zxid);
  }

  /** apply without the codec, for tests and benchmarks. */
  applyTxn(txn: Txn, zxid: Zxid): Applied {
    const ended = txn.body.type === "closeSession" ? this.tree.sessions.get(txn.header.sessionId) : undefined;
    const outcome = this.tree.apply(txn, zxid);
    this.pending.dropThrough(zxid);
    if (txn.body.type === "closeSession") this.tracker.remove(txn.header.sessionId);
    const applied: Applied = {
      zxid,
      header: txn.header,
      txnType: txn.body.type,
      result: outcome.result,
      changes: outcome.changes,
      ...(txn.body.type === "closeSession" ? { sessionEnd: txn.body.reason } : {}),
      ...(ended?.clientAddress === undefined ? {} : { clientAddress: ended.clientAddress }),
    };
    this.history.push(applied);
    return applied;
  }

  // ---- snapshots, digest, history

  snapshot(): Snapshot {
    return writeSnapshot(this.tree);
  }

  /** Chunks one at a time, to spread a big snapshot over event-loop turns; consume before the next apply. */
  snapshotChunks(chunkBytesTarget?: number): Generator<Uint8Array> {
    return snapshotChunks(this.tree, chunkBytesTarget);
  }

  /**
   * A snapshot of the state as it is now, produced chunk by chunk while later txns keep applying
   * (a copy-on-write view of the tree: tree/tree-capture.ts). `release` must be called when done
   * or abandoned. The host spreads `chunks` over event-loop turns (docs/storage.md).
   */
  snapshotInBackground(chunkBytesTarget?: number): SnapshotInProgress {
    const capture = this.tree.capture();
    return {
      zxid: capture.lastAppliedZxid,
      chunks: snapshotChunks(capture, chunkBytesTarget),
      release: () => capture.release(),
    };
  }

  digest(): string {
    return treeDigest(this.tree);
  }

  /** Applied txns after `zxid`, to resume a watch stream, or tooOld when history no longer reaches back. */
  historyAfter(zxid: Zxid, countMax?: number): HistoryRead {
    return this.history.after(zxid, countMax);
  }

  /** The oldest zxid history-based streams can resume after (every later applied txn is kept). */
  get historyFloorZxid(): Zxid {
    return this.history.floorZxid;
  }

  get pendingChangeCount(): number {
    return this.pending.size;
  }
}

function systemRequest(request: ClientRequest, sessionId: SessionId): Uint8Array {
  return encodeRequest({ sessionId, cxid: 0, origin: ORIGIN_NONE, auth: [], request });
}

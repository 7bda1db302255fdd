/**
 * The simulator's replicated application: a hash chain over applied txns (so two replicas with the
 * same state hold the same history) and a tiny session table on the leader side that expires
 * sessions and proposes closeSession, exercising LeaderApplication.housekeeping.
 * TODO(sim): a mode that runs the real znode app (packages/core/src/app) once it exists.
 */
import { assert } from "../assert.js";
import { ByteReader, ByteWriter } from "../codec/bytes.js";
import { crc32c } from "../codec/crc32c.js";
import type { SessionId, Zxid } from "../ids.js";
import { ZXID_ZERO } from "../ids.js";
import type { SessionDeadline } from "../sessions/session-deadlines.js";
import type { LeaderApplication } from "../zab/application.js";
import type { LogEntry, Snapshot } from "../zab/io.js";

export const REQUEST_WRITE = 1;
export const REQUEST_CLOSE_SESSION = 2;

export interface SimRequest {
  readonly kind: number;
  readonly origin: number;
  readonly requestId: number;
  readonly session: bigint;
}

export function encodeRequest(request: SimRequest): Uint8Array {
  return new ByteWriter(24).u8(request.kind).u32(request.origin).u32(request.requestId).u64(request.session).finish();
}

export function decodeRequest(bytes: Uint8Array): SimRequest {
  const r = new ByteReader(bytes);
  const request = { kind: r.u8(), origin: r.u32(), requestId: r.u32(), session: r.u64() };
  assert(r.done, "sim: malformed request");
  return request;
}

/** txn = zxid it was prepared for, then the request: lets the checker verify integrity. */
export function txnZxid(txn: Uint8Array): Zxid {
  return new ByteReader(txn).u64() as Zxid;
}

export function txnRequest(txn: Uint8Array): SimRequest {
  return decodeRequest(txn.subarray(16));
}

export const HASH_INITIAL = 0x1234_5678;
/** Chunks of the hash-chain state in a simulated snapshot. */
export const SIM_SNAPSHOT_CHUNKS = 8;

export function chainHash(previous: number, entry: LogEntry): number {
  return crc32c(entry.txn, previous ^ Number(entry.zxid & 0xffff_ffffn));
}

export class SimStateMachine {
  count = 0;
  hash = HASH_INITIAL;
  lastZxid: Zxid = ZXID_ZERO;

  apply(entry: LogEntry): void {
    assert(entry.zxid > this.lastZxid, "sim state machine: zxids must strictly increase");
    this.hash = chainHash(this.hash, entry);
    this.count += 1;
    this.lastZxid = entry.zxid;
  }

  /** 16 bytes in SIM_SNAPSHOT_CHUNKS chunks of 2 bytes: a SNAP of them streams through the window several times. */
  snapshot(): Snapshot {
    const bytes = new ByteWriter(24).u32(this.count).u32(this.hash).u64(this.lastZxid).finish();
    const chunks = Array.from({ length: SIM_SNAPSHOT_CHUNKS }, (_, i) => bytes.slice(2 * i, 2 * i + 2));
    return { zxid: this.lastZxid, chunks };
  }

  /** Reads the first SIM_SNAPSHOT_CHUNKS chunks (the keel mode appends KeelState's chunks after them). */
  static fromSnapshot(snapshot: Snapshot | undefined): SimStateMachine {
    const sm = new SimStateMachine();
    if (snapshot === undefined) return sm;
    const chunks = snapshot.chunks.slice(0, SIM_SNAPSHOT_CHUNKS);
    const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    const r = new ByteReader(bytes);
    sm.count = r.u32();
    sm.hash = r.u32();
    sm.lastZxid = r.u64() as Zxid;
    assert(r.done && sm.lastZxid === snapshot.zxid, "sim: malformed snapshot");
    return sm;
  }
}

export class SimApplication implements LeaderApplication {
  private readonly touched = new Map<SessionId, number>();
  leading = false;

  constructor(private readonly sessionTimeoutMs: number) {}

  /** Inherited deadlines are the real app's business (KeelState, which the keel mode runs); here every session restarts. */
  startLeading(nowMs: number): void {
    assert(!this.leading, "sim app: startLeading twice");
    this.leading = true;
    for (const session of this.touched.keys()) this.touched.set(session, nowMs);
  }

  stopLeading(): void {
    assert(this.leading, "sim app: stopLeading without startLeading");
    this.leading = false;
  }

  prepare(request: Uint8Array, zxid: Zxid, nowMs: number): Uint8Array {
    assert(this.leading, "sim app: prepare while not leading");
    return new ByteWriter(request.length + 16).u64(zxid).f64(nowMs).raw(request).finish();
  }

  touchSessions(sessionIds: readonly SessionId[], nowMs: number): readonly SessionId[] {
    for (const session of sessionIds) this.touched.set(session, nowMs);
    return [];
  }

  drainDeadlineChanges(): SessionDeadline[] {
    return [];
  }

  sessionDeadlines(): SessionDeadline[] {
    return [];
  }

  housekeeping(nowMs: number, countMax: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const [session, touchedMs] of this.touched) {
      if (out.length >= countMax) break;
      if (nowMs - touchedMs <= this.sessionTimeoutMs) continue;
      this.touched.delete(session);
      out.push(encodeRequest({ kind: REQUEST_CLOSE_SESSION, origin: 0, requestId: 0, session }));
    }
    return out;
  }
}

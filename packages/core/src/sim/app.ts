/**
 * The simulator's replicated application: a hash chain over applied txns (so two replicas with the
 * same state hold the same history), a tiny session table on the leader side that expires
 * sessions and proposes closeSession, exercising LeaderApplication.housekeeping, and membership
 * changes: a reconfig request carries the full new member list, the leader judges it with the
 * real app's rules (tree/prepare-reconfig.ts) and the state machine remembers the last one applied
 * (docs/protocol.md §8, "Membership changes"). The real znode app runs in keel mode (keel-mode.ts).
 */
import { assert } from "../assert.js";
import { ByteReader, ByteWriter } from "../codec/bytes.js";
import { crc32c } from "../codec/crc32c.js";
import type { PeerId, SessionId, Zxid } from "../ids.js";
import { ZXID_ZERO } from "../ids.js";
import type { SessionDeadline } from "../sessions/session-deadlines.js";
import type { LeaderApplication, ReconfigView } from "../zab/application.js";
import type { LogEntry, Snapshot } from "../zab/io.js";
import { type Member, type MemberRole, type Membership, membershipProblem, votersOf } from "../zab/membership.js";
import { isQuorum } from "../zab/quorum.js";

export const REQUEST_WRITE = 1;
export const REQUEST_CLOSE_SESSION = 2;
/** A membership change: the full new member list, judged by the leader at prepare. */
export const REQUEST_RECONFIG = 3;
/** A membership change the leader refused (`reconfigRefusal`): replicated as a no-op, like an error txn. */
export const REQUEST_RECONFIG_REFUSED = 4;

/** Where a txn's request starts: after the zxid it was prepared for and the leader's clock. */
const TXN_REQUEST_OFFSET = 16;

/** A member as the sim app replicates it: ZAB reads only ids and roles. */
export interface SimMember {
  readonly id: PeerId;
  readonly role: MemberRole;
}

export interface SimReconfig {
  /** The membership version the change was made against (a stale one is refused, like BADVERSION). */
  readonly fromVersion: Zxid;
  readonly members: readonly SimMember[];
}

export interface SimRequest {
  readonly kind: number;
  readonly origin: number;
  readonly requestId: number;
  readonly session: bigint;
  /** REQUEST_RECONFIG and REQUEST_RECONFIG_REFUSED only. */
  readonly reconfig?: SimReconfig;
}

const ROLE_CODES: Record<MemberRole, number> = { voter: 0, observer: 1 };

export function encodeRequest(request: SimRequest): Uint8Array {
  const w = new ByteWriter(24).u8(request.kind).u32(request.origin).u32(request.requestId).u64(request.session);
  const { reconfig } = request;
  assert(
    (reconfig !== undefined) === (request.kind === REQUEST_RECONFIG || request.kind === REQUEST_RECONFIG_REFUSED),
    "sim: a reconfig request carries its members, no other does",
  );
  if (reconfig !== undefined) {
    w.u64(reconfig.fromVersion).u8(reconfig.members.length);
    for (const member of reconfig.members) w.u8(member.id).u8(ROLE_CODES[member.role]);
  }
  return w.finish();
}

function readMembers(r: ByteReader): SimMember[] {
  return Array.from({ length: r.u8() }, () => ({
    id: r.u8() as PeerId,
    role: r.u8() === ROLE_CODES.voter ? ("voter" as const) : ("observer" as const),
  }));
}

export function decodeRequest(bytes: Uint8Array): SimRequest {
  const r = new ByteReader(bytes);
  const head = { kind: r.u8(), origin: r.u32(), requestId: r.u32(), session: r.u64() };
  const reconfig =
    head.kind === REQUEST_RECONFIG || head.kind === REQUEST_RECONFIG_REFUSED
      ? { fromVersion: r.u64() as Zxid, members: readMembers(r) }
      : undefined;
  assert(r.done, "sim: malformed request");
  return reconfig === undefined ? head : { ...head, reconfig };
}

/** ZAB reads ids and roles only; the addresses are placeholders that still parse (keel mode formats them). */
export function simMember(id: PeerId, role: MemberRole): Member {
  return { id, role, host: `sim${id}`, peerPort: 2888, clientPort: 2181 };
}

/**
 * The sim app's `MembershipSource.ofTxn`: the membership a (hash-chain) txn installs. Looks at one
 * byte before decoding anything, as ZAB calls it on every logged entry.
 */
export function simMembershipOfTxn(txn: Uint8Array): Membership | undefined {
  if (txn[TXN_REQUEST_OFFSET] !== REQUEST_RECONFIG) return undefined;
  const reconfig = txnRequest(txn).reconfig as SimReconfig;
  return { version: ZXID_ZERO, members: reconfig.members.map((m) => simMember(m.id, m.role)) };
}

/**
 * Why the leader refuses a membership change, or undefined to accept it: the real app's rules
 * (tree/prepare-reconfig.ts) on a full member list. One at a time, against the current version,
 * a usable membership, every added voter (new, or an observer promoted) synced and a quorum of
 * the new voters synced.
 */
export function reconfigRefusal(reconfig: SimReconfig, view: ReconfigView): string | undefined {
  if (view.changePending()) return "RECONFIGINPROGRESS";
  const current = view.membership();
  if (reconfig.fromVersion !== current.version) return "BADVERSION";
  const members = reconfig.members.map((m) => simMember(m.id, m.role));
  if (membershipProblem(members) !== undefined) return "BADARGUMENTS";
  const voters = members.filter((m) => m.role === "voter").map((m) => m.id);
  const currentVoters = votersOf(current);
  const added = voters.filter((id) => !currentVoters.includes(id));
  if (!added.every((id) => view.isSynced(id))) return "NEWCONFIGNOQUORUM";
  if (
    !isQuorum(
      voters,
      voters.filter((id) => view.isSynced(id)),
    )
  )
    return "NEWCONFIGNOQUORUM";
  return undefined;
}

/** txn = zxid it was prepared for, then the request: lets the checker verify integrity. */
export function txnZxid(txn: Uint8Array): Zxid {
  return new ByteReader(txn).u64() as Zxid;
}

export function txnRequest(txn: Uint8Array): SimRequest {
  return decodeRequest(txn.subarray(TXN_REQUEST_OFFSET));
}

export const HASH_INITIAL = 0x1234_5678;
/** Chunks of the hash-chain state in a simulated snapshot. */
export const SIM_SNAPSHOT_CHUNKS = 8;

export function chainHash(previous: number, entry: LogEntry): number {
  return crc32c(entry.txn, previous ^ Number(entry.zxid & 0xffff_ffffn));
}

/** Recognizes membership-changing txns: `simMembershipOfTxn`, or `membershipOfTxn` for KeelState's txns. */
export type MembershipOfTxn = (txn: Uint8Array) => Membership | undefined;

export class SimStateMachine {
  count = 0;
  hash = HASH_INITIAL;
  lastZxid: Zxid = ZXID_ZERO;
  /** The last membership applied (its version is its txn's zxid); undefined while the bootstrap one holds. */
  membership: Membership | undefined;

  constructor(private readonly membershipOf: MembershipOfTxn = simMembershipOfTxn) {}

  apply(entry: LogEntry): void {
    assert(entry.zxid > this.lastZxid, "sim state machine: zxids must strictly increase");
    this.hash = chainHash(this.hash, entry);
    this.count += 1;
    this.lastZxid = entry.zxid;
    const membership = this.membershipOf(entry.txn);
    if (membership !== undefined) this.membership = { version: entry.zxid, members: membership.members };
  }

  /**
   * 16 bytes (plus the membership, once one was applied) in SIM_SNAPSHOT_CHUNKS chunks of near-equal
   * size: a SNAP of them streams through the window several times. Without a membership the bytes
   * and chunks are exactly those from before membership changes existed.
   */
  snapshot(): Snapshot {
    const w = new ByteWriter(48).u32(this.count).u32(this.hash).u64(this.lastZxid);
    if (this.membership !== undefined) {
      w.u64(this.membership.version).u8(this.membership.members.length);
      for (const member of this.membership.members) w.u8(member.id).u8(ROLE_CODES[member.role]);
    }
    const bytes = w.finish();
    const cut = (i: number): number => Math.floor((i * bytes.length) / SIM_SNAPSHOT_CHUNKS);
    const chunks = Array.from({ length: SIM_SNAPSHOT_CHUNKS }, (_, i) => bytes.slice(cut(i), cut(i + 1)));
    return { zxid: this.lastZxid, chunks };
  }

  /** Reads the first SIM_SNAPSHOT_CHUNKS chunks (the keel mode appends KeelState's chunks after them). */
  static fromSnapshot(snapshot: Snapshot | undefined, membershipOf?: MembershipOfTxn): SimStateMachine {
    const sm = new SimStateMachine(membershipOf);
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
    if (!r.done) {
      const version = r.u64() as Zxid;
      sm.membership = { version, members: readMembers(r).map((m) => simMember(m.id, m.role)) };
    }
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

  /** A reconfig the rules refuse is proposed anyway, as a no-op (REQUEST_RECONFIG_REFUSED), like an error txn. */
  prepare(request: Uint8Array, zxid: Zxid, nowMs: number, view?: ReconfigView): Uint8Array {
    assert(this.leading, "sim app: prepare while not leading");
    const txn = new ByteWriter(request.length + TXN_REQUEST_OFFSET).u64(zxid).f64(nowMs).raw(request).finish();
    if (request[0] === REQUEST_RECONFIG) {
      assert(view !== undefined, "sim app: a reconfig needs the leader's view");
      const reconfig = decodeRequest(request).reconfig as SimReconfig;
      if (reconfigRefusal(reconfig, view) !== undefined) txn[TXN_REQUEST_OFFSET] = REQUEST_RECONFIG_REFUSED;
    }
    return txn;
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

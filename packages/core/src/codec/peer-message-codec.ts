/**
 * Binary codec for peer messages (zab/messages.ts). Layout: u8 version, u8 tag, the fields in
 * declaration order (big-endian; zxids and session ids as u64; byte strings length-prefixed), then
 * a u32 CRC-32C of everything before it. The server's transport frames these bytes. Decoding never
 * throws: bad bytes from a peer become a MARSHALLINGERROR value (style rule 5).
 */

import { unreachable } from "../assert.js";
import { ERROR_CODES, errorCodeFromNumber, type KeelError, keelError } from "../errors.js";
import type { Epoch, PeerId, SessionId, Zxid } from "../ids.js";
import {
  EPOCH_MAX,
  FORWARD_BATCH_REQUESTS_MAX,
  OBSERVERS_MAX,
  PEER_MESSAGE_BYTES_MAX,
  PROPOSAL_BATCH_ENTRIES_MAX,
  SESSION_DEADLINES_MAX,
  SESSION_TOUCHES_MAX,
  SNAPSHOT_CHUNKS_MAX,
  SNAPSHOT_TRANSFER_CHUNK_BYTES_MAX,
  VOTERS_MAX,
} from "../limits.js";
import type { SessionDeadline } from "../sessions/session-deadlines.js";
import type { LogEntry } from "../zab/io.js";
import { type Member, membershipProblem, sortedMembership } from "../zab/membership.js";
import type { ForwardedRequest, PeerMessage, PeerMessageType, PeerState, TouchStatus, Vote } from "../zab/messages.js";
import { ByteReader, ByteWriter } from "./bytes.js";
import { crc32c } from "./crc32c.js";
import { DecodeProblem, readMember, writeMember } from "./txn-common.js";

/** 2: SNAP became a header followed by SNAPCHUNK / SNAPACK (version 1 carried the whole snapshot). */
export const PEER_CODEC_VERSION = 2;

const TAGS: readonly PeerMessageType[] = [
  "NOTIFICATION",
  "FOLLOWERINFO",
  "OBSERVERINFO",
  "LEADERINFO",
  "ACKEPOCH",
  "DIFF",
  "TRUNC",
  "SNAP",
  "PROPOSAL",
  "NEWLEADER",
  "ACKNEWLEADER",
  "UPTODATE",
  "ACK",
  "COMMIT",
  "INFORM",
  "REQUEST",
  "PING",
  "PINGREPLY",
  "SYNC",
  "SYNCREPLY",
  "REQUESTREJECTED",
  "SNAPCHUNK",
  "SNAPACK",
  "TOUCH",
  "TOUCHREPLY",
];
const TOUCH_STATUSES: readonly TouchStatus[] = ["OPEN", "EXPIRED", "NOTREADY"];
const STATES: readonly PeerState[] = ["LOOKING", "FOLLOWING", "LEADING", "OBSERVING"];

export type PeerDecodeResult =
  | { readonly type: "ok"; readonly message: PeerMessage }
  | { readonly type: "error"; readonly error: KeelError };

export function encodePeerMessage(message: PeerMessage): Uint8Array {
  // Sized up front: a SNAPCHUNK or a PROPOSAL batch is megabytes, and growing the buffer by doubling
  // would copy it several times on the leader's event loop.
  const w = new ByteWriter(encodedSizeHint(message));
  w.u8(PEER_CODEC_VERSION).u8(TAGS.indexOf(message.type));
  if (message.type !== "NOTIFICATION") w.u32(message.connection).u32(message.seq);
  writeBody(w, message);
  return w.u32(crc32c(w.written())).finish();
}

/** Per-item overhead allowance: a zxid or request id, a length prefix, a little slack. */
const ITEM_OVERHEAD_BYTES = 16;

/** Close to the encoded size (never required to be exact: the writer grows when short). */
function encodedSizeHint(message: PeerMessage): number {
  const fixed = 64;
  switch (message.type) {
    case "PROPOSAL":
    case "INFORM":
      return message.entries.reduce((sum, entry) => sum + entry.txn.length + ITEM_OVERHEAD_BYTES, fixed);
    case "REQUEST":
      return message.requests.reduce((sum, forwarded) => sum + forwarded.request.length + ITEM_OVERHEAD_BYTES, fixed);
    case "SNAPCHUNK":
      return fixed + message.data.length;
    case "PINGREPLY":
      return fixed + 8 * message.sessions.length;
    case "PING":
      return fixed + 16 * message.deadlines.length;
    case "ACKEPOCH":
      return fixed + 16 * (message.deadlines?.length ?? 0);
    default:
      return fixed;
  }
}

function writeDeadlines(w: ByteWriter, deadlines: readonly SessionDeadline[]): void {
  w.u32(deadlines.length);
  for (const { session, remainingMs } of deadlines) w.u64(session).f64(remainingMs);
}

/** null when the count is out of bounds (a malformed frame). */
function readDeadlines(r: ByteReader): SessionDeadline[] | null {
  const count = r.u32();
  if (count > SESSION_DEADLINES_MAX) return null;
  const deadlines: SessionDeadline[] = [];
  for (let i = 0; i < count && r.ok; i++) deadlines.push({ session: r.u64() as SessionId, remainingMs: r.f64() });
  return deadlines;
}

function writeEntries(w: ByteWriter, entries: readonly LogEntry[]): void {
  w.u32(entries.length);
  for (const entry of entries) w.u64(entry.zxid).bytes(entry.txn);
}

function writeBody(w: ByteWriter, m: PeerMessage): void {
  switch (m.type) {
    case "NOTIFICATION":
      w.u8(m.vote.leader).u64(m.vote.zxid).u32(m.vote.peerEpoch).u32(m.electionEpoch).u8(STATES.indexOf(m.state));
      // Optional tail (issue 22): only once a membership change was committed, so a build that
      // predates it still reads every notification of an ensemble that never changed.
      if (m.membership !== undefined) {
        w.u64(m.membership.version).u32(m.membership.members.length);
        for (const member of m.membership.members) writeMember(w, member);
      }
      return;
    case "FOLLOWERINFO":
    case "OBSERVERINFO":
      w.u32(m.acceptedEpoch);
      return;
    case "LEADERINFO":
      w.u32(m.newEpoch);
      return;
    case "ACKEPOCH":
      w.u32(m.currentEpoch)
        .u64(m.lastZxid)
        .u8(m.fresh ? 1 : 0)
        .u8(m.deadlines === undefined ? 0 : 1);
      if (m.deadlines !== undefined) writeDeadlines(w, m.deadlines);
      return;
    case "DIFF":
    case "TRUNC":
    case "ACK":
    case "COMMIT":
      w.u64(m.zxid);
      return;
    case "SNAP":
      w.u64(m.snapshot.zxid).u32(m.snapshot.chunkCount).u64(BigInt(m.snapshot.bytesTotal)).u32(m.snapshot.checksum);
      return;
    case "SNAPCHUNK":
      w.u32(m.index).bytes(m.data);
      return;
    case "SNAPACK":
      w.u32(m.index);
      return;
    case "PROPOSAL":
    case "INFORM":
      writeEntries(w, m.entries);
      return;
    case "NEWLEADER":
      w.u32(m.epoch).u64(m.zxid);
      return;
    case "ACKNEWLEADER":
      w.u32(m.epoch);
      return;
    case "UPTODATE":
      w.u64(m.committedZxid);
      return;
    case "REQUEST":
      w.u32(m.requests.length);
      for (const forwarded of m.requests) w.f64(forwarded.requestId).bytes(forwarded.request);
      return;
    case "REQUESTREJECTED":
      w.f64(m.requestId).i32(ERROR_CODES[m.code]);
      return;
    case "PING":
      w.u32(m.round).u8(m.full ? 1 : 0);
      writeDeadlines(w, m.deadlines);
      return;
    case "PINGREPLY":
      w.u32(m.round).u32(m.sessions.length);
      for (const session of m.sessions) w.u64(session);
      return;
    case "SYNC":
      w.u32(m.syncId);
      return;
    case "SYNCREPLY":
      w.u32(m.syncId).u64(m.zxid);
      return;
    case "TOUCH":
      w.u32(m.touchId).u64(m.session);
      return;
    case "TOUCHREPLY":
      w.u32(m.touchId).u8(TOUCH_STATUSES.indexOf(m.status));
      return;
    default:
      unreachable(m);
  }
}

function bad(reason: string): PeerDecodeResult {
  return { type: "error", error: keelError("MARSHALLINGERROR", `peer message: ${reason}`) };
}

export function decodePeerMessage(bytes: Uint8Array): PeerDecodeResult {
  if (bytes.length < 6) return bad("too short");
  if (bytes.length > PEER_MESSAGE_BYTES_MAX) return bad("too large");
  const body = bytes.subarray(0, bytes.length - 4);
  const crc = new DataView(bytes.buffer, bytes.byteOffset + body.length, 4).getUint32(0);
  if (crc32c(body) !== crc) return bad("checksum mismatch");
  const r = new ByteReader(body);
  const version = r.u8();
  if (version !== PEER_CODEC_VERSION) return bad(`unknown version ${version}`);
  const type = TAGS[r.u8()];
  if (type === undefined) return bad("unknown tag");
  const message = type === "NOTIFICATION" ? readNotification(r) : readLinkMessage(r, type);
  if (message === undefined || !r.done) return bad(`malformed ${type}`);
  return { type: "ok", message };
}

function readNotification(r: ByteReader): PeerMessage | undefined {
  const leader = r.u8();
  const vote: Vote = { leader: leader as PeerId, zxid: r.u64() as Zxid, peerEpoch: readEpoch(r) };
  const electionEpoch = r.u32();
  const state = STATES[r.u8()];
  if (state === undefined || leader < 1) return undefined;
  if (r.done) return { type: "NOTIFICATION", vote, electionEpoch, state };
  const version = r.u64() as Zxid;
  const count = r.u32();
  if (count > VOTERS_MAX + OBSERVERS_MAX) return undefined;
  const problem = new DecodeProblem();
  const members: Member[] = [];
  for (let i = 0; i < count && r.ok && problem.message === undefined; i++) members.push(readMember(r, problem));
  if (!r.ok || problem.message !== undefined || membershipProblem(members) !== undefined) return undefined;
  return { type: "NOTIFICATION", vote, electionEpoch, state, membership: sortedMembership(version, members) };
}

function readEntries(r: ByteReader): LogEntry[] | undefined {
  const count = r.u32();
  if (count > PROPOSAL_BATCH_ENTRIES_MAX) return undefined;
  const entries: LogEntry[] = [];
  for (let i = 0; i < count && r.ok; i++) {
    const zxid = r.u64() as Zxid;
    entries.push({ zxid, txn: r.bytes(PEER_MESSAGE_BYTES_MAX).slice() });
  }
  return entries;
}

/** An epoch above EPOCH_MAX cannot be stored (its zxids would not fit SQLite's signed integer): malformed. */
function readEpoch(r: ByteReader): Epoch {
  const epoch = r.u32();
  if (epoch > EPOCH_MAX) r.ok = false;
  return epoch as Epoch;
}

function readLinkMessage(r: ByteReader, type: Exclude<PeerMessageType, "NOTIFICATION">): PeerMessage | undefined {
  const link = { connection: r.u32(), seq: r.u32() };
  switch (type) {
    case "FOLLOWERINFO":
    case "OBSERVERINFO":
      return { type, ...link, acceptedEpoch: readEpoch(r) };
    case "LEADERINFO":
      return { type, ...link, newEpoch: readEpoch(r) };
    case "ACKEPOCH": {
      const currentEpoch = readEpoch(r);
      const lastZxid = r.u64() as Zxid;
      const fresh = r.u8() === 1;
      const deadlines = r.u8() === 1 ? readDeadlines(r) : undefined;
      return deadlines === null ? undefined : { type, ...link, currentEpoch, lastZxid, fresh, deadlines };
    }
    case "DIFF":
    case "TRUNC":
    case "ACK":
    case "COMMIT":
      return { type, ...link, zxid: r.u64() as Zxid };
    case "SNAP": {
      const zxid = r.u64() as Zxid;
      const chunkCount = r.u32();
      const bytesTotal = r.u64();
      const checksum = r.u32();
      if (chunkCount > SNAPSHOT_CHUNKS_MAX || bytesTotal > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
      return { type, ...link, snapshot: { zxid, chunkCount, bytesTotal: Number(bytesTotal), checksum } };
    }
    case "SNAPCHUNK": {
      const index = r.u32();
      return { type, ...link, index, data: r.bytes(SNAPSHOT_TRANSFER_CHUNK_BYTES_MAX).slice() };
    }
    case "SNAPACK":
      return { type, ...link, index: r.u32() };
    case "PROPOSAL":
    case "INFORM": {
      const entries = readEntries(r);
      return entries === undefined ? undefined : { type, ...link, entries };
    }
    case "NEWLEADER":
      return { type, ...link, epoch: readEpoch(r), zxid: r.u64() as Zxid };
    case "ACKNEWLEADER":
      return { type, ...link, epoch: readEpoch(r) };
    case "UPTODATE":
      return { type, ...link, committedZxid: r.u64() as Zxid };
    case "REQUEST": {
      const count = r.u32();
      if (count > FORWARD_BATCH_REQUESTS_MAX) return undefined;
      const requests: ForwardedRequest[] = [];
      for (let i = 0; i < count && r.ok; i++) {
        requests.push({ requestId: r.f64(), request: r.bytes(PEER_MESSAGE_BYTES_MAX).slice() });
      }
      return { type, ...link, requests };
    }
    case "REQUESTREJECTED": {
      const requestId = r.f64();
      const code = errorCodeFromNumber(r.i32());
      return code === undefined ? undefined : { type, ...link, requestId, code };
    }
    case "PING": {
      const round = r.u32();
      const full = r.u8() === 1;
      const deadlines = readDeadlines(r);
      return deadlines === null ? undefined : { type, ...link, round, full, deadlines };
    }
    case "PINGREPLY": {
      const round = r.u32();
      const count = r.u32();
      if (count > SESSION_TOUCHES_MAX) return undefined;
      const sessions: SessionId[] = [];
      for (let i = 0; i < count && r.ok; i++) sessions.push(r.u64() as SessionId);
      return { type, ...link, round, sessions };
    }
    case "SYNC":
      return { type, ...link, syncId: r.u32() };
    case "SYNCREPLY":
      return { type, ...link, syncId: r.u32(), zxid: r.u64() as Zxid };
    case "TOUCH":
      return { type, ...link, touchId: r.u32(), session: r.u64() as SessionId };
    case "TOUCHREPLY": {
      const touchId = r.u32();
      const status = TOUCH_STATUSES[r.u8()];
      return status === undefined ? undefined : { type, ...link, touchId, status };
    }
    default:
      return unreachable(type);
  }
}

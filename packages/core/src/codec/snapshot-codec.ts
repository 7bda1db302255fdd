/**
 * Snapshots of the replicated state (tree + session table) in self-contained chunks, so a caller
 * can write, store, send and restore a big tree a chunk per event-loop turn. Each chunk is
 *   u8 chunk type | body | u32 CRC-32C of (type + body)
 * Types: 1 header (u8 format version, u64 zxid), 2 nodes (u32 count, node records), 3 sessions
 * (u32 count, records), 4 end (u32 node total, u32 session total). Nodes are written depth-first
 * with children sorted, so parents precede children and the bytes are canonical: two replicas
 * with equal state produce equal snapshots (digest.ts hashes exactly these bytes).
 *
 * Format 2 (written since the start-up work of issue 16; format 1 is still read) makes a node
 * record cheaper to write, to store and above all to restore:
 *   string path | u8 kind | u8 flags | bytes data | u32 ACL ref [ACL when the ref is new] |
 *   u64 czxid [u64 mzxid] [u64 pzxid] | f64 ctime [f64 mtime] | i32 version cversion aversion |
 *   [u64 ephemeralOwner] [f64 ttlMs]
 * A bracketed field is present only when its flag says it differs from its default (mzxid and
 * pzxid from czxid, mtime from ctime, owner and TTL from 0): most nodes are leaves never changed,
 * and a restored node then shares one zxid value for all three, as a node applied live does.
 * ACLs are numbered in order of first appearance: a ref equal to the count so far introduces the
 * next ACL inline; the reader interns each once instead of once per node (ZooKeeper's snapshot
 * keeps a table of ACLs for the same reason). Format 1 wrote every field and the full ACL per node.
 *
 * Format 3 (the console) appends to each session record a u8 of flags and, when flagged, the
 * f64 time the session was created and the string address its client connected from. Formats 1
 * and 2 read with neither known. Node records are the same as in format 2.
 *
 * The chunk generator reads what it is given: a live DataTree must not change until the generator
 * is done; a TreeCapture (tree/tree-capture.ts) stays consistent while the live tree applies txns,
 * so the host can spread a big snapshot over many event-loop turns.
 */
import { type KeelError, keelError } from "../errors.js";
import type { SessionId, Zxid } from "../ids.js";
import { CLIENT_ADDRESS_BYTES_MAX, SNAPSHOT_CHUNK_BYTES_TARGET, TXN_BYTES_MAX } from "../limits.js";
import type { SessionRecord } from "../sessions/session-table.js";
import type { Acl } from "../tree/acl.js";
import { DataTree } from "../tree/data-tree.js";
import { childPath } from "../tree/path.js";
import type { SnapshotSourceTree } from "../tree/tree-capture.js";
import { type Stat, Znode } from "../tree/znode.js";
import type { Snapshot } from "../zab/io.js";
import { ByteReader, ByteWriter } from "./bytes.js";
import { crc32c } from "./crc32c.js";
import { DecodeProblem, kindCode, kindFromCode, readAcl, readPath, writeAcl } from "./txn-common.js";

/** The format this build writes. */
export const SNAPSHOT_FORMAT_VERSION = 3;
/** Every format this build reads. */
export const SNAPSHOT_FORMAT_VERSIONS_READ: readonly number[] = [1, 2, 3];
/** Format 3 session flags: which optional fields follow. */
const SESSION_FLAG = { createdAt: 1, clientAddress: 2 } as const;
const SESSION_FLAGS_KNOWN = 3;
const CHUNK = { header: 1, nodes: 2, sessions: 3, end: 4 } as const;
const SESSIONS_PER_CHUNK = 4096;
/** Format 2 node flags: which optional fields follow. */
const FLAG = { mzxid: 1, pzxid: 2, mtime: 4, owner: 8, ttl: 16 } as const;
const FLAGS_KNOWN = 31;

export function* snapshotChunks(
  tree: SnapshotSourceTree,
  chunkBytesTarget = SNAPSHOT_CHUNK_BYTES_TARGET,
): Generator<Uint8Array> {
  yield sealChunk(new ByteWriter(16).u8(CHUNK.header).u8(SNAPSHOT_FORMAT_VERSION).u64(tree.lastAppliedZxid));
  let writer = new ByteWriter(Math.min(chunkBytesTarget + 1024, 1 << 20));
  let count = 0;
  let nodeTotal = 0;
  const countAt = 1;
  const acls = new AclNumbering();
  writer.u8(CHUNK.nodes).u32(0);
  const stack = ["/"];
  while (stack.length > 0) {
    const path = stack.pop() as string;
    const node = tree.node(path);
    if (node === undefined) continue;
    writeNode(writer, path, node, acls);
    count++;
    nodeTotal++;
    const children = tree.childrenSorted(path) ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(childPath(path, children[i] as string));
    if (writer.byteLength >= chunkBytesTarget) {
      yield sealChunk(writer, countAt, count);
      writer = new ByteWriter(Math.min(chunkBytesTarget + 1024, 1 << 20));
      writer.u8(CHUNK.nodes).u32(0);
      count = 0;
    }
  }
  if (count > 0) yield sealChunk(writer, countAt, count);
  const sessions = tree.sortedSessions();
  for (let start = 0; start < sessions.length; start += SESSIONS_PER_CHUNK) {
    const part = sessions.slice(start, start + SESSIONS_PER_CHUNK);
    const sessionWriter = new ByteWriter(part.length * 64 + 8).u8(CHUNK.sessions).u32(part.length);
    for (const s of part) writeSession(sessionWriter, s);
    yield sealChunk(sessionWriter);
  }
  yield sealChunk(new ByteWriter(16).u8(CHUNK.end).u32(nodeTotal).u32(sessions.length));
}

/** The whole snapshot at once (for small trees and tests). */
export function writeSnapshot(tree: DataTree): Snapshot {
  return { zxid: tree.lastAppliedZxid, chunks: [...snapshotChunks(tree)] };
}

/**
 * Numbers ACLs in order of first appearance. The tree interns ACLs (one object per distinct
 * list), so the object is the usual key; equal lists that are distinct objects still get one
 * number, keeping the bytes canonical whatever the sharing.
 */
class AclNumbering {
  private readonly byObject = new Map<Acl, number>();
  private readonly byKey = new Map<string, number>();

  /** The ACL's number, and whether this is its first appearance (the record must carry it). */
  ref(acl: Acl): { readonly ref: number; readonly isNew: boolean } {
    const known = this.byObject.get(acl);
    if (known !== undefined) return { ref: known, isNew: false };
    const key = JSON.stringify(acl.map((e) => [e.perms, e.scheme, e.id]));
    const byKey = this.byKey.get(key);
    const ref = byKey ?? this.byKey.size;
    if (byKey === undefined) this.byKey.set(key, ref);
    this.byObject.set(acl, ref);
    return { ref, isNew: byKey === undefined };
  }
}

function writeNode(writer: ByteWriter, path: string, node: Readonly<Znode>, acls: AclNumbering): void {
  let flags = 0;
  if (node.mzxid !== node.czxid) flags |= FLAG.mzxid;
  if (node.pzxid !== node.czxid) flags |= FLAG.pzxid;
  if (node.mtime !== node.ctime) flags |= FLAG.mtime;
  if (node.ephemeralOwner !== 0n) flags |= FLAG.owner;
  if (node.ttlMs !== 0) flags |= FLAG.ttl;
  writer.string(path).u8(kindCode(node.kind)).u8(flags);
  const stored = node.storedData;
  if (typeof stored === "string") writer.latin1Bytes(stored);
  else writer.bytes(stored);
  const { ref, isNew } = acls.ref(node.acl);
  writer.u32(ref);
  if (isNew) writeAcl(writer, node.acl);
  writer.u64(node.czxid);
  if (flags & FLAG.mzxid) writer.u64(node.mzxid);
  if (flags & FLAG.pzxid) writer.u64(node.pzxid);
  writer.f64(node.ctime);
  if (flags & FLAG.mtime) writer.f64(node.mtime);
  writer.i32(node.version).i32(node.cversion).i32(node.aversion);
  if (flags & FLAG.owner) writer.u64(node.ephemeralOwner);
  if (flags & FLAG.ttl) writer.f64(node.ttlMs);
}

function writeSession(writer: ByteWriter, session: SessionRecord): void {
  writer.u64(session.sessionId).f64(session.timeoutMs).bytes(session.password);
  let flags = 0;
  if (session.createdAtMs !== undefined) flags |= SESSION_FLAG.createdAt;
  if (session.clientAddress !== undefined) flags |= SESSION_FLAG.clientAddress;
  writer.u8(flags);
  if (session.createdAtMs !== undefined) writer.f64(session.createdAtMs);
  if (session.clientAddress !== undefined) writer.string(session.clientAddress);
}

/** Appends the CRC; patches a u32 count at `countAt` first when given. */
function sealChunk(writer: ByteWriter, countAt?: number, count?: number): Uint8Array {
  const body = writer.finish();
  if (countAt !== undefined && count !== undefined) new DataView(body.buffer).setUint32(countAt, count);
  const out = new Uint8Array(body.length + 4);
  out.set(body);
  new DataView(out.buffer).setUint32(body.length, crc32c(body));
  return out;
}

/**
 * Restores chunk by chunk: `push` each chunk in order, then `finish`. Every problem (bad CRC,
 * wrong order, a node whose parent is missing) is a MARSHALLINGERROR value, never a throw.
 * Work per node is constant (no sorting, no search): a 1M-znode snapshot restores in about a
 * second (docs/performance.md).
 */
export class SnapshotReader {
  private readonly tree = new DataTree({ empty: true });
  private zxid: Zxid | undefined;
  private version = 0;
  /** Format 2: the ACLs seen so far, by number, interned in the tree. */
  private readonly acls: Acl[] = [];
  private nodeTotal = 0;
  private sessionTotal = 0;
  private ended = false;
  private failed: KeelError | undefined;

  push(chunk: Uint8Array): KeelError | undefined {
    if (this.failed !== undefined) return this.failed;
    const error = this.readChunk(chunk);
    if (error !== undefined) this.failed = keelError("MARSHALLINGERROR", `snapshot: ${error}`);
    return this.failed;
  }

  finish(): { readonly tree: DataTree; readonly zxid: Zxid } | KeelError {
    if (this.failed !== undefined) return this.failed;
    if (!this.ended || this.zxid === undefined) return keelError("MARSHALLINGERROR", "snapshot: missing end chunk");
    this.tree.restoreLastZxid(this.zxid);
    return { tree: this.tree, zxid: this.zxid };
  }

  private readChunk(chunk: Uint8Array): string | undefined {
    if (chunk.length < 5) return "chunk too short";
    const body = chunk.subarray(0, chunk.length - 4);
    const crc = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength).getUint32(chunk.length - 4);
    if (crc32c(body) !== crc) return "chunk checksum mismatch";
    if (this.ended) return "chunk after the end chunk";
    const reader = new ByteReader(body);
    const type = reader.u8();
    if ((type === CHUNK.header) !== (this.zxid === undefined)) return "header chunk must come first, once";
    const problem = this.readBody(type, reader);
    if (problem !== undefined) return problem;
    return reader.done ? undefined : "chunk has trailing or missing bytes";
  }

  private readBody(type: number, reader: ByteReader): string | undefined {
    switch (type) {
      case CHUNK.header: {
        const version = reader.u8();
        if (!SNAPSHOT_FORMAT_VERSIONS_READ.includes(version)) return `format version ${version}`;
        this.version = version;
        this.zxid = reader.u64() as Zxid;
        return undefined;
      }
      case CHUNK.nodes:
        return this.readNodes(reader);
      case CHUNK.sessions:
        return this.readSessions(reader);
      case CHUNK.end: {
        const nodes = reader.u32();
        const sessions = reader.u32();
        if (nodes !== this.nodeTotal || sessions !== this.sessionTotal) return "end chunk totals do not match";
        this.ended = true;
        return undefined;
      }
      default:
        return `unknown chunk type ${type}`;
    }
  }

  private readNodes(reader: ByteReader): string | undefined {
    const count = reader.u32();
    const problem = new DecodeProblem();
    for (let i = 0; i < count && reader.ok; i++) {
      const path = readPath(reader);
      const node = this.version === 1 ? readNodeV1(reader, problem) : this.readNodeV2(reader, problem);
      if (!reader.ok || problem.message !== undefined) return problem.message ?? "node record cut short";
      const refused = this.tree.restoreChecked(path, node);
      if (refused !== undefined) return refused;
      this.nodeTotal++;
    }
    return reader.ok ? undefined : "nodes chunk cut short";
  }

  private readNodeV2(reader: ByteReader, problem: DecodeProblem): Znode {
    const kind = kindFromCode(reader.u8(), problem);
    const flags = reader.u8();
    if ((flags & ~FLAGS_KNOWN) !== 0) problem.fail(`unknown node flags ${flags}`);
    const data = reader.bytes(TXN_BYTES_MAX);
    const acl = this.readAclRef(reader, problem);
    const czxid = reader.u64() as Zxid;
    const mzxid = flags & FLAG.mzxid ? (reader.u64() as Zxid) : czxid;
    const pzxid = flags & FLAG.pzxid ? (reader.u64() as Zxid) : czxid;
    const ctime = reader.f64();
    const mtime = flags & FLAG.mtime ? reader.f64() : ctime;
    const version = reader.i32();
    const cversion = reader.i32();
    const aversion = reader.i32();
    const owner = flags & FLAG.owner ? (reader.u64() as SessionId) : (0n as SessionId);
    const ttlMs = flags & FLAG.ttl ? reader.f64() : 0;
    return restoredNode(data, acl, kind, owner, ttlMs, {
      czxid,
      mzxid,
      pzxid,
      ctime,
      mtime,
      version,
      cversion,
      aversion,
    });
  }

  private readAclRef(reader: ByteReader, problem: DecodeProblem): Acl {
    const ref = reader.u32();
    if (ref < this.acls.length) return this.acls[ref] as Acl;
    if (ref > this.acls.length) {
      problem.fail(`ACL ref ${ref} before ACL ${this.acls.length}`);
      return [];
    }
    const acl = this.tree.internAcl(readAcl(reader, problem));
    this.acls.push(acl);
    return acl;
  }

  private readSessions(reader: ByteReader): string | undefined {
    const count = reader.u32();
    for (let i = 0; i < count && reader.ok; i++) {
      const sessionId = reader.u64() as SessionId;
      const timeoutMs = reader.f64();
      const password = reader.bytes(1024).slice();
      const extra = this.version >= 3 ? readSessionExtra(reader) : {};
      if (extra === undefined) return "unknown session flags";
      if (!reader.ok) break;
      if (this.tree.sessions.has(sessionId)) return `duplicate session ${sessionId}`;
      this.tree.sessions.add({ sessionId, timeoutMs, password, ...extra });
      this.sessionTotal++;
    }
    return reader.ok ? undefined : "sessions chunk cut short";
  }
}

/** Format 3's optional session fields; undefined for unknown flags. */
function readSessionExtra(reader: ByteReader): Pick<SessionRecord, "createdAtMs" | "clientAddress"> | undefined {
  const flags = reader.u8();
  if ((flags & ~SESSION_FLAGS_KNOWN) !== 0) return undefined;
  const createdAtMs = flags & SESSION_FLAG.createdAt ? reader.f64() : undefined;
  const clientAddress = flags & SESSION_FLAG.clientAddress ? reader.string(CLIENT_ADDRESS_BYTES_MAX) : undefined;
  return {
    ...(createdAtMs === undefined ? {} : { createdAtMs }),
    ...(clientAddress === undefined ? {} : { clientAddress }),
  };
}

/** The Stat fields a snapshot stores; the rest (owner, data length, children) come from elsewhere. */
type StatFields = Pick<Stat, "czxid" | "mzxid" | "pzxid" | "ctime" | "mtime" | "version" | "cversion" | "aversion">;

function restoredNode(
  data: Uint8Array,
  acl: Acl,
  kind: Znode["kind"],
  owner: SessionId,
  ttlMs: number,
  stat: StatFields,
): Znode {
  const node = new Znode(data, acl, kind, owner, ttlMs, stat.czxid, stat.ctime);
  node.mzxid = stat.mzxid;
  node.pzxid = stat.pzxid;
  node.mtime = stat.mtime;
  node.version = stat.version;
  node.cversion = stat.cversion;
  node.aversion = stat.aversion;
  return node;
}

/** Format 1: every field, the full ACL per node. */
function readNodeV1(reader: ByteReader, problem: DecodeProblem): Znode {
  const kind = kindFromCode(reader.u8(), problem);
  const data = reader.bytes(TXN_BYTES_MAX);
  const acl = readAcl(reader, problem);
  const czxid = reader.u64() as Zxid;
  const mzxid = reader.u64() as Zxid;
  const pzxid = reader.u64() as Zxid;
  const ctime = reader.f64();
  const mtime = reader.f64();
  const version = reader.i32();
  const cversion = reader.i32();
  const aversion = reader.i32();
  const owner = reader.u64() as SessionId;
  const ttlMs = reader.f64();
  return restoredNode(data, acl, kind, owner, ttlMs, {
    czxid,
    mzxid,
    pzxid,
    ctime,
    mtime,
    version,
    cversion,
    aversion,
  });
}

/** A snapshot whose chunks may be read lazily (from a store, one at a time). */
export interface SnapshotSource {
  readonly zxid: Zxid;
  readonly chunks: Iterable<Uint8Array>;
}

/** Restores a whole snapshot (see SnapshotReader for chunk-at-a-time). */
export function readSnapshot(snapshot: SnapshotSource): { readonly tree: DataTree; readonly zxid: Zxid } | KeelError {
  const reader = new SnapshotReader();
  for (const chunk of snapshot.chunks) {
    const error = reader.push(chunk);
    if (error !== undefined) return error;
  }
  const restored = reader.finish();
  if (!(restored instanceof Error) && restored.zxid !== snapshot.zxid) {
    return keelError("MARSHALLINGERROR", `snapshot: header zxid ${restored.zxid} differs from ${snapshot.zxid}`);
  }
  return restored;
}

/**
 * Snapshots of the replicated state (tree + session table) in self-contained chunks, so a caller
 * can write, store, send and restore a big tree a chunk per event-loop turn. Each chunk is
 *   u8 chunk type | body | u32 CRC-32C of (type + body)
 * Types: 1 header (u8 format version, u64 zxid), 2 nodes (u32 count, node records), 3 sessions
 * (u32 count, records), 4 end (u32 node total, u32 session total). Nodes are written depth-first
 * with children sorted, so parents precede children and the bytes are canonical: two replicas
 * with equal state produce equal snapshots (digest.ts hashes exactly these bytes).
 *
 * The chunk generator reads what it is given: a live DataTree must not change until the generator
 * is done; a TreeCapture (tree/tree-capture.ts) stays consistent while the live tree applies txns,
 * so the host can spread a big snapshot over many event-loop turns.
 */
import { type KeelError, keelError } from "../errors.js";
import type { SessionId, Zxid } from "../ids.js";
import { SNAPSHOT_CHUNK_BYTES_TARGET, TXN_BYTES_MAX } from "../limits.js";
import { DataTree } from "../tree/data-tree.js";
import { childPath, parentPath, validatePath } from "../tree/path.js";
import type { SnapshotSourceTree } from "../tree/tree-capture.js";
import { EMPTY_DATA, Znode } from "../tree/znode.js";
import type { Snapshot } from "../zab/io.js";
import { ByteReader, ByteWriter } from "./bytes.js";
import { crc32c } from "./crc32c.js";
import { DecodeProblem, kindCode, kindFromCode, readAcl, readPath, writeAcl } from "./txn-common.js";

export const SNAPSHOT_FORMAT_VERSION = 1;
const CHUNK = { header: 1, nodes: 2, sessions: 3, end: 4 } as const;
const SESSIONS_PER_CHUNK = 4096;

export function* snapshotChunks(
  tree: SnapshotSourceTree,
  chunkBytesTarget = SNAPSHOT_CHUNK_BYTES_TARGET,
): Generator<Uint8Array> {
  yield sealChunk(new ByteWriter(16).u8(CHUNK.header).u8(SNAPSHOT_FORMAT_VERSION).u64(tree.lastAppliedZxid));
  let writer = new ByteWriter(Math.min(chunkBytesTarget + 1024, 1 << 20));
  let count = 0;
  let nodeTotal = 0;
  const countAt = 1;
  writer.u8(CHUNK.nodes).u32(0);
  const stack = ["/"];
  while (stack.length > 0) {
    const path = stack.pop() as string;
    const node = tree.node(path);
    if (node === undefined) continue;
    writeNode(writer, path, node);
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
    const sessionWriter = new ByteWriter(part.length * 32 + 8).u8(CHUNK.sessions).u32(part.length);
    for (const s of part) sessionWriter.u64(s.sessionId).f64(s.timeoutMs).bytes(s.password);
    yield sealChunk(sessionWriter);
  }
  yield sealChunk(new ByteWriter(16).u8(CHUNK.end).u32(nodeTotal).u32(sessions.length));
}

/** The whole snapshot at once (for small trees and tests). */
export function writeSnapshot(tree: DataTree): Snapshot {
  return { zxid: tree.lastAppliedZxid, chunks: [...snapshotChunks(tree)] };
}

function writeNode(writer: ByteWriter, path: string, node: Readonly<Znode>): void {
  writer.string(path).u8(kindCode(node.kind)).bytes(node.data);
  writeAcl(writer, node.acl);
  writer.u64(node.czxid).u64(node.mzxid).u64(node.pzxid).f64(node.ctime).f64(node.mtime);
  writer.i32(node.version).i32(node.cversion).i32(node.aversion).u64(node.ephemeralOwner).f64(node.ttlMs);
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
 */
export class SnapshotReader {
  private readonly tree = new DataTree({ empty: true });
  private zxid: Zxid | undefined;
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
        if (version !== SNAPSHOT_FORMAT_VERSION) return `format version ${version}`;
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
      const kind = kindFromCode(reader.u8(), problem);
      const data = reader.bytes(TXN_BYTES_MAX);
      const acl = readAcl(reader, problem);
      const czxid = reader.u64() as Zxid;
      const node = new Znode(data.length === 0 ? EMPTY_DATA : data.slice(), acl, kind, 0n as SessionId, 0, czxid, 0);
      const fields = readNodeFields(reader, node, czxid);
      if (!reader.ok || problem.message !== undefined) return problem.message ?? "node record cut short";
      if (this.tree.nodeCount === 0 ? path !== "/" : validatePath(path) !== undefined) return `bad node path ${path}`;
      if (path !== "/" && (this.tree.node(parentPath(path)) === undefined || this.tree.node(path) !== undefined)) {
        return `node ${path} out of order`;
      }
      this.tree.restoreNode(path, fields);
      this.nodeTotal++;
    }
    return reader.ok ? undefined : "nodes chunk cut short";
  }

  private readSessions(reader: ByteReader): string | undefined {
    const count = reader.u32();
    for (let i = 0; i < count && reader.ok; i++) {
      const sessionId = reader.u64() as SessionId;
      const timeoutMs = reader.f64();
      const password = reader.bytes(1024).slice();
      if (!reader.ok) break;
      if (this.tree.sessions.has(sessionId)) return `duplicate session ${sessionId}`;
      this.tree.sessions.add({ sessionId, timeoutMs, password });
      this.sessionTotal++;
    }
    return reader.ok ? undefined : "sessions chunk cut short";
  }
}

/** Reads the fields after czxid into a node built with the right kind, owner and times. */
function readNodeFields(reader: ByteReader, draft: Znode, czxid: Zxid): Znode {
  const mzxid = reader.u64() as Zxid;
  const pzxid = reader.u64() as Zxid;
  const ctime = reader.f64();
  const mtime = reader.f64();
  const version = reader.i32();
  const cversion = reader.i32();
  const aversion = reader.i32();
  const owner = reader.u64() as SessionId;
  const ttlMs = reader.f64();
  const node = new Znode(draft.data, draft.acl, draft.kind, owner, ttlMs, czxid, ctime);
  node.mzxid = mzxid;
  node.pzxid = pzxid;
  node.mtime = mtime;
  node.version = version;
  node.cversion = cversion;
  node.aversion = aversion;
  return node;
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

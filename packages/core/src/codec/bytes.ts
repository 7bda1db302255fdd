/**
 * Minimal big-endian byte writer and reader shared by every binary codec in core (txns, peer
 * messages, snapshots). The reader never throws on bad input: callers check `ok` after decoding
 * and turn a short or malformed buffer into a typed error, because bad bytes from a peer or a
 * disk must not crash a replica by accident.
 */
import { assert } from "../assert.js";

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: false });

export class ByteWriter {
  private buffer: Uint8Array;
  private view: DataView;
  private length = 0;

  constructor(initialBytes = 256) {
    this.buffer = new Uint8Array(initialBytes);
    this.view = new DataView(this.buffer.buffer);
  }

  private reserve(bytes: number): void {
    const needed = this.length + bytes;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  u8(value: number): this {
    this.reserve(1);
    this.view.setUint8(this.length, value);
    this.length += 1;
    return this;
  }

  u32(value: number): this {
    this.reserve(4);
    this.view.setUint32(this.length, value);
    this.length += 4;
    return this;
  }

  i32(value: number): this {
    this.reserve(4);
    this.view.setInt32(this.length, value);
    this.length += 4;
    return this;
  }

  u64(value: bigint): this {
    this.reserve(8);
    this.view.setBigUint64(this.length, value);
    this.length += 8;
    return this;
  }

  /** A float64, for wall-clock milliseconds (exact for integers below 2^53). */
  f64(value: number): this {
    this.reserve(8);
    this.view.setFloat64(this.length, value);
    this.length += 8;
    return this;
  }

  /** Length-prefixed (u32) bytes. */
  bytes(value: Uint8Array): this {
    this.u32(value.length);
    this.raw(value);
    return this;
  }

  /** Length-prefixed bytes held as a one-byte string (char codes 0..255, tree/znode-data.ts). */
  latin1Bytes(value: string): this {
    this.u32(value.length);
    this.reserve(value.length);
    for (let i = 0; i < value.length; i++) this.buffer[this.length + i] = value.charCodeAt(i);
    this.length += value.length;
    return this;
  }

  raw(value: Uint8Array): this {
    this.reserve(value.length);
    this.buffer.set(value, this.length);
    this.length += value.length;
    return this;
  }

  /** Length-prefixed UTF-8 string. Encodes in place (TextEncoder.encode allocates, and dominates small txns). */
  string(value: string): this {
    this.reserve(4 + value.length * 3);
    const start = this.length + 4;
    let written = 0;
    if (value.length <= 64) {
      for (; written < value.length; written++) {
        const code = value.charCodeAt(written);
        if (code >= 0x80) break;
        this.buffer[start + written] = code;
      }
    }
    if (written < value.length) {
      written = textEncoder.encodeInto(value, this.buffer.subarray(start)).written;
    }
    this.view.setUint32(this.length, written);
    this.length = start + written;
    return this;
  }

  /** Empties the writer so one instance can encode many messages (finish() copies out). */
  reset(): this {
    this.length = 0;
    return this;
  }

  get byteLength(): number {
    return this.length;
  }

  /** A view of the bytes written so far (no copy: valid until the next write). */
  written(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  /** The written bytes (a copy, so the writer may be reused). */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Strings up to this many bytes are tried as ASCII first (most paths, ACL schemes and ids). */
const ASCII_FAST_MAX = 64;
const ASCII_SCRATCH: number[][] = Array.from({ length: ASCII_FAST_MAX + 1 }, (_, n) => new Array<number>(n).fill(0));

export class ByteReader {
  private readonly view: DataView;
  private offset = 0;
  /** False once any read ran past the end; every later read returns a zero value. */
  ok = true;

  private readonly bytesIn: Uint8Array;

  constructor(bytes: Uint8Array) {
    // A plain view even when given a Node Buffer (SQLite rows, socket frames): Buffer's subarray
    // goes through Node's species constructor, several times slower per field read.
    this.bytesIn =
      Object.getPrototypeOf(bytes) === Uint8Array.prototype
        ? bytes
        : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private take(count: number): number {
    if (!this.ok || count < 0 || this.offset + count > this.bytesIn.length) {
      this.ok = false;
      return -1;
    }
    const at = this.offset;
    this.offset += count;
    return at;
  }

  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.view.getUint8(at);
  }

  u32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.view.getUint32(at);
  }

  i32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.view.getInt32(at);
  }

  u64(): bigint {
    const at = this.take(8);
    return at < 0 ? 0n : this.view.getBigUint64(at);
  }

  f64(): number {
    const at = this.take(8);
    return at < 0 ? 0 : this.view.getFloat64(at);
  }

  /** Length-prefixed bytes, as a view into the input (no copy). `limit` guards against absurd lengths. */
  bytes(limit = Number.MAX_SAFE_INTEGER): Uint8Array {
    const length = this.u32();
    if (length > limit) {
      this.ok = false;
      return new Uint8Array(0);
    }
    const at = this.take(length);
    return at < 0 ? new Uint8Array(0) : this.bytesIn.subarray(at, at + length);
  }

  /** Length-prefixed UTF-8. Short ASCII (most paths) is decoded here: TextDecoder's per-call cost dominates small strings. */
  string(limit = Number.MAX_SAFE_INTEGER): string {
    const length = this.u32();
    if (length > limit) {
      this.ok = false;
      return "";
    }
    const at = this.take(length);
    if (at < 0) return "";
    if (length <= ASCII_FAST_MAX) {
      // Copy into a reused array of exactly this length: no view to allocate per string.
      const codes = ASCII_SCRATCH[length] as number[];
      let ascii = true;
      for (let i = 0; i < length; i++) {
        const code = this.bytesIn[at + i] as number;
        if (code >= 0x80) {
          ascii = false;
          break;
        }
        codes[i] = code;
      }
      if (ascii) return String.fromCharCode.apply(null, codes);
    }
    return textDecoder.decode(this.bytesIn.subarray(at, at + length));
  }

  get remaining(): number {
    return this.bytesIn.length - this.offset;
  }

  /** True when every byte was consumed and no read failed. */
  get done(): boolean {
    return this.ok && this.offset === this.bytesIn.length;
  }
}

export function utf8Encode(value: string): Uint8Array {
  return textEncoder.encode(value);
}

export function utf8Decode(value: Uint8Array): string {
  return textDecoder.decode(value);
}

export function utf8ByteLength(value: string): number {
  let bytes = 0;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < value.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  assert(bytes >= value.length, "utf8ByteLength: impossible length");
  return bytes;
}

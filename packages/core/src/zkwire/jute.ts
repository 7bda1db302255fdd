/**
 * Jute primitives, the serialization ZooKeeper's client protocol is made of (docs/zookeeper-wire.md
 * §2): big-endian signed ints and longs, one-byte booleans, length-prefixed buffers and strings
 * where length -1 means null, and counted vectors where count -1 means null.
 *
 * The reader never throws on bad input. It records the first failure, returns zero values from then
 * on, and bounds every declared length by the bytes actually left, so a hostile length can neither
 * crash the server nor make it allocate.
 */
import { assert } from "../assert.js";
import { ByteWriter, utf8Decode } from "../codec/bytes.js";

const INT_MIN = -0x8000_0000;
const INT_MAX = 0x7fff_ffff;

export class JuteReader {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private offset = 0;
  private failure: string | undefined;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The first failure, or undefined while every read so far fitted. */
  get error(): string | undefined {
    return this.failure;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** Records a failure found by the caller (an invalid op inside multi, …); the first one wins. */
  fail(message: string): void {
    this.failure ??= message;
  }

  /** Offset of `count` bytes to read, or -1 (and a recorded failure) when they are not there. */
  private take(count: number, field: string): number {
    if (this.failure !== undefined) return -1;
    if (count > this.remaining) {
      this.fail(`truncated: ${field} needs ${count} bytes at offset ${this.offset}, ${this.remaining} left`);
      return -1;
    }
    const at = this.offset;
    this.offset += count;
    return at;
  }

  int(field: string): number {
    const at = this.take(4, field);
    return at < 0 ? 0 : this.view.getInt32(at);
  }

  long(field: string): bigint {
    const at = this.take(8, field);
    return at < 0 ? 0n : this.view.getBigInt64(at);
  }

  /** Any non-zero byte is true, as in Java's BinaryInputArchive. */
  bool(field: string): boolean {
    const at = this.take(1, field);
    return at < 0 ? false : this.view.getUint8(at) !== 0;
  }

  /** A buffer as a copy (the frame it came from may be reused by the transport); null for length -1. */
  buffer(field: string): Uint8Array | null {
    const at = this.lengthPrefixed(field);
    if (at === null) return null;
    return this.bytes.slice(at.start, at.start + at.length);
  }

  ustring(field: string): string | null {
    const at = this.lengthPrefixed(field);
    if (at === null) return null;
    return utf8Decode(this.bytes.subarray(at.start, at.start + at.length));
  }

  /** A ustring whose record type has no null: null reads as "" (no ZooKeeper client sends it). */
  string(field: string): string {
    return this.ustring(field) ?? "";
  }

  private lengthPrefixed(field: string): { start: number; length: number } | null {
    const length = this.int(`${field} length`);
    if (this.failure !== undefined || length === -1) return null;
    if (length < 0) {
      this.fail(`negative length ${length} for ${field}`);
      return null;
    }
    const start = this.take(length, field);
    return start < 0 ? null : { start, length };
  }

  /**
   * A vector; count -1 (null) reads as empty. `elementBytesMin` is the smallest encoding of one
   * element, so a count that cannot fit in the bytes left fails before any element is read.
   */
  vector<T>(field: string, elementBytesMin: number, readElement: () => T): T[] {
    assert(elementBytesMin > 0, "JuteReader.vector: elements take at least one byte");
    const count = this.int(`${field} count`);
    if (this.failure !== undefined || count === -1) return [];
    if (count < 0) {
      this.fail(`negative count ${count} for ${field}`);
      return [];
    }
    if (count * elementBytesMin > this.remaining) {
      this.fail(`${field} declares ${count} elements, only ${this.remaining} bytes left`);
      return [];
    }
    const elements: T[] = [];
    for (let i = 0; i < count && this.failure === undefined; i++) elements.push(readElement());
    return elements;
  }
}

export class JuteWriter {
  private readonly out = new ByteWriter(128);

  int(value: number): this {
    assert(Number.isInteger(value) && value >= INT_MIN && value <= INT_MAX, () => `jute int out of range: ${value}`);
    this.out.i32(value);
    return this;
  }

  long(value: bigint): this {
    assert(BigInt.asIntN(64, value) === value, () => `jute long out of range: ${value}`);
    this.out.u64(BigInt.asUintN(64, value));
    return this;
  }

  bool(value: boolean): this {
    this.out.u8(value ? 1 : 0);
    return this;
  }

  buffer(value: Uint8Array | null): this {
    if (value === null) return this.int(-1);
    this.int(value.length).out.raw(value);
    return this;
  }

  ustring(value: string | null): this {
    if (value === null) return this.int(-1);
    this.out.string(value);
    return this;
  }

  vector<T>(values: readonly T[], writeElement: (value: T) => void): this {
    this.int(values.length);
    for (const value of values) writeElement(value);
    return this;
  }

  /** The whole frame: the 4-byte big-endian payload length, then the payload. */
  frame(): Uint8Array {
    const payload = this.out.written();
    const frame = new Uint8Array(4 + payload.length);
    new DataView(frame.buffer).setInt32(0, payload.length);
    frame.set(payload, 4);
    return frame;
  }
}

/** A decode result: bad input from a client is a value, never a throw (style rule 5). */
export type ZkDecoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

/** The reader's outcome for a value it finished reading. */
export function decodedFrom<T>(reader: JuteReader, value: T): ZkDecoded<T> {
  const error = reader.error;
  return error === undefined ? { ok: true, value } : { ok: false, error };
}

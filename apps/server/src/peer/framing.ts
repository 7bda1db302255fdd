/**
 * Length-prefixed frames on a peer TCP stream: a u32 big-endian payload length, then the payload.
 * TCP delivers bytes, not messages, so FrameDecoder reassembles frames across arbitrary read
 * boundaries, and refuses a declared length over its limit before buffering it (style rule 4): a
 * stranger or a corrupt stream cannot make us allocate gigabytes.
 */

export const frameHeaderBytes = 4;
/** The u32 length field's ceiling; limits are checked against the configured max, far below this. */
export const frameLengthFieldMax = 0xffff_ffff;

export type FrameDecodeResult =
  | { readonly type: "frames"; readonly frames: Uint8Array[] }
  /** The stream is unusable from here on: the caller closes the connection. */
  | {
      readonly type: "tooLarge";
      readonly frames: Uint8Array[];
      readonly frameBytes: number;
      readonly frameBytesMax: number;
    };

/** The 4-byte header for a payload of `payloadBytes`; sent before the payload without copying it. */
export function frameHeader(payloadBytes: number): Uint8Array {
  if (!Number.isInteger(payloadBytes) || payloadBytes < 0 || payloadBytes > frameLengthFieldMax) {
    throw new RangeError(`frameHeader: bad payload length ${payloadBytes}`);
  }
  const header = new Uint8Array(frameHeaderBytes);
  new DataView(header.buffer).setUint32(0, payloadBytes, false);
  return header;
}

/** Header and payload in one buffer (one copy); handy for small frames and tests. */
export function encodeFrame(payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(frameHeaderBytes + payload.byteLength);
  frame.set(frameHeader(payload.byteLength), 0);
  frame.set(payload, frameHeaderBytes);
  return frame;
}

export class FrameDecoder {
  /** Received chunks not yet consumed; concatenated only once a whole frame is present (no O(n²) copying). */
  private readonly chunks: Uint8Array[] = [];
  private bufferedBytes = 0;
  /** Length of the frame being assembled, once its header has arrived. */
  private pendingFrameBytes: number | undefined;
  private failed = false;

  constructor(private frameBytesMaxValue: number) {}

  get frameBytesMax(): number {
    return this.frameBytesMaxValue;
  }

  /** The handshake runs under a small limit, then the link switches to the configured one. */
  setFrameBytesMax(frameBytesMax: number): void {
    this.frameBytesMaxValue = frameBytesMax;
  }

  /** Bytes held for a partial frame (for tests and diagnostics). */
  get bufferedByteCount(): number {
    return this.bufferedBytes;
  }

  /**
   * Buffers `chunk` and returns the frames now complete, at most `framesMax` of them; the rest stay
   * buffered for the next push (an empty chunk just continues). A link's handshake takes one frame at
   * a time, so the frames that follow the handshake in the same chunk are parsed under the limit set
   * once the link is up, not the handshake's.
   */
  push(chunk: Uint8Array, framesMax = Number.POSITIVE_INFINITY): FrameDecodeResult {
    if (this.failed) throw new Error("FrameDecoder: push after a tooLarge result; the connection must be closed");
    if (chunk.byteLength > 0) {
      this.chunks.push(chunk);
      this.bufferedBytes += chunk.byteLength;
    }
    const frames: Uint8Array[] = [];
    while (frames.length < framesMax) {
      if (this.pendingFrameBytes === undefined) {
        if (this.bufferedBytes < frameHeaderBytes) break;
        const header = this.take(frameHeaderBytes);
        const frameBytes = new DataView(header.buffer, header.byteOffset, frameHeaderBytes).getUint32(0, false);
        if (frameBytes > this.frameBytesMaxValue) {
          this.failed = true;
          this.chunks.length = 0;
          this.bufferedBytes = 0;
          return { type: "tooLarge", frames, frameBytes, frameBytesMax: this.frameBytesMaxValue };
        }
        this.pendingFrameBytes = frameBytes;
      }
      if (this.bufferedBytes < this.pendingFrameBytes) break;
      frames.push(this.take(this.pendingFrameBytes));
      this.pendingFrameBytes = undefined;
    }
    return { type: "frames", frames };
  }

  /** Removes `count` bytes from the front; always returns a fresh copy so frames never pin socket buffers. */
  private take(count: number): Uint8Array {
    const out = new Uint8Array(count);
    let filled = 0;
    while (filled < count) {
      const head = this.chunks[0];
      if (head === undefined) throw new Error("FrameDecoder: buffered byte count out of sync");
      const needed = count - filled;
      if (head.byteLength <= needed) {
        out.set(head, filled);
        filled += head.byteLength;
        this.chunks.shift();
      } else {
        out.set(head.subarray(0, needed), filled);
        filled += needed;
        this.chunks[0] = head.subarray(needed);
      }
    }
    this.bufferedBytes -= count;
    return out;
  }
}

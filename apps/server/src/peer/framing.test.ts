// Checks the length-prefixed framing: any sequence of frames, cut at random points into chunks, is
// reassembled exactly (fast-check property), a declared length over the limit is refused before
// it is buffered, and frames past framesMax wait for the next push under the limit set by then.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { encodeFrame, FrameDecoder, frameHeader } from "./framing.js";

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** Splits `bytes` at the given cut points (sorted, deduplicated, clamped). */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((cut) => cut % (bytes.byteLength + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.byteLength]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

describe("FrameDecoder", () => {
  it("reassembles frames split at arbitrary points", () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (payloads, cuts) => {
          const stream = concat(payloads.map(encodeFrame));
          const decoder = new FrameDecoder(1024);
          const received: Uint8Array[] = [];
          for (const chunk of split(stream, cuts)) {
            const result = decoder.push(chunk);
            expect(result.type).toBe("frames");
            received.push(...result.frames);
          }
          expect(received.map((frame) => [...frame])).toEqual(payloads.map((payload) => [...payload]));
          expect(decoder.bufferedByteCount).toBe(0);
        },
      ),
    );
  });

  it("refuses a frame over the limit as soon as its header arrives", () => {
    const decoder = new FrameDecoder(100);
    const ok = encodeFrame(new Uint8Array(100));
    const result = decoder.push(concat([ok, frameHeader(101).subarray(0, 2)]));
    expect(result).toMatchObject({ type: "frames" });
    expect(result.frames).toHaveLength(1);
    expect(decoder.push(frameHeader(101).subarray(2))).toEqual({
      type: "tooLarge",
      frames: [],
      frameBytes: 101,
      frameBytesMax: 100,
    });
    expect(decoder.bufferedByteCount).toBe(0);
    expect(() => decoder.push(new Uint8Array(1))).toThrow(/push after a tooLarge/);
  });

  it("returns frames decoded before an oversized header in the same chunk", () => {
    const decoder = new FrameDecoder(8);
    const result = decoder.push(concat([encodeFrame(Uint8Array.of(1, 2)), frameHeader(0xffff_ffff)]));
    expect(result.type).toBe("tooLarge");
    expect(result.frames.map((frame) => [...frame])).toEqual([[1, 2]]);
  });

  it("copies frames out so they do not alias the input chunks", () => {
    const chunk = encodeFrame(Uint8Array.of(7, 8, 9));
    const [frame] = new FrameDecoder(16).push(chunk).frames;
    chunk.fill(0);
    expect([...(frame ?? [])]).toEqual([7, 8, 9]);
  });

  it("applies a raised limit to the next frame (handshake, then the configured limit)", () => {
    const decoder = new FrameDecoder(4);
    decoder.setFrameBytesMax(1000);
    expect(decoder.push(encodeFrame(new Uint8Array(1000))).frames).toHaveLength(1);
  });

  it("returns at most framesMax frames and keeps the rest, so a limit raised in between applies to them", () => {
    // A handshake frame and a big first frame in one chunk: the big one must meet the raised limit.
    const decoder = new FrameDecoder(8);
    const chunk = concat([
      encodeFrame(Uint8Array.of(1)),
      encodeFrame(new Uint8Array(100)),
      encodeFrame(Uint8Array.of(3)),
    ]);
    const first = decoder.push(chunk, 1);
    expect(first).toEqual({ type: "frames", frames: [Uint8Array.of(1)] });
    decoder.setFrameBytesMax(100);
    const rest = decoder.push(new Uint8Array(0));
    expect(rest.type).toBe("frames");
    expect(rest.frames.map((frame) => frame.byteLength)).toEqual([100, 1]);
    expect(decoder.bufferedByteCount).toBe(0);
  });
});

/** The hex view: offsets, the split after the 8th byte, printable ASCII, and the row bound. */
import { describe, expect, it } from "vitest";
import { bytesOfBase64, hexDump, looksLikeText } from "./hex-dump";

describe("hexDump", () => {
  it("dumps like hexdump -C", () => {
    const bytes = new TextEncoder().encode("Hello, Keel!\n\u0000\u00ff\u0001xyz");
    const rows = hexDump(bytes);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      offset: "00000000",
      hex: "48 65 6c 6c 6f 2c 20 4b  65 65 6c 21 0a 00 c3 bf",
      ascii: "Hello, Keel!....",
    });
    expect(rows[1]).toEqual({ offset: "00000010", hex: "01 78 79 7a", ascii: ".xyz" });
  });

  it("returns nothing for no data and bounds the rows", () => {
    expect(hexDump(new Uint8Array())).toEqual([]);
    expect(hexDump(new Uint8Array(1000), 3)).toHaveLength(3);
  });

  it("decodes base64 and tells text from binary", () => {
    expect(Array.from(bytesOfBase64("AAH/"))).toEqual([0, 1, 255]);
    expect(looksLikeText(new TextEncoder().encode('{"a": "é"}\n'))).toBe(true);
    expect(looksLikeText(new Uint8Array([0, 1, 2]))).toBe(false);
    expect(looksLikeText(new Uint8Array([0xc3]))).toBe(false);
  });
});

/**
 * The node view's hex dump: `offset | hex | ascii` rows as in `hexdump -C`, so binary data (a
 * serialised struct, a compressed blob) can be read byte by byte.
 */

export interface HexRow {
  /** Offset of the row's first byte, as 8 hex digits. */
  offset: string;
  /** The row's bytes as two-digit hex, separated by spaces, an extra space after the 8th byte. */
  hex: string;
  /** Printable ASCII as itself, everything else as ".". */
  ascii: string;
}

export const HEX_BYTES_PER_ROW = 16;

function printable(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : ".";
}

/** Rows of `bytes`, at most `rowsMax` of them (the caller says how many were left out). */
export function hexDump(bytes: Uint8Array, rowsMax = Number.POSITIVE_INFINITY): HexRow[] {
  const rows: HexRow[] = [];
  for (let start = 0; start < bytes.length && rows.length < rowsMax; start += HEX_BYTES_PER_ROW) {
    const slice = bytes.subarray(start, start + HEX_BYTES_PER_ROW);
    const hexParts: string[] = [];
    slice.forEach((byte, index) => {
      hexParts.push(byte.toString(16).padStart(2, "0"));
      if (index === 7 && slice.length > 8) hexParts.push("");
    });
    rows.push({
      offset: start.toString(16).padStart(8, "0"),
      hex: hexParts.join(" "),
      ascii: Array.from(slice, printable).join(""),
    });
  }
  return rows;
}

/** Decodes the API's base64 data into bytes (atob is in browsers and Node 20). */
export function bytesOfBase64(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** True when the bytes are valid UTF-8 without control characters other than whitespace: show as text. */
export function looksLikeText(bytes: Uint8Array): boolean {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    for (let index = 0; index < text.length; index += 1) {
      const code = text.charCodeAt(index);
      const whitespace = code === 0x09 || code === 0x0a || code === 0x0d;
      if ((code < 0x20 && !whitespace) || code === 0x7f) return false;
    }
    return true;
  } catch {
    return false;
  }
}

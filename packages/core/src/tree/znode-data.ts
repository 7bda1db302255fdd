/**
 * How a znode holds its data in memory. A tree holds millions of small values, and a Uint8Array
 * costs three heap objects (the view, its ArrayBuffer, the backing-store record) plus an
 * off-heap allocation: about 300 bytes before the first byte of data. A one-byte ("Latin-1")
 * string holds the same bytes in one heap object with a 16-byte header, so values up to
 * INLINE_DATA_BYTES_MAX are stored as strings whose char codes are the bytes (0..255). Bigger
 * values stay Uint8Arrays: their header is small next to them, and reading them back as a
 * string would cost a copy per read that is no longer small.
 */

/** Values up to this size are stored as one-byte strings. */
export const INLINE_DATA_BYTES_MAX = 1024;

/** A znode's data as stored: a one-byte string (small values) or a private Uint8Array copy. */
export type StoredData = string | Uint8Array;

export const EMPTY_STORED_DATA: StoredData = "";
/** Shared by every empty value: a zero-length array cannot be written to. */
export const EMPTY_DATA = new Uint8Array(0);

/** Copies `bytes` into the stored form (the caller's array is never kept, so it may be reused). */
export function storeData(bytes: Uint8Array): StoredData {
  if (bytes.length === 0) return EMPTY_STORED_DATA;
  if (bytes.length > INLINE_DATA_BYTES_MAX) return bytes.slice();
  // fromCharCode of codes 0..255 gives a one-byte string: one byte of heap per data byte.
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** The bytes of stored data: a fresh copy for small values, the stored (shared, read-only) array for big ones. */
export function loadData(stored: StoredData): Uint8Array {
  if (typeof stored !== "string") return stored;
  if (stored.length === 0) return EMPTY_DATA;
  const bytes = new Uint8Array(stored.length);
  for (let i = 0; i < stored.length; i++) bytes[i] = stored.charCodeAt(i);
  return bytes;
}

export function storedDataLength(stored: StoredData): number {
  return stored.length;
}

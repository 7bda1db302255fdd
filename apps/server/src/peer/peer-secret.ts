/**
 * The shared peer secret's file format: the secret's bytes, surrounding whitespace ignored (so
 * `openssl rand -hex 32 > peer.secret` works as is). A secret shorter than 32 bytes is refused:
 * HMAC-SHA256 gets no stronger than its key, and a short, typed secret invites guessing.
 */

export const peerSecretBytesMin = 32;
/** A secret file is a few dozen bytes; anything bigger is the wrong file. */
export const peerSecretFileBytesMax = 4096;

/** How an operator makes one; quoted in every error about a missing or short secret. */
export const peerSecretHowTo = "openssl rand -hex 32 > peer.secret && chmod 600 peer.secret";

export type PeerSecretParse =
  | { readonly type: "ok"; readonly key: Uint8Array }
  | { readonly type: "error"; readonly message: string };

export function parsePeerSecret(contents: Uint8Array): PeerSecretParse {
  if (contents.byteLength > peerSecretFileBytesMax) {
    return {
      type: "error",
      message: `is ${contents.byteLength} bytes, more than a secret file holds (≤ ${peerSecretFileBytesMax}); is it the right file?`,
    };
  }
  const key = new Uint8Array(trimWhitespace(contents));
  if (key.byteLength < peerSecretBytesMin) {
    return {
      type: "error",
      message: `holds ${key.byteLength} bytes, fewer than the ${peerSecretBytesMin} a peer secret needs (create one with: ${peerSecretHowTo})`,
    };
  }
  return { type: "ok", key };
}

/** ASCII whitespace only: the secret itself may be any bytes. */
function trimWhitespace(bytes: Uint8Array): Uint8Array {
  const isSpace = (byte: number | undefined) =>
    byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0x0b || byte === 0x0c;
  let start = 0;
  let end = bytes.byteLength;
  while (start < end && isSpace(bytes[start])) start++;
  while (end > start && isSpace(bytes[end - 1])) end--;
  return bytes.subarray(start, end);
}

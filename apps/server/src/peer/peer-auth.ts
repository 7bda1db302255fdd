/**
 * How members prove to each other that they hold the ensemble's shared peer secret: HMAC-SHA256
 * over a transcript of the handshake (docs/security.md, "Quorum authentication").
 *
 * Each side contributes a fresh random nonce, and each MAC covers both nonces, both ids and the
 * ensemble, so a MAC is only good for the one connection it was made for: a recorded handshake
 * replayed later meets a new nonce and fails. The two directions carry different labels, so the
 * acceptor's MAC can never be reflected back as the dialer's proof (or the other way round).
 * Unlike ZooKeeper's quorum SASL (CVE-2023-44981), there is no path on which a link comes up
 * without its MAC having been checked: handshake.ts only returns "accepted" after `macMatches`.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** `secret`: both ends must hold the same key. `none`: --insecure-peers, both ends must say so. */
export type PeerAuth = { readonly type: "secret"; readonly key: Uint8Array } | { readonly type: "none" };

/** Wire code of each mode, carried in the hello and the challenge so a mismatch is named, not guessed. */
export const peerAuthModeCodes = { none: 0, secret: 1 } as const;
export type PeerAuthMode = keyof typeof peerAuthModeCodes;

/** 256 bits: a nonce never repeats by chance, so no transcript (and no MAC) is ever valid twice. */
export const handshakeNonceBytes = 32;
/** HMAC-SHA256 output. */
export const handshakeMacBytes = 32;

export type MacDirection = "acceptor" | "dialer";

/** Distinct labels per direction (domain separation); neither is a prefix of the other. */
const directionLabels: Readonly<Record<MacDirection, string>> = {
  acceptor: "keel-peer-acceptor",
  dialer: "keel-peer-dialer",
};

/** Everything one handshake's MACs are bound to. */
export interface HandshakeTranscript {
  readonly protocolVersion: number;
  readonly ensembleId: string;
  readonly acceptorId: number;
  readonly dialerId: number;
  readonly dialerNonce: Uint8Array;
  readonly acceptorNonce: Uint8Array;
}

export function freshNonce(): Uint8Array {
  return new Uint8Array(randomBytes(handshakeNonceBytes));
}

/**
 * HMAC(key, label ‖ 0 ‖ version u16 ‖ ensemble length u8 ‖ ensemble ‖ acceptorId u8 ‖ dialerId u8 ‖
 * dialerNonce ‖ acceptorNonce). Every variable-length field is length-prefixed, so two different
 * transcripts never encode to the same bytes.
 */
export function handshakeMac(key: Uint8Array, direction: MacDirection, transcript: HandshakeTranscript): Uint8Array {
  if (
    transcript.dialerNonce.byteLength !== handshakeNonceBytes ||
    transcript.acceptorNonce.byteLength !== handshakeNonceBytes
  ) {
    throw new RangeError("handshakeMac: nonces must be 32 bytes");
  }
  const ensemble = Buffer.from(transcript.ensembleId, "utf8");
  const header = Buffer.alloc(2 + 1);
  header.writeUInt16BE(transcript.protocolVersion, 0);
  header.writeUInt8(ensemble.byteLength, 2);
  const mac = createHmac("sha256", key);
  mac.update(directionLabels[direction], "utf8");
  mac.update(Uint8Array.of(0));
  mac.update(header);
  mac.update(ensemble);
  mac.update(Uint8Array.of(transcript.acceptorId, transcript.dialerId));
  mac.update(transcript.dialerNonce);
  mac.update(transcript.acceptorNonce);
  return new Uint8Array(mac.digest());
}

/** Constant-time comparison of a received MAC with the one we compute, so timing leaks no prefix. */
export function macMatches(
  key: Uint8Array,
  direction: MacDirection,
  transcript: HandshakeTranscript,
  received: Uint8Array,
): boolean {
  const expected = handshakeMac(key, direction, transcript);
  return received.byteLength === expected.byteLength && timingSafeEqual(received, expected);
}

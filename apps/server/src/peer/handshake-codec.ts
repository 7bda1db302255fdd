/**
 * The three frames of the peer handshake (docs/security.md, "Quorum authentication"), before any
 * protocol frame on a link:
 *
 *   dialer → acceptor   hello      who I am, my ensemble and its membership, my auth mode, my nonce
 *   acceptor → dialer   challenge  who I am, my ensemble and its membership, my auth mode, my nonce, my MAC
 *   dialer → acceptor   proof      my MAC
 *
 * Layout (big-endian). Every frame starts with "KEEL" (4 bytes) | protocol version u16 | kind u8.
 *   hello:     serverId u8 | auth mode u8 | nonce (32) | membership (32) | ensemble id length u8 | ensemble id (UTF-8)
 *   challenge: serverId u8 | auth mode u8 | nonce (32) | mac (32) | membership (32) | ensemble id length u8 | ensemble id
 *   proof:     mac (32)
 * The membership is membership-digest.ts's digest of the sender's configured peer list.
 * In auth mode "none" (--insecure-peers) the nonce and MAC fields are zero; handshake.ts never
 * lets a mode-"none" frame through to a member that holds a secret.
 *
 * The version is read before the kind, so a peer of another protocol version (whose layout may
 * differ) is named as such rather than reported as malformed.
 */
import { membershipDigestBytes } from "./membership-digest.js";
import { handshakeMacBytes, handshakeNonceBytes, type PeerAuthMode, peerAuthModeCodes } from "./peer-auth.js";

/** 2: the authenticated three-frame handshake. 1 was a single unauthenticated hello each way. */
export const peerProtocolVersion = 2;
const magic = [0x4b, 0x45, 0x45, 0x4c] as const; // "KEEL"
const headerBytes = 4 + 2 + 1;
const ensembleIdBytesMax = 255;
const kindCodes = { hello: 1, challenge: 2, proof: 3 } as const;

export interface Hello {
  readonly type: "hello";
  readonly serverId: number;
  readonly authMode: PeerAuthMode;
  readonly nonce: Uint8Array;
  readonly membership: Uint8Array;
  readonly ensembleId: string;
}

export interface Challenge {
  readonly type: "challenge";
  readonly serverId: number;
  readonly authMode: PeerAuthMode;
  readonly nonce: Uint8Array;
  readonly mac: Uint8Array;
  readonly membership: Uint8Array;
  readonly ensembleId: string;
}

export interface Proof {
  readonly type: "proof";
  readonly mac: Uint8Array;
}

export type HandshakeFrame = Hello | Challenge | Proof;

/** The decoder's limit until a link is up, so a stranger cannot make us buffer a big frame. */
export const handshakeFrameBytesMax =
  headerBytes + 1 + 1 + handshakeNonceBytes + handshakeMacBytes + membershipDigestBytes + 1 + ensembleIdBytesMax;

export function encodeHandshakeFrame(frame: HandshakeFrame, protocolVersion = peerProtocolVersion): Uint8Array {
  const body = encodeBody(frame);
  const bytes = new Uint8Array(headerBytes + body.byteLength);
  const view = new DataView(bytes.buffer);
  bytes.set(magic, 0);
  view.setUint16(4, protocolVersion, false);
  view.setUint8(6, kindCodes[frame.type]);
  bytes.set(body, headerBytes);
  return bytes;
}

function encodeBody(frame: HandshakeFrame): Uint8Array {
  if (frame.type === "proof") {
    checkLength(frame.mac, handshakeMacBytes, "mac");
    return frame.mac;
  }
  if (!Number.isInteger(frame.serverId) || frame.serverId < 1 || frame.serverId > 255) {
    throw new RangeError(`encodeHandshakeFrame: bad server id ${frame.serverId}`);
  }
  checkLength(frame.nonce, handshakeNonceBytes, "nonce");
  const ensemble = new TextEncoder().encode(frame.ensembleId);
  if (ensemble.byteLength > ensembleIdBytesMax) throw new RangeError("encodeHandshakeFrame: ensemble id too long");
  const parts = [Uint8Array.of(frame.serverId, peerAuthModeCodes[frame.authMode]), frame.nonce];
  if (frame.type === "challenge") {
    checkLength(frame.mac, handshakeMacBytes, "mac");
    parts.push(frame.mac);
  }
  checkLength(frame.membership, membershipDigestBytes, "membership");
  parts.push(frame.membership, Uint8Array.of(ensemble.byteLength), ensemble);
  return Buffer.concat(parts);
}

function checkLength(bytes: Uint8Array, expected: number, what: string): void {
  if (bytes.byteLength !== expected) throw new RangeError(`encodeHandshakeFrame: ${what} must be ${expected} bytes`);
}

export type HandshakeFrameDecode =
  | { readonly type: "ok"; readonly frame: HandshakeFrame }
  | { readonly type: "error"; readonly reason: string };

export function decodeHandshakeFrame(bytes: Uint8Array): HandshakeFrameDecode {
  const error = (reason: string): HandshakeFrameDecode => ({ type: "error", reason });
  if (bytes.byteLength < headerBytes || magic.some((byte, index) => bytes[index] !== byte)) {
    return error("not a Keel peer handshake (bad magic)");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4, false);
  if (version !== peerProtocolVersion) {
    return error(`peer protocol version ${version}, this server speaks ${peerProtocolVersion}`);
  }
  const body = bytes.subarray(headerBytes);
  const kind = view.getUint8(6);
  if (kind === kindCodes.proof) {
    if (body.byteLength !== handshakeMacBytes) return error("malformed proof (length mismatch)");
    return { type: "ok", frame: { type: "proof", mac: body.slice() } };
  }
  if (kind !== kindCodes.hello && kind !== kindCodes.challenge) return error(`unknown handshake frame kind ${kind}`);
  const macBytes = kind === kindCodes.challenge ? handshakeMacBytes : 0;
  const fixedBytes = 1 + 1 + handshakeNonceBytes + macBytes + membershipDigestBytes + 1;
  if (body.byteLength < fixedBytes) return error("malformed handshake (truncated)");
  const ensembleBytes = body[fixedBytes - 1] ?? 0;
  if (body.byteLength !== fixedBytes + ensembleBytes) return error("malformed handshake (length mismatch)");
  const authMode = authModeOf(body[1] ?? -1);
  if (authMode === undefined) return error(`unknown peer auth mode ${body[1]}`);
  let ensembleId: string;
  try {
    ensembleId = new TextDecoder("utf-8", { fatal: true }).decode(body.subarray(fixedBytes));
  } catch {
    return error("malformed handshake (ensemble id is not UTF-8)");
  }
  const serverId = body[0] ?? 0;
  const nonce = body.slice(2, 2 + handshakeNonceBytes);
  const membershipStart = 2 + handshakeNonceBytes + macBytes;
  const membership = body.slice(membershipStart, membershipStart + membershipDigestBytes);
  if (kind === kindCodes.hello) {
    return { type: "ok", frame: { type: "hello", serverId, authMode, nonce, membership, ensembleId } };
  }
  const mac = body.slice(2 + handshakeNonceBytes, 2 + handshakeNonceBytes + handshakeMacBytes);
  return { type: "ok", frame: { type: "challenge", serverId, authMode, nonce, mac, membership, ensembleId } };
}

function authModeOf(code: number): PeerAuthMode | undefined {
  if (code === peerAuthModeCodes.none) return "none";
  if (code === peerAuthModeCodes.secret) return "secret";
  return undefined;
}

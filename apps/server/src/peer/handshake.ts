/**
 * The first frame each side sends on a peer connection: who I am and which ensemble I belong to.
 * Checking it before any protocol frame keeps a server of another ensemble, a stale config or a
 * port scanner out of the replication stream (ZooKeeper's QuorumCnxManager does the same with its
 * initial sid message).
 *
 * Layout (big-endian): "KEEL" magic (4 bytes) | protocol version u16 | server id u8 |
 * ensemble id length u8 | ensemble id (UTF-8).
 */
import type { PeerAddress } from "./peer-address.js";

export const peerProtocolVersion = 1;
const magic = [0x4b, 0x45, 0x45, 0x4c] as const; // "KEEL"
const ensembleIdBytesMax = 255;
/** The decoder's limit until the handshake is accepted, so a stranger cannot make us buffer a big frame. */
export const handshakeFrameBytesMax = 4 + 2 + 1 + 1 + ensembleIdBytesMax;

export interface Hello {
  readonly protocolVersion: number;
  readonly serverId: number;
  readonly ensembleId: string;
}

export function encodeHello(hello: Hello): Uint8Array {
  const ensemble = new TextEncoder().encode(hello.ensembleId);
  if (ensemble.byteLength > ensembleIdBytesMax) throw new RangeError("encodeHello: ensemble id too long");
  if (!Number.isInteger(hello.serverId) || hello.serverId < 1 || hello.serverId > 255) {
    throw new RangeError(`encodeHello: bad server id ${hello.serverId}`);
  }
  const bytes = new Uint8Array(8 + ensemble.byteLength);
  const view = new DataView(bytes.buffer);
  bytes.set(magic, 0);
  view.setUint16(4, hello.protocolVersion, false);
  view.setUint8(6, hello.serverId);
  view.setUint8(7, ensemble.byteLength);
  bytes.set(ensemble, 8);
  return bytes;
}

export type HelloDecode =
  | { readonly type: "ok"; readonly hello: Hello }
  | { readonly type: "error"; readonly reason: string };

export function decodeHello(bytes: Uint8Array): HelloDecode {
  if (bytes.byteLength < 8 || magic.some((byte, index) => bytes[index] !== byte)) {
    return { type: "error", reason: "not a Keel peer handshake (bad magic)" };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const ensembleBytes = view.getUint8(7);
  if (bytes.byteLength !== 8 + ensembleBytes) return { type: "error", reason: "malformed handshake (length mismatch)" };
  let ensembleId: string;
  try {
    ensembleId = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8));
  } catch {
    return { type: "error", reason: "malformed handshake (ensemble id is not UTF-8)" };
  }
  return { type: "ok", hello: { protocolVersion: view.getUint16(4, false), serverId: view.getUint8(6), ensembleId } };
}

export interface HandshakeRules {
  readonly selfId: number;
  readonly ensembleId: string;
  readonly peers: readonly PeerAddress[];
}

/**
 * `inbound`: we accepted the socket; `outbound`: we dialed `dialedId`. Only a higher id dials a lower
 * one (see peer-network.ts), so an inbound hello from a lower id breaks the tie-break and is refused.
 */
export type HandshakeDirection =
  | { readonly type: "inbound" }
  | { readonly type: "outbound"; readonly dialedId: number };

export type HandshakeCheck =
  | { readonly type: "accepted"; readonly peerId: number }
  | { readonly type: "rejected"; readonly reason: string };

export function checkHello(bytes: Uint8Array, rules: HandshakeRules, direction: HandshakeDirection): HandshakeCheck {
  const decoded = decodeHello(bytes);
  if (decoded.type === "error") return { type: "rejected", reason: decoded.reason };
  const { hello } = decoded;
  const reject = (reason: string): HandshakeCheck => ({ type: "rejected", reason });
  if (hello.protocolVersion !== peerProtocolVersion) {
    return reject(`peer protocol version ${hello.protocolVersion}, this server speaks ${peerProtocolVersion}`);
  }
  if (hello.ensembleId !== rules.ensembleId) {
    return reject(`server ${hello.serverId} belongs to ensemble "${hello.ensembleId}", not "${rules.ensembleId}"`);
  }
  if (hello.serverId === rules.selfId) return reject(`peer claims this server's own id ${rules.selfId}`);
  if (!rules.peers.some((peer) => peer.id === hello.serverId)) {
    return reject(`server ${hello.serverId} is not in the configured peer list`);
  }
  if (direction.type === "outbound" && hello.serverId !== direction.dialedId) {
    return reject(`dialed server ${direction.dialedId} but server ${hello.serverId} answered`);
  }
  if (direction.type === "inbound" && hello.serverId < rules.selfId) {
    return reject(`server ${hello.serverId} dialed server ${rules.selfId}, but only the higher id dials`);
  }
  return { type: "accepted", peerId: hello.serverId };
}

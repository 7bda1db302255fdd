/**
 * Mutual TLS on the peer port (docs/security.md, "TLS"): both ends present their certificate and
 * check the other's against the ensemble's CA, and the HMAC handshake (handshake.ts) then runs inside
 * the encrypted stream, unchanged. TLS adds what the handshake cannot: the replication stream after
 * it is confidential and integrity-protected.
 *
 * The acceptor is a `tls.Server`, not a net.Server whose sockets we wrap in `new TLSSocket(...,
 * { isServer: true })`: a hand-wrapped server socket neither enforces `rejectUnauthorized` nor sets
 * `authorized` (Node checks the client's certificate only inside tls.Server), so it would hand over
 * an unverified peer's bytes. The inbound-slot accounting still counts every raw TCP connection from
 * accept, through the server's `connection` event (peer-network.ts), so a flood of TLS handshakes
 * is bounded like a flood of silent sockets.
 */
import type { Socket } from "node:net";
import {
  createServer as createTlsServer,
  type TLSSocket,
  type Server as TlsServer,
  connect as tlsConnect,
} from "node:tls";
import type { TlsMaterial } from "../tls-material.js";

/** Listens for peers: requires a client certificate signed by the CA and closes any other before a byte is read. */
export function createPeerTlsServer(material: TlsMaterial): TlsServer {
  return createTlsServer({ ...credentials(material), requestCert: true, rejectUnauthorized: true, noDelay: true });
}

/**
 * Dials a peer: its certificate must be signed by the CA and name `host` (the member's configured
 * host: an IP address must be in the certificate's subjectAltName as `IP:…`, a name as `DNS:…`).
 */
export function dialPeerTls(host: string, port: number, material: TlsMaterial): TLSSocket {
  const socket = tlsConnect({ host, port, ...credentials(material), rejectUnauthorized: true });
  socket.setNoDelay(true);
  return socket;
}

function credentials(material: TlsMaterial): { cert: Buffer; key: Buffer; ca: Buffer } {
  if (material.ca === undefined) throw new Error("peer TLS needs a CA bundle (config.ts requires --tls-ca-file)");
  return { cert: material.cert, key: material.key, ca: material.ca };
}

/** OpenSSL's certificate verification results, as Node reports them in `error.code`. */
const certificateCodes = new Set([
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "CERT_REVOKED",
  "INVALID_CA",
  "INVALID_PURPOSE",
  "HOSTNAME_MISMATCH",
]);

/**
 * Why a TLS connection failed, when it was TLS that failed: the peer's certificate was refused
 * (`authorizationError`, a verification code, a name that does not match) or the TLS exchange broke
 * (an alert from the other side, plain TCP where TLS was expected). Undefined for ordinary socket
 * errors (refused, reset), which say nothing about certificates.
 */
export function tlsFailureReason(error: NodeJS.ErrnoException, socket?: TLSSocket): string | undefined {
  const authorizationError = socket?.authorizationError;
  if (authorizationError !== undefined && authorizationError !== null) return String(authorizationError);
  const code = error.code ?? "";
  if (code.startsWith("ERR_SSL_") || code.startsWith("ERR_TLS_") || certificateCodes.has(code)) return code;
  return undefined;
}

/** `host:port` of a socket's remote end: how the raw TCP socket and its TLSSocket are matched up. */
export function remoteEndOf(socket: Socket): string {
  return `${socket.remoteAddress}:${socket.remotePort}`;
}

/** Distinct failures remembered; past it every failure is "already logged" (a flood of reasons is itself noise). */
export const tlsFailureReasonsMax = 256;

/**
 * Remembers which TLS failures were logged, so a member that keeps redialing with a bad certificate
 * is reported once per (side, reason), not on every attempt. `forget` re-arms a side once its link
 * comes up, so a later failure is reported again.
 */
export class TlsFailureLog {
  private readonly logged = new Set<string>();

  /** True the first time `reason` is seen for `side` (e.g. "dial 2", "accept 10.0.0.3"). */
  firstTime(side: string, reason: string): boolean {
    const key = `${side}\u0000${reason}`;
    if (this.logged.has(key) || this.logged.size >= tlsFailureReasonsMax) return false;
    this.logged.add(key);
    return true;
  }

  forget(side: string): void {
    for (const key of this.logged) {
      if (key.startsWith(`${side}\u0000`)) this.logged.delete(key);
    }
  }
}

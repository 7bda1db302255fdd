/**
 * The PEM files behind TLS (docs/security.md, "TLS"): this server's certificate and key, and the CA
 * bundle it checks peers (and, with --client-tls-verify, clients) against. config.ts reads them once
 * at start-up into a TlsMaterial, kept out of ServerConfig so that logging the configuration never
 * prints the private key; the client port and the peer transport build their TLS from it.
 */
import { createSecureContext } from "node:tls";

export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  /** The CA bundle; absent when only the client port serves TLS and checks nobody's certificate. */
  readonly ca: Buffer | undefined;
}

/** A certificate, key or CA bundle is a few KiB; anything this big is the wrong file. */
export const tlsFileBytesMax = 1024 * 1024;

export type TlsMaterialCheck = { readonly type: "ok" } | { readonly type: "error"; readonly message: string };

/**
 * Builds a secure context from the material, as the servers will, so that a file that is not PEM, a
 * key that does not belong to the certificate or a CA bundle without a certificate is refused at
 * start-up with OpenSSL's reason, not at the first connection.
 */
export function checkTlsMaterial(material: TlsMaterial): TlsMaterialCheck {
  try {
    createSecureContext({ cert: material.cert, key: material.key, ca: material.ca });
  } catch (error) {
    return { type: "error", message: error instanceof Error ? error.message : String(error) };
  }
  if (material.ca !== undefined && !material.ca.toString("latin1").includes("-----BEGIN CERTIFICATE-----")) {
    return { type: "error", message: "the CA file holds no PEM certificate (-----BEGIN CERTIFICATE-----)" };
  }
  return { type: "ok" };
}

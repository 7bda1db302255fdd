/**
 * Certificates for TLS tests, made with `openssl` in a fresh temp directory: a CA, a member
 * certificate naming `IP:127.0.0.1,DNS:localhost` signed by it, a client certificate signed by it,
 * and a rogue CA with a member certificate of its own (same names), for the negative cases. P-256
 * keys, valid two days. `remove()` deletes the directory.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PemFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TestCertificates {
  readonly dir: string;
  readonly caFile: string;
  readonly member: PemFiles;
  readonly client: PemFiles;
  readonly rogueCaFile: string;
  readonly rogueMember: PemFiles;
  remove(): void;
}

/** The names every member certificate carries: tests reach members at 127.0.0.1. */
const memberNames = "IP:127.0.0.1,DNS:localhost";
const ecKey = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

export function makeTestCertificates(): TestCertificates {
  const dir = mkdtempSync(join(tmpdir(), "keel-tls-"));
  const ca = makeCa(dir, "ca");
  const rogueCa = makeCa(dir, "rogue-ca");
  return {
    dir,
    caFile: ca.certFile,
    member: makeSigned(dir, "member", ca, memberNames),
    client: makeSigned(dir, "client", ca, undefined),
    rogueCaFile: rogueCa.certFile,
    rogueMember: makeSigned(dir, "rogue-member", rogueCa, memberNames),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The PEM contents of a certificate and its key, as PeerNetwork and the SDK take them. */
export function readPem(files: PemFiles): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
}

function openssl(args: readonly string[]): void {
  execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
}

function makeCa(dir: string, name: string): PemFiles {
  const pem = { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) };
  openssl([
    "req",
    "-x509",
    ...ecKey,
    "-keyout",
    pem.keyFile,
    "-out",
    pem.certFile,
    "-days",
    "2",
    "-subj",
    `/CN=${name}`,
  ]);
  return pem;
}

function makeSigned(dir: string, name: string, ca: PemFiles, subjectAltName: string | undefined): PemFiles {
  const pem = { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) };
  const request = join(dir, `${name}.csr`);
  openssl(["req", ...ecKey, "-keyout", pem.keyFile, "-out", request, "-subj", `/CN=${name}`]);
  const extensions = join(dir, `${name}.ext`);
  writeFileSync(extensions, subjectAltName === undefined ? "" : `subjectAltName=${subjectAltName}\n`);
  const sign = ["x509", "-req", "-in", request, "-CA", ca.certFile, "-CAkey", ca.keyFile, "-CAcreateserial"];
  openssl([...sign, "-out", pem.certFile, "-days", "2", "-extfile", extensions]);
  return pem;
}

/** The TLS tests' openssl certificates live in @keel/testkit (certificates.ts), shared with zk-compat's tests. */
export { makeTestCertificates, type PemFiles, readPem, type TestCertificates } from "@keel/testkit";

/**
 * Keel's users on its ZooKeeper port (docs/zookeeper-compat.md, "Authentication"), over real
 * sockets against a real ensemble started with --auth-required: nothing but addauth is served
 * before a Keel login; `addauth user name:password` and `addauth token <token>` log in as the same
 * users the API knows (a wrong password gets AUTHFAILED and the connection closes, as ZooKeeper
 * does); a viewer's connection may read but not write; a scoped token is refused (the port checks
 * ACLs and roles, not scopes); the ACL scheme `user` works for ZooKeeper clients too. And the
 * secure port (ZooKeeper's secureClientPort) speaks the same protocol inside TLS.
 */
import { readFileSync } from "node:fs";
import { ERROR_CODES, type ZkRequest } from "@keel/core";
import { basicAuth, Ensemble, httpClient, makeTestCertificates, type TestCertificates } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawZkClient } from "./raw-client.js";

const text = (value: string) => new TextEncoder().encode(value);
const AUTH_XID = -4;

let ensemble: Ensemble;
const clients: RawZkClient[] = [];

async function session(open = () => RawZkClient.open(ensemble.member(1).zkPort)): Promise<RawZkClient> {
  const client = await open();
  clients.push(client);
  if ((await client.handshake()) === undefined) throw new Error("the member refused the session");
  return client;
}

/** Sends an AuthPacket and returns its reply's error code (0: logged in). */
async function addauth(client: RawZkClient, scheme: string, credentials: string): Promise<number> {
  client.send({ op: "auth", type: 0, scheme, auth: text(credentials) }, AUTH_XID);
  await client.until(() => client.replies().some((reply) => reply.header.xid === AUTH_XID) || client.closed);
  return client.replies().find((reply) => reply.header.xid === AUTH_XID)?.header.err ?? Number.NaN;
}

async function err(client: RawZkClient, request: ZkRequest): Promise<number> {
  return (await client.reply(client.send(request))).header.err;
}

const getRoot: ZkRequest = { op: "getData", path: "/", watch: false };
const create = (path: string, acl = [{ perms: 31, id: { scheme: "world", id: "anyone" } }]): ZkRequest => ({
  op: "create",
  path,
  data: text("x"),
  acl,
  flags: 0,
});

beforeAll(async () => {
  ensemble = await Ensemble.start({ voters: 1, authRequired: true, captureLogs: true });
  await ensemble.waitForLeader();
  const admin = httpClient(ensemble.member(1).clientUrl, {
    headers: basicAuth("super", ensemble.superPassword as string),
  });
  await admin.auth.users.add.mutate({ name: "olga", password: "olgapassword", role: "operator" });
  await admin.auth.users.add.mutate({ name: "vic", password: "vicpassword", role: "viewer" });
});

afterAll(async () => {
  for (const client of clients) client.close();
  await ensemble?.close();
});

describe("Keel users on the ZooKeeper port", () => {
  it("serves nothing but addauth before a login, then everything the user may do", async () => {
    const client = await session();
    expect(await err(client, getRoot)).toBe(ERROR_CODES.NOAUTH);
    expect(await addauth(client, "user", "olga:olgapassword")).toBe(0);
    expect(await err(client, getRoot)).toBe(0);
    expect(await err(client, create("/from-zk"))).toBe(0);
  });

  it("closes the connection on a wrong password, whether or not the user exists", async () => {
    for (const credentials of ["olga:wrong-password", "nobody:whatever-it-is"]) {
      const client = await session();
      expect(await addauth(client, "user", credentials)).toBe(ERROR_CODES.AUTHFAILED);
      await client.waitClosed();
    }
  });

  it("lets a viewer read but not write", async () => {
    const client = await session();
    expect(await addauth(client, "user", "vic:vicpassword")).toBe(0);
    expect(await err(client, getRoot)).toBe(0);
    expect(await err(client, create("/by-viewer"))).toBe(ERROR_CODES.NOAUTH);
  });

  it("takes a full-scope token and refuses a scoped one", async () => {
    const olga = httpClient(ensemble.member(1).clientUrl, { headers: basicAuth("olga", "olgapassword") });
    const full = await olga.auth.tokens.create.mutate({ ttlMs: 3_600_000 });
    const scoped = await olga.auth.tokens.create.mutate({ ttlMs: 3_600_000, scope: { paths: ["/app"], perms: 1 } });
    const withFull = await session();
    expect(await addauth(withFull, "token", full.token)).toBe(0);
    expect(await err(withFull, getRoot)).toBe(0);
    const withScoped = await session();
    expect(await addauth(withScoped, "token", scoped.token)).toBe(ERROR_CODES.AUTHFAILED);
  });

  it("checks ACLs of scheme user against the login", async () => {
    const owner = await session();
    expect(await addauth(owner, "user", "olga:olgapassword")).toBe(0);
    expect(await err(owner, create("/olgas", [{ perms: 31, id: { scheme: "user", id: "olga" } }]))).toBe(0);
    const other = await session();
    expect(await addauth(other, "user", "vic:vicpassword")).toBe(0);
    expect(await err(other, { op: "getData", path: "/olgas", watch: false })).toBe(ERROR_CODES.NOAUTH);
    expect(await err(owner, { op: "getData", path: "/olgas", watch: false })).toBe(0);
  });

  it("audits an ACL change made through the port, with the Keel user who made it", async () => {
    const client = await session();
    expect(await addauth(client, "user", "olga:olgapassword")).toBe(0);
    expect(await err(client, create("/audited"))).toBe(0);
    const acl = [{ perms: 1, id: { scheme: "world", id: "anyone" } }];
    expect(await err(client, { op: "setACL", path: "/audited", acl, version: -1 })).toBe(0);
    const audited = () =>
      ensemble
        .logLines(1)
        .map((line) => line.audit as Record<string, unknown> | undefined)
        .find((record) => record?.action === "setAcl" && record.path === "/audited");
    // The member's log line arrives through its stdout: poll for it.
    for (let waited = 0; audited() === undefined && waited < 10_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(audited()).toMatchObject({ outcome: "OK", user: "olga", via: "zookeeper" });
  });
});

describe("the secure ZooKeeper port", () => {
  let secure: Ensemble;
  let certificates: TestCertificates;

  beforeAll(async () => {
    certificates = makeTestCertificates();
    const { member, caFile } = certificates;
    secure = await Ensemble.start({
      voters: 1,
      authRequired: true,
      tls: { certFile: member.certFile, keyFile: member.keyFile, caFile },
      zkSecurePort: true,
    });
    await secure.waitForLeader();
  });

  afterAll(async () => {
    await secure?.close();
    certificates?.remove();
  });

  it("speaks the same protocol inside TLS, and refuses a client that does not trust its certificate", async () => {
    const port = secure.member(1).zkSecurePort;
    const client = await session(() => RawZkClient.open(port, { ca: readFileSync(certificates.caFile) }));
    expect(await addauth(client, "user", `super:${secure.superPassword}`)).toBe(0);
    expect(await err(client, getRoot)).toBe(0);
    await expect(RawZkClient.open(port, { ca: readFileSync(certificates.rogueCaFile) })).rejects.toThrow();
  });
});

/**
 * TLS with real processes (docs/security.md, "TLS"). Certificates are made at test time with
 * `openssl` in a temp directory (peer/test-certificates.ts): a CA, a member certificate for
 * `IP:127.0.0.1,DNS:localhost` signed by it, a client certificate signed by it, and a rogue CA with a
 * member certificate of its own; the directory is removed afterwards.
 * (a) a 3-member ensemble with client TLS and peer TLS elects a leader, serves writes and reads
 *     through the SDK over wss, and replicates them over TLS links; a plain hello on a peer port is
 *     refused;
 * (b) plain http:// and ws:// to the TLS client port get no answer, and an SDK without the CA is
 *     refused (certificate not trusted);
 * (c) a member restarted with a rogue CA's certificate (same peer secret) cannot rejoin: the others
 *     log a TLS refusal and keep serving; with the right certificate it rejoins and catches up;
 * (d) with --client-tls-verify, a client without a certificate (or with a rogue one) is refused and
 *     one with a CA-signed client certificate works.
 * Every wait polls a condition with a generous ceiling; nothing depends on how fast the machine is.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { get as httpsGet } from "node:https";
import { connect as tcpConnect } from "node:net";
import { fileURLToPath } from "node:url";
import type { ClusterStatusView } from "@keel/api";
import { connect, type KeelClient, type TlsOptions } from "@keel/client";
import { Ensemble } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { encodeFrame } from "../peer/framing.js";
import { encodeHandshakeFrame } from "../peer/handshake-codec.js";
import { makeTestCertificates, type TestCertificates } from "../peer/test-certificates.js";
import { eventually } from "./helpers.js";

const serverEntry = fileURLToPath(new URL("../../dist/main.js", import.meta.url));

/** What a client sees when the server's certificate does not chain to a CA it trusts. */
const untrustedCodes = [
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
];

let certificates: TestCertificates;
const clients: KeelClient[] = [];
const children: ChildProcess[] = [];

beforeAll(() => {
  certificates = makeTestCertificates();
});

afterAll(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
  for (const child of children.splice(0)) await killChild(child);
  certificates.remove();
});

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGKILL");
  await exited;
}

const caTrust = (): TlsOptions => ({ ca: readFileSync(certificates.caFile) });

async function sdk(url: string, tls: TlsOptions | undefined, connectTimeoutMs = 60_000): Promise<KeelClient> {
  const client = await connect({ servers: [url], connectTimeoutMs, ...(tls === undefined ? {} : { tls }) });
  clients.push(client);
  return client;
}

/** Resolves with the error `connect` failed with; fails the test if it connected. */
async function refusedConnect(url: string, tls: TlsOptions | undefined): Promise<unknown> {
  const outcome = await sdk(url, tls, 5000).then(
    async (client) => {
      await client.close();
      return undefined;
    },
    (error: unknown) => ({ error }),
  );
  if (outcome === undefined) throw new Error(`connect to ${url} succeeded; it should have been refused`);
  return outcome.error;
}

/** How a `ws` WebSocket to `url` ended before opening: the error's code (or message), or "closed". */
function webSocketFailure(url: string, options: WebSocket.ClientOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { ...options, handshakeTimeout: 10_000 });
    socket.on("open", () => {
      socket.terminate();
      reject(new Error(`a WebSocket to ${url} opened; it should have failed`));
    });
    socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    socket.on("close", () => resolve("closed"));
  });
}

/** Status of member `id`, failing loudly when it does not answer. */
async function statusOf(members: Ensemble, id: number): Promise<ClusterStatusView> {
  const status = await members.status(id);
  if (status === undefined) throw new Error(`member ${id} does not answer`);
  return status;
}

/** A counter on member `id`'s /metrics, read over HTTPS with the CA (0 when the series has not appeared). */
function counter(members: Ensemble, id: number, series: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpsGet(
      `${members.member(id).clientUrl}/metrics`,
      { ca: readFileSync(certificates.caFile) },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          text += chunk;
        });
        response.on("end", () => {
          const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
          resolve(line === undefined ? 0 : Number(line.slice(series.length + 1)));
        });
      },
    );
    request.on("error", reject);
  });
}

/** The members' certificate, key and the CA, as testkit's `tls` option takes them. */
function memberTlsFiles(): { certFile: string; keyFile: string; caFile: string } {
  return { certFile: certificates.member.certFile, keyFile: certificates.member.keyFile, caFile: certificates.caFile };
}

/** `args` with the value after `flag` replaced (testkit's flags each appear once, except --peer). */
function withFlag(args: readonly string[], flag: string, value: string): string[] {
  const index = args.indexOf(flag);
  if (index < 0) throw new Error(`no ${flag} in the args`);
  return [...args.slice(0, index + 1), value, ...args.slice(index + 2)];
}

describe("TLS on the client and peer ports", () => {
  let members: Ensemble;
  let leader: number;

  beforeAll(async () => {
    members = await Ensemble.start({
      voters: 3,
      tls: { ...memberTlsFiles(), peerTls: true },
      captureLogs: true,
    });
    leader = await members.waitForLeader({ timeoutMs: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await members?.close();
  });

  it("(a) elects a leader, serves the SDK over wss and replicates over peer TLS", async () => {
    expect(members.member(1).clientUrl).toMatch(/^https:\/\//);
    for (const id of [1, 2, 3]) {
      const status = await statusOf(members, id);
      expect(status.members.filter((member) => member.id !== id).every((member) => member.connected)).toBe(true);
    }
    const follower = leader === 1 ? 2 : 1;
    const writer = await sdk(members.member(leader).clientUrl, caTrust());
    await writer.create("/tls-a", "over wss");
    expect((await writer.get("/tls-a")).data).toBe("over wss");
    // Written through the leader, read on a follower: it came over a peer TLS link.
    const reader = await sdk(members.member(follower).clientUrl, caTrust());
    expect((await reader.get("/tls-a", { linearizable: true })).data).toBe("over wss");
    await reader.set("/tls-a", "from a follower");
    expect((await writer.get("/tls-a", { linearizable: true })).data).toBe("from a follower");

    // A plain (non-TLS) hello on a peer port never reaches the handshake: refused and counted.
    const rejectedBefore = await counter(members, leader, "keel_peer_connections_rejected_total");
    const plain = tcpConnect({ host: "127.0.0.1", port: members.member(leader).peerPort });
    plain.on("error", () => {});
    plain.write(
      encodeFrame(
        encodeHandshakeFrame({
          type: "hello",
          serverId: 3,
          authMode: "secret",
          nonce: new Uint8Array(32),
          membership: new Uint8Array(32),
          ensembleId: "keel-test",
        }),
      ),
    );
    await new Promise<void>((resolve) => plain.once("close", () => resolve()));
    await eventually(
      async () => (await counter(members, leader, "keel_peer_connections_rejected_total")) > rejectedBefore,
      30_000,
      "the plain peer connection to be counted as refused",
    );
  });

  it("(b) refuses plain http:// and ws://, and an SDK that does not trust the CA", async () => {
    const { clientPort } = members.member(leader);
    const plainHttp = await fetch(`http://127.0.0.1:${clientPort}/health`, {
      signal: AbortSignal.timeout(10_000),
    }).then(
      (response) => `answered ${response.status}`,
      (error: unknown) => `failed: ${String(error)}`,
    );
    expect(plainHttp).toMatch(/^failed/);
    // Plain ws:// never opens (webSocketFailure fails the test if it does): the TLS port drops it.
    await expect(webSocketFailure(`ws://127.0.0.1:${clientPort}`)).resolves.toBeTypeOf("string");

    // Over TLS without the CA: the certificate is not trusted.
    expect(untrustedCodes).toContain(await webSocketFailure(`wss://127.0.0.1:${clientPort}`));
    expect(untrustedCodes).toContain(
      await webSocketFailure(`wss://127.0.0.1:${clientPort}`, { ca: readFileSync(certificates.rogueCaFile) }),
    );
    await refusedConnect(members.member(leader).clientUrl, undefined);
    await refusedConnect(members.member(leader).clientUrl, { ca: readFileSync(certificates.rogueCaFile) });
  });

  it("(c) a member with a rogue CA's certificate cannot rejoin; with the right one it catches up", async () => {
    await members.kill(3);
    const survivors = [1, 2];
    const currentLeader = leader === 3 ? await members.waitForLeader({ ids: survivors, timeoutMs: 60_000 }) : leader;
    const rejectedBefore = await counter(members, currentLeader, "keel_peer_connections_rejected_total");
    // It trusts the real CA, so only the others' check of its own certificate keeps it out.
    let rogueArgs = withFlag(members.argsFor(3), "--tls-cert-file", certificates.rogueMember.certFile);
    rogueArgs = withFlag(rogueArgs, "--tls-key-file", certificates.rogueMember.keyFile);
    const rogue = spawn(process.execPath, [serverEntry, ...rogueArgs], { stdio: ["ignore", "ignore", "pipe"] });
    children.push(rogue);
    rogue.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[rogue member 3] ${chunk.toString()}`));

    const refusals = (id: number) =>
      members
        .logLines(id)
        .filter(
          (line) =>
            String(line.msg).startsWith("peer TLS handshake refused") &&
            line.reason === "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
        );
    await eventually(
      async () => survivors.every((id) => refusals(id).length >= 1),
      60_000,
      "members 1 and 2 to log the TLS refusal",
    );
    const writer = await sdk(members.member(currentLeader).clientUrl, caTrust());
    for (let index = 0; index < 10; index++) await writer.create(`/without-3-${index}`, String(index));
    for (const id of survivors) {
      const status = await statusOf(members, id);
      expect(status.ready).toBe(true);
      expect(status.members.find((member) => member.id === 3)?.connected).toBe(false);
    }
    // Once per reason: a member that keeps redialing is counted every time but logged once.
    await eventually(
      async () => (await counter(members, currentLeader, "keel_peer_connections_rejected_total")) >= rejectedBefore + 3,
      60_000,
      "the rogue member's redials to be refused",
    );
    expect(refusals(currentLeader)).toHaveLength(1);

    await killChild(rogue);
    members.startMember(3);
    await eventually(
      async () => {
        const [three, leading] = await Promise.all([statusOf(members, 3), statusOf(members, currentLeader)]);
        return three.ready && three.leaderId === currentLeader && three.lastLoggedZxid === leading.lastLoggedZxid;
      },
      60_000,
      "member 3 to rejoin and catch up",
    );
    const reader = await sdk(members.member(3).clientUrl, caTrust());
    expect((await reader.get("/without-3-9")).data).toBe("9");
  });
});

describe("client certificates (--client-tls-verify)", () => {
  let members: Ensemble;

  beforeAll(async () => {
    members = await Ensemble.start({
      voters: 1,
      tls: memberTlsFiles(),
      serverArgs: ["--client-tls-verify"],
    });
    await members.waitForLeader({ timeoutMs: 60_000 });
  }, 120_000);

  afterAll(async () => {
    await members?.close();
  });

  it("(d) refuses a client without a CA-signed certificate and serves one with it", async () => {
    const url = members.member(1).clientUrl;
    await refusedConnect(url, caTrust());
    const rogue = certificates.rogueMember;
    await refusedConnect(url, { ...caTrust(), cert: readFileSync(rogue.certFile), key: readFileSync(rogue.keyFile) });

    const { client } = certificates;
    const keel = await sdk(url, {
      ...caTrust(),
      cert: readFileSync(client.certFile),
      key: readFileSync(client.keyFile),
    });
    await keel.create("/with-client-cert", "verified");
    expect((await keel.get("/with-client-cert")).data).toBe("verified");
  });
});

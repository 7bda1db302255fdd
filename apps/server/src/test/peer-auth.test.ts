/**
 * Quorum authentication with real processes (docs/security.md, "Quorum authentication"): a 3-member
 * ensemble from testkit, whose members share a random peer secret, attacked on its peer ports from
 * this process:
 * (a) forged hellos claiming member 3's id, in a loop, never displace a real link;
 * (b) a handshake recorded on the wire (through a TCP proxy in front of member 1) and replayed is
 *     refused;
 * (c) a process with another secret, claiming member 3's id, cannot join, nor can member 3 itself
 *     when restarted with the wrong secret; both say why in their logs;
 * (d) 100 silent connections, reopened as they close, do not keep a restarted member out;
 * and in each case the ensemble keeps committing client writes. Every wait polls a condition with
 * a generous ceiling; nothing depends on how fast the machine is.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ClusterStatusView } from "@keel/api";
import { Ensemble, freePorts, httpClient } from "@keel/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { encodeFrame, FrameDecoder } from "../peer/framing.js";
import { decodeHandshakeFrame, encodeHandshakeFrame, handshakeFrameBytesMax } from "../peer/handshake-codec.js";
import { membershipDigest } from "../peer/membership-digest.js";
import { silentFlood } from "../peer/test-ports.js";
import { createOnce, eventually } from "./helpers.js";

const serverEntry = fileURLToPath(new URL("../../dist/main.js", import.meta.url));
const ensembleId = "keel-test"; // testkit's --ensemble-id

let ensemble: Ensemble | undefined;
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await ensemble?.close();
  ensemble = undefined;
});

async function startEnsemble(): Promise<{ members: Ensemble; leader: number }> {
  const members = await Ensemble.start({ voters: 3 });
  ensemble = members;
  const leader = await members.waitForLeader({ timeoutMs: 60_000 });
  return { members, leader };
}

async function statusOf(members: Ensemble, id: number): Promise<ClusterStatusView> {
  const status = await members.status(id);
  if (status === undefined) throw new Error(`member ${id} does not answer`);
  return status;
}

/** One value of a counter on member `id`'s /metrics (0 when the labelled series has not appeared). */
async function counter(members: Ensemble, id: number, series: string): Promise<number> {
  const text = await (await fetch(`${members.member(id).clientUrl}/metrics`)).text();
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

/** Creates `count` nodes through the leader; each must commit (written at most once, retried while refused). */
async function writeThrough(members: Ensemble, leader: number, prefix: string, count: number): Promise<void> {
  const client = httpClient(members.member(leader).clientUrl);
  for (let index = 0; index < count; index++) {
    await createOnce(client, { path: `${prefix}-${index}`, data: String(index) }, { timeoutMs: 60_000 });
  }
}

/** Member `id` has logged everything the leader has: its zxid followed the leader's. */
async function waitInSync(members: Ensemble, id: number, leader: number): Promise<void> {
  await eventually(
    async () => {
      const [follower, leading] = await Promise.all([statusOf(members, id), statusOf(members, leader)]);
      return follower.ready && follower.leaderId === leader && follower.lastLoggedZxid === leading.lastLoggedZxid;
    },
    60_000,
    `member ${id} in sync with leader ${leader}`,
  );
}

/** A keel-server this test starts itself (not through testkit), with its JSON log lines kept. */
interface LoggedServer {
  readonly child: ChildProcess;
  lines(): Record<string, unknown>[];
}

function spawnServer(args: readonly string[]): LoggedServer {
  const child = spawn(process.execPath, [serverEntry, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    text += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => process.stderr.write(`[spawned server] ${chunk.toString()}`));
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  });
  return {
    child,
    lines: () =>
      text
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** `args` with the value after `flag` replaced (testkit's flags each appear once, except --peer). */
function withFlag(args: readonly string[], flag: string, value: string): string[] {
  const index = args.indexOf(flag);
  if (index < 0) throw new Error(`no ${flag} in the args`);
  return [...args.slice(0, index + 1), value, ...args.slice(index + 2)];
}

function writeSecret(members: Ensemble, name: string): string {
  const path = join(members.peerSecretFile, "..", name);
  writeFileSync(path, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600 });
  return path;
}

/** A raw client of a peer port; `frames` are the frames the server sent it. */
interface RawPeer {
  readonly socket: Socket;
  readonly frames: Uint8Array[];
  readonly closed: Promise<void>;
}

function rawPeer(port: number, onFrame: (frame: Uint8Array) => void = () => {}): RawPeer {
  const socket = tcpConnect({ host: "127.0.0.1", port });
  socket.on("error", () => {});
  const decoder = new FrameDecoder(handshakeFrameBytesMax);
  const frames: Uint8Array[] = [];
  socket.on("data", (chunk: Buffer) => {
    const result = decoder.push(chunk);
    for (const frame of result.frames) {
      frames.push(frame);
      onFrame(frame);
    }
    if (result.type === "tooLarge") socket.destroy();
  });
  const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
  return { socket, frames, closed };
}

const forgedHello = (claimedId: number) =>
  encodeFrame(
    encodeHandshakeFrame({
      type: "hello",
      serverId: claimedId,
      authMode: "secret",
      nonce: randomBytes(32),
      // The membership is no secret (any member's config shows it): a stranger gets it right.
      membership: membershipDigest([1, 2, 3].map((id) => ({ id, role: "voter" as const }))),
      ensembleId,
    }),
  );

/** Protocol 1's hello: the exact frame that used to replace a member's link. */
const protocolOneHello = (claimedId: number) =>
  encodeFrame(Uint8Array.of(0x4b, 0x45, 0x45, 0x4c, 0, 1, claimedId, ensembleId.length, ...Buffer.from(ensembleId)));

/**
 * Sends forged hellos claiming `claimedId` to `port` until stopped, one connection after another:
 * each answers the challenge with a made-up proof (every third one uses protocol 1's hello instead).
 */
function forgeryLoop(port: number, claimedId: number): { stop(): Promise<void>; challenges(): number } {
  let stopping = false;
  let challenges = 0;
  const loop = (async () => {
    for (let attempt = 0; !stopping; attempt++) {
      const peer = rawPeer(port, (frame) => {
        if (decodeHandshakeFrame(frame).type === "ok") challenges++;
        peer.socket.write(encodeFrame(encodeHandshakeFrame({ type: "proof", mac: randomBytes(32) })));
      });
      peer.socket.write(attempt % 3 === 2 ? protocolOneHello(claimedId) : forgedHello(claimedId));
      await peer.closed;
    }
  })();
  return {
    async stop() {
      stopping = true;
      await loop;
    },
    challenges: () => challenges,
  };
}

/** A TCP proxy to `targetPort` that records what the connecting side sent, per connection. */
async function recordingProxy(targetPort: number): Promise<{ port: number; sent: Buffer[][]; server: Server }> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error("no free port");
  const sent: Buffer[][] = [];
  const sockets = new Set<Socket>();
  const server = createServer((inbound) => {
    const record: Buffer[] = [];
    sent.push(record);
    const outbound = tcpConnect({ host: "127.0.0.1", port: targetPort });
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.on("close", () => {
        sockets.delete(socket);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.on("data", (chunk: Buffer) => {
      record.push(chunk);
      outbound.write(chunk);
    });
    outbound.on("data", (chunk: Buffer) => inbound.write(chunk));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", () => resolve()));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { port, sent, server };
}

describe("quorum authentication", () => {
  it("(a) forged hellos claiming member 3's id never displace a member's link", async () => {
    const { members, leader } = await startEnsemble();
    // Member 3 dials 1 and 2. If 3 leads, a forgery sent to 1 would take 1's link to the leader;
    // otherwise, sent to the leader, it would take 3's.
    const target = leader === 3 ? 1 : leader;
    const watched = leader === 3 ? 1 : 3;
    await waitInSync(members, watched, leader);
    const electionsBefore = (await statusOf(members, watched)).electionCount;
    const rejectedBefore = await counter(members, target, "keel_peer_connections_rejected_total");

    const forgeries = forgeryLoop(members.member(target).peerPort, 3);
    cleanups.push(() => forgeries.stop());
    await eventually(async () => forgeries.challenges() >= 5, 60_000, "forged handshakes to be challenged");
    await writeThrough(members, leader, "/forged", 20);
    await eventually(async () => forgeries.challenges() >= 20, 60_000, "20 forged handshakes");
    await forgeries.stop();

    await waitInSync(members, watched, leader);
    const after = await statusOf(members, watched);
    // Displacing its link would have sent it LOOKING: it started no election and kept its leader.
    expect(after.electionCount).toBe(electionsBefore);
    expect(after.leaderId).toBe(leader);
    expect(await counter(members, target, "keel_peer_connections_rejected_total")).toBeGreaterThanOrEqual(
      rejectedBefore + 20,
    );
  });

  it("(b) a handshake recorded on the wire and replayed is refused", async () => {
    const { members, leader } = await startEnsemble();
    // Member 3, restarted with member 1's peer address pointing at a recording proxy.
    await members.kill(3);
    const proxy = await recordingProxy(members.member(1).peerPort);
    const one = members.member(1);
    const viaProxy = members
      .argsFor(3)
      .map((arg) =>
        arg === `1=127.0.0.1:${one.peerPort}:${one.clientPort}` ? `1=127.0.0.1:${proxy.port}:${one.clientPort}` : arg,
      );
    spawnServer(viaProxy);
    const currentLeader = leader === 3 ? await members.waitForLeader({ ids: [1, 2], timeoutMs: 60_000 }) : leader;
    await eventually(
      async () => (await members.status(3))?.ready === true,
      60_000,
      "member 3 to join through the proxy",
    );
    await eventually(
      async () => (await statusOf(members, 1)).members.find((member) => member.id === 3)?.connected === true,
      60_000,
      "member 1 to hold an authenticated link to 3",
    );
    // The dialer's first two frames on a connection that came up: its hello and its proof.
    const recorded = proxy.sent.map((chunks) => splitFrames(Buffer.concat(chunks))).find((frames) => frames.length > 2);
    if (recorded === undefined) throw new Error("no recorded handshake");
    const [hello, proof] = recorded as [Uint8Array, Uint8Array];
    expect(decodeHandshakeFrame(hello)).toMatchObject({ type: "ok", frame: { type: "hello", serverId: 3 } });
    expect(decodeHandshakeFrame(proof)).toMatchObject({ type: "ok", frame: { type: "proof" } });

    const rejectedBefore = await counter(members, 1, "keel_peer_connections_rejected_total");
    for (let replay = 0; replay < 3; replay++) {
      const peer = rawPeer(one.peerPort);
      peer.socket.write(Buffer.concat([encodeFrame(hello), encodeFrame(proof)]));
      await peer.closed; // member 1 closes it: the proof does not match its fresh nonce
      // At most its challenge came back (it may be cut off by the close), and no protocol frame.
      expect(peer.frames.length).toBeLessThanOrEqual(1);
    }
    expect(await counter(members, 1, "keel_peer_connections_rejected_total")).toBeGreaterThanOrEqual(
      rejectedBefore + 3,
    );
    expect((await statusOf(members, 1)).members.find((member) => member.id === 3)?.connected).toBe(true);
    await writeThrough(members, currentLeader, "/replayed", 10);
    await waitInSync(members, 3, currentLeader);
  });

  it("(c) a process with another secret cannot join, not even as a real member's id", async () => {
    const { members, leader } = await startEnsemble();
    const watched = leader === 3 ? 1 : 3;
    const wrongSecret = writeSecret(members, "wrong.secret");
    const [peerPort, clientPort, zkPort] = (await freePorts(3)) as [number, number, number];
    let impostorArgs = withFlag(members.argsFor(3), "--peer-secret-file", wrongSecret);
    impostorArgs = withFlag(impostorArgs, "--data-dir", join(members.peerSecretFile, "..", "impostor"));
    impostorArgs = withFlag(impostorArgs, "--peer-port", String(peerPort));
    impostorArgs = withFlag(impostorArgs, "--client-port", String(clientPort));
    impostorArgs = withFlag(impostorArgs, "--zk-port", String(zkPort));
    const electionsBefore = (await statusOf(members, watched)).electionCount;
    const impostor = spawnServer(impostorArgs);
    const refusals = (server: LoggedServer) =>
      server
        .lines()
        .filter(
          (line) =>
            line.msg === "peer handshake rejected" && String(line.reason).includes("does not prove the peer secret"),
        );
    await eventually(async () => refusals(impostor).length >= 2, 60_000, "the impostor to log its refusals");
    await writeThrough(members, leader, "/impostor", 10);
    await waitInSync(members, watched, leader);
    expect((await statusOf(members, watched)).electionCount).toBe(electionsBefore);
    const impostorStatus = await fetch(`http://127.0.0.1:${clientPort}/status.json`).then(
      async (response) => (await response.json()) as ClusterStatusView,
    );
    expect(impostorStatus.ready).toBe(false);

    // Member 3 itself, restarted with the wrong secret: it stays out, and 1 and 2 serve on.
    impostor.child.kill("SIGKILL");
    await members.kill(3);
    const survivors = [1, 2];
    const currentLeader = leader === 3 ? await members.waitForLeader({ ids: survivors, timeoutMs: 60_000 }) : leader;
    const wrongThree = spawnServer(withFlag(members.argsFor(3), "--peer-secret-file", wrongSecret));
    await eventually(async () => refusals(wrongThree).length >= 2, 60_000, "member 3 to log its refusals");
    await writeThrough(members, currentLeader, "/without-3", 10);
    const three = await statusOf(members, 3);
    expect(three.ready).toBe(false);
    expect(three.role).toBe("looking");
    for (const id of survivors) {
      expect((await statusOf(members, id)).members.find((member) => member.id === 3)?.connected).toBe(false);
    }

    // With the right secret again it rejoins.
    const exited = new Promise<void>((resolve) => wrongThree.child.once("exit", () => resolve()));
    wrongThree.child.kill("SIGKILL");
    await exited;
    members.startMember(3);
    await waitInSync(members, 3, currentLeader);
  });

  it("(d) a flood of silent connections does not keep a restarted member out", async () => {
    const { members, leader } = await startEnsemble();
    await members.kill(3);
    const currentLeader = leader === 3 ? await members.waitForLeader({ ids: [1, 2], timeoutMs: 60_000 }) : leader;
    const flood = silentFlood(members.member(currentLeader).peerPort, 100);
    cleanups.push(() => flood.stop());
    const evicted = () => counter(members, currentLeader, 'keel_peer_handshakes_dropped_total{reason="addressFull"}');
    await eventually(async () => (await evicted()) > 0, 60_000, "the flood to fill the leader's handshake slots");

    members.startMember(3);
    const writes = writeThrough(members, currentLeader, "/flooded", 20);
    await waitInSync(members, 3, currentLeader);
    await writes;
    // The flood was still churning once member 3 was in sync: the slots were full before and after.
    const evictedAtJoin = await evicted();
    await eventually(async () => (await evicted()) > evictedAtJoin, 60_000, "the flood to go on evicting");
    await flood.stop();
    await waitInSync(members, 3, currentLeader);
  });
});

/** Splits a recorded byte stream into its frames (u32 length + payload). */
function splitFrames(bytes: Buffer): Uint8Array[] {
  const frames: Uint8Array[] = [];
  let offset = 0;
  while (offset + 4 <= bytes.byteLength) {
    const length = bytes.readUInt32BE(offset);
    if (offset + 4 + length > bytes.byteLength) break;
    frames.push(new Uint8Array(bytes.subarray(offset + 4, offset + 4 + length)));
    offset += 4 + length;
  }
  return frames;
}

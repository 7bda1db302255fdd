// Checks the peer handshake state machine (handshake.ts) and its codec: the three-frame exchange in
// both auth modes, then tables of hostile frames at each step (garbage, truncated, another version,
// ensemble or id, the only-the-higher-id-dials rule for listed ids, a mismatched auth mode, a MAC
// under the wrong key, for the wrong ids, from the other direction, or replayed from an earlier
// handshake), then who may dial in (an unlisted id, lower or higher, once it proves the secret) and
// when the membership digest is compared (only when both sides send one). Nonces are fixed per case
// so every expected outcome is exact.
import { describe, expect, it } from "vitest";
import {
  beginAccept,
  beginDial,
  type HandshakeRules,
  type HandshakeState,
  handshakeRules,
  stepHandshake,
} from "./handshake.js";
import {
  decodeHandshakeFrame,
  encodeHandshakeFrame,
  type HandshakeFrame,
  handshakeFrameBytesMax,
  peerProtocolVersion,
} from "./handshake-codec.js";
import { membershipDigest, noMembershipDigest } from "./membership-digest.js";
import type { PeerAddress } from "./peer-address.js";
import { type HandshakeTranscript, handshakeMac, type PeerAuth } from "./peer-auth.js";

const peers: PeerAddress[] = [1, 2, 3].map((id) => ({
  id,
  host: "127.0.0.1",
  peerPort: 7000 + id,
  clientPort: 8000 + id,
  role: "voter",
}));
const membership = membershipDigest(peers);
/** The same ids, but member 3 an observer: a list that counts quorums differently. */
const otherMembership = membershipDigest(peers.map((peer) => (peer.id === 3 ? { ...peer, role: "observer" } : peer)));
const key = new TextEncoder().encode("0123456789abcdef0123456789abcdef-test");
const otherKey = new TextEncoder().encode("fedcba9876543210fedcba9876543210-test");
const secret: PeerAuth = { type: "secret", key };
const none: PeerAuth = { type: "none" };
const rulesOf = (
  selfId: number,
  auth: PeerAuth = secret,
  ensembleId = "prod",
  membershipCheck = true,
): HandshakeRules => handshakeRules({ selfId, ensembleId, peers, auth, membershipCheck });
const nonce = (fill: number) => new Uint8Array(32).fill(fill);
const dialerNonce = nonce(0x11);
const acceptorNonce = nonce(0x22);

/** Acceptor 1 and dialer 3, the usual pair; `transcript` is what their MACs must cover. */
const transcript = (overrides: Partial<HandshakeTranscript> = {}): HandshakeTranscript => ({
  protocolVersion: peerProtocolVersion,
  ensembleId: "prod",
  acceptorId: 1,
  dialerId: 3,
  dialerNonce,
  acceptorNonce,
  ...overrides,
});

function expectStep<T extends ReturnType<typeof stepHandshake>["type"]>(
  step: ReturnType<typeof stepHandshake>,
  type: T,
): Extract<ReturnType<typeof stepHandshake>, { type: T }> {
  if (step.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(step)}`);
  return step as Extract<ReturnType<typeof stepHandshake>, { type: T }>;
}

/** Runs a full handshake between dialer 3 and acceptor 1; returns every frame and outcome. */
function handshake(dialerAuth: PeerAuth, acceptorAuth: PeerAuth, nonces = { dialerNonce, acceptorNonce }) {
  const dial = beginDial(rulesOf(3, dialerAuth), 1, nonces.dialerNonce);
  const challengeStep = stepHandshake(rulesOf(1, acceptorAuth), beginAccept(nonces.acceptorNonce), dial.hello);
  if (challengeStep.type !== "continue") return { hello: dial.hello, challengeStep };
  const proofStep = stepHandshake(rulesOf(3, dialerAuth), dial.state, challengeStep.reply);
  if (proofStep.type !== "accepted" || proofStep.reply === undefined)
    return { hello: dial.hello, challengeStep, proofStep };
  const doneStep = stepHandshake(rulesOf(1, acceptorAuth), challengeStep.state, proofStep.reply);
  return { hello: dial.hello, challengeStep, proofStep, proof: proofStep.reply, doneStep };
}

const encode = (frame: HandshakeFrame, version = peerProtocolVersion) => encodeHandshakeFrame(frame, version);
const helloFrom = (serverId: number, overrides: Partial<Extract<HandshakeFrame, { type: "hello" }>> = {}) =>
  encode({
    type: "hello",
    serverId,
    authMode: "secret",
    nonce: dialerNonce,
    membership,
    ensembleId: "prod",
    ...overrides,
  });
const challengeFrom = (serverId: number, overrides: Partial<Extract<HandshakeFrame, { type: "challenge" }>> = {}) =>
  encode({
    type: "challenge",
    serverId,
    authMode: "secret",
    nonce: acceptorNonce,
    mac: handshakeMac(key, "acceptor", transcript({ acceptorId: serverId })),
    membership,
    ensembleId: "prod",
    ...overrides,
  });
const proofOf = (mac: Uint8Array) => encode({ type: "proof", mac });

describe("peer handshake codec", () => {
  it("round-trips each frame and stays under the handshake frame limit", () => {
    const frames: HandshakeFrame[] = [
      { type: "hello", serverId: 3, authMode: "secret", nonce: dialerNonce, membership, ensembleId: "ensemble-ü" },
      {
        type: "challenge",
        serverId: 1,
        authMode: "none",
        nonce: acceptorNonce,
        mac: nonce(7),
        membership: nonce(8),
        ensembleId: "x",
      },
      { type: "proof", mac: nonce(9) },
    ];
    for (const frame of frames) expect(decodeHandshakeFrame(encode(frame))).toEqual({ type: "ok", frame });
    const longest = encode({
      type: "challenge",
      serverId: 255,
      authMode: "secret",
      nonce: acceptorNonce,
      mac: nonce(1),
      membership,
      ensembleId: "e".repeat(255),
    });
    expect(longest.byteLength).toBe(handshakeFrameBytesMax);
  });
});

describe("peer handshake", () => {
  it("brings both ends up after each has checked the other's MAC", () => {
    const result = handshake(secret, secret);
    expect(expectStep(result.proofStep ?? result.challengeStep, "accepted").peerId).toBe(1);
    expect(result.doneStep).toEqual({ type: "accepted", peerId: 3, reply: undefined });
  });

  it("runs the same exchange without MACs when both ends are insecure", () => {
    const result = handshake(none, none);
    expect(result.doneStep).toEqual({ type: "accepted", peerId: 3, reply: undefined });
  });

  it("answers nothing but a hello: the acceptor speaks only after a well-formed one", () => {
    const step = stepHandshake(rulesOf(1), beginAccept(acceptorNonce), proofOf(nonce(1)));
    expect(expectStep(step, "rejected").reason).toBe("expected a hello, got a proof");
  });
});

/** A hello's acceptor is server `selfId` with `auth`; each case names what the rejection must say. */
const helloRejections: [string, Uint8Array, { selfId?: number; auth?: PeerAuth }, string][] = [
  ["garbage", new TextEncoder().encode("GET / HTTP/1.1"), {}, "bad magic"],
  ["a truncated hello", helloFrom(3).subarray(0, 20), {}, "truncated"],
  ["a hello with a cut ensemble id", helloFrom(3).subarray(0, helloFrom(3).byteLength - 1), {}, "length mismatch"],
  [
    "a protocol-1 hello (no authentication)",
    Uint8Array.of(0x4b, 0x45, 0x45, 0x4c, 0, 1, 3, 4, ...new TextEncoder().encode("prod")),
    {},
    "peer protocol version 1, this server speaks 2",
  ],
  ["an unknown frame kind", Uint8Array.of(0x4b, 0x45, 0x45, 0x4c, 0, 2, 9), {}, "unknown handshake frame kind 9"],
  [
    "an unknown auth mode",
    (() => {
      const bytes = helloFrom(3);
      bytes[8] = 7;
      return bytes;
    })(),
    {},
    "unknown peer auth mode 7",
  ],
  ["another ensemble", helloFrom(3, { ensembleId: "staging" }), {}, 'belongs to ensemble "staging", not "prod"'],
  [
    "a member with another membership (a peer list with other roles)",
    helloFrom(3, { membership: otherMembership }),
    {},
    "server 3 is configured with another ensemble membership",
  ],
  ["this server's own id", helloFrom(1), {}, "own id 1"],
  ["a listed lower id dialing in", helloFrom(1), { selfId: 2 }, "only the higher id dials"],
  [
    "a member without a secret",
    helloFrom(3, { authMode: "none", nonce: nonce(0) }),
    {},
    "server 3 runs without a peer secret (--insecure-peers), but this server requires one",
  ],
  [
    "a member with a secret, at an insecure server",
    helloFrom(3),
    { auth: none },
    "server 3 uses a peer secret (--peer-secret-file), but this server runs with --insecure-peers",
  ],
];

describe("an acceptor refuses a hello", () => {
  for (const [name, bytes, acceptor, reason] of helloRejections) {
    it(`from ${name}`, () => {
      const step = stepHandshake(
        rulesOf(acceptor.selfId ?? 1, acceptor.auth ?? secret),
        beginAccept(acceptorNonce),
        bytes,
      );
      expect(expectStep(step, "rejected").reason).toContain(reason);
    });
  }
});

describe("an acceptor refuses a proof", () => {
  /** The acceptor's state after a real hello from dialer 3 with `dialerNonce`, its nonce `acceptorNonce`. */
  const awaitingProof = (): HandshakeState =>
    expectStep(stepHandshake(rulesOf(1), beginAccept(acceptorNonce), helloFrom(3)), "continue").state;
  const earlier = handshake(secret, secret, { dialerNonce, acceptorNonce: nonce(0x33) });
  const earlierProof = earlier.proof;
  if (earlierProof === undefined) throw new Error("the earlier handshake must complete");

  const cases: [string, Uint8Array, string][] = [
    [
      "made with another secret",
      proofOf(handshakeMac(otherKey, "dialer", transcript())),
      "does not match the peer secret",
    ],
    ["replayed from an earlier handshake", earlierProof, "does not match the peer secret"],
    [
      "carrying the acceptor's own MAC (the other direction)",
      proofOf(handshakeMac(key, "acceptor", transcript())),
      "does not match",
    ],
    ["made for another dialer id", proofOf(handshakeMac(key, "dialer", transcript({ dialerId: 2 }))), "does not match"],
    [
      "made for another acceptor",
      proofOf(handshakeMac(key, "dialer", transcript({ acceptorId: 2 }))),
      "does not match",
    ],
    [
      "made for another ensemble",
      proofOf(handshakeMac(key, "dialer", transcript({ ensembleId: "staging" }))),
      "does not match",
    ],
    [
      "with the nonces swapped",
      proofOf(handshakeMac(key, "dialer", transcript({ dialerNonce: acceptorNonce, acceptorNonce: dialerNonce }))),
      "does not match",
    ],
    ["all zero", proofOf(nonce(0)), "does not match"],
    ["truncated", proofOf(handshakeMac(key, "dialer", transcript())).subarray(0, 20), "malformed proof"],
    ["that is a second hello", helloFrom(3), "expected a proof, got a hello"],
  ];
  for (const [name, bytes, reason] of cases) {
    it(name, () => {
      expect(expectStep(stepHandshake(rulesOf(1), awaitingProof(), bytes), "rejected").reason).toContain(reason);
    });
  }

  it("accepts the matching proof (the table's baseline)", () => {
    const proof = proofOf(handshakeMac(key, "dialer", transcript()));
    expect(stepHandshake(rulesOf(1), awaitingProof(), proof)).toEqual({
      type: "accepted",
      peerId: 3,
      reply: undefined,
    });
  });

  it("refuses a whole recorded handshake replayed on a new connection", () => {
    // The acceptor draws a new nonce, so the recorded proof no longer matches.
    const replayedChallenge = expectStep(
      stepHandshake(rulesOf(1), beginAccept(nonce(0x44)), earlier.hello),
      "continue",
    );
    const step = stepHandshake(rulesOf(1), replayedChallenge.state, earlierProof);
    expect(expectStep(step, "rejected").reason).toContain("forged or replayed");
  });
});

describe("a dialer refuses a challenge", () => {
  const awaitingChallenge = (auth: PeerAuth = secret) => beginDial(rulesOf(3, auth), 1, dialerNonce).state;
  const cases: [string, Uint8Array, string, PeerAuth?][] = [
    [
      "made with another secret",
      challengeFrom(1, { mac: handshakeMac(otherKey, "acceptor", transcript()) }),
      "does not prove the peer secret",
    ],
    [
      "replayed from an earlier handshake (another dialer nonce)",
      challengeFrom(1, { mac: handshakeMac(key, "acceptor", transcript({ dialerNonce: nonce(0x55) })) }),
      "does not prove",
    ],
    [
      "carrying a dialer-direction MAC",
      challengeFrom(1, { mac: handshakeMac(key, "dialer", transcript()) }),
      "does not prove",
    ],
    [
      "whose MAC names another acceptor",
      challengeFrom(1, { mac: handshakeMac(key, "acceptor", transcript({ acceptorId: 2 })) }),
      "does not prove",
    ],
    ["from a server other than the one dialed", challengeFrom(2), "dialed server 1 but server 2 answered"],
    ["from another ensemble", challengeFrom(1, { ensembleId: "staging" }), 'ensemble "staging"'],
    [
      "from a server with another membership",
      challengeFrom(1, { membership: otherMembership }),
      "server 1 is configured with another ensemble membership",
    ],
    [
      "from a server without a secret",
      challengeFrom(1, { authMode: "none", nonce: nonce(0), mac: nonce(0) }),
      "runs without a peer secret",
    ],
    [
      "from a server with a secret, at an insecure dialer",
      challengeFrom(1),
      "but this server runs with --insecure-peers",
      none,
    ],
    ["that is a hello", helloFrom(2), "expected a challenge, got a hello"],
    ["that is truncated", challengeFrom(1).subarray(0, 60), "truncated"],
  ];
  for (const [name, bytes, reason, auth] of cases) {
    it(name, () => {
      expect(expectStep(stepHandshake(rulesOf(3, auth), awaitingChallenge(auth), bytes), "rejected").reason).toContain(
        reason,
      );
    });
  }

  it("accepts the matching challenge and answers with a dialer-direction proof", () => {
    const step = expectStep(stepHandshake(rulesOf(3), awaitingChallenge(), challengeFrom(1)), "accepted");
    expect(step.peerId).toBe(1);
    expect(step.reply).toEqual(proofOf(handshakeMac(key, "dialer", transcript())));
  });
});

/** Runs dialer `dialerId` against acceptor `acceptorId`, each with its own rules, to the end or the first refusal. */
function handshakeBetween(dialer: HandshakeRules, acceptor: HandshakeRules) {
  const dial = beginDial(dialer, acceptor.selfId, dialerNonce);
  const challengeStep = stepHandshake(acceptor, beginAccept(acceptorNonce), dial.hello);
  if (challengeStep.type !== "continue") return challengeStep;
  const proofStep = stepHandshake(dialer, dial.state, challengeStep.reply);
  if (proofStep.type !== "accepted" || proofStep.reply === undefined) return proofStep;
  return stepHandshake(acceptor, challengeStep.state, proofStep.reply);
}

/** A server outside `peers` (a joining member), listing the members but not itself. */
const joinerRules = (selfId: number, auth: PeerAuth = secret, membershipCheck = false): HandshakeRules =>
  handshakeRules({ selfId, ensembleId: "prod", peers, auth, membershipCheck });

describe("who may dial in", () => {
  // [case, dialer, acceptor, the acceptor's outcome: the accepted id, or what the refusal says]
  const cases: [string, HandshakeRules, HandshakeRules, number | string][] = [
    ["a listed higher id", rulesOf(3), rulesOf(1), 3],
    ["a listed lower id", rulesOf(1), rulesOf(3), "only the higher id dials"],
    ["an unlisted higher id that proves the secret", joinerRules(9), rulesOf(1, secret, "prod", false), 9],
    // The joiner dials whatever the ids: nobody lists it, so nobody else would dial it.
    [
      "an unlisted lower id that proves the secret",
      joinerRules(4),
      handshakeRules({
        selfId: 7,
        ensembleId: "prod",
        peers: [5, 6, 7].map((id) => ({ ...(peers[0] as PeerAddress), id })),
        auth: secret,
        membershipCheck: false,
      }),
      4,
    ],
    [
      "an unlisted id with another secret",
      joinerRules(9, { type: "secret", key: otherKey }),
      rulesOf(1, secret, "prod", false),
      "does not prove the peer secret",
    ],
    ["an unlisted id at an insecure server (both --insecure-peers)", joinerRules(9, none), rulesOf(1, none), 9],
    [
      "an unlisted id of another ensemble",
      handshakeRules({ selfId: 9, ensembleId: "x", peers, auth: secret, membershipCheck: false }),
      rulesOf(1),
      'ensemble "x"',
    ],
  ];
  for (const [name, dialer, acceptor, outcome] of cases) {
    it(`${typeof outcome === "number" ? "accepts" : "refuses"} ${name}`, () => {
      const step = handshakeBetween(dialer, acceptor);
      if (typeof outcome === "number") expect(expectStep(step, "accepted").peerId).toBe(outcome);
      else expect(expectStep(step, "rejected").reason).toContain(outcome);
    });
  }
});

describe("the membership digest", () => {
  const grown: PeerAddress[] = [
    ...peers,
    { id: 4, host: "127.0.0.1", peerPort: 7004, clientPort: 8004, role: "voter" },
  ];
  const grownRules = (selfId: number, membershipCheck: boolean): HandshakeRules =>
    handshakeRules({ selfId, ensembleId: "prod", peers: grown, auth: secret, membershipCheck });

  it("is sent while the check is on and is all zeros once it is off", () => {
    expect(rulesOf(1).membership).toEqual(membership);
    expect(rulesOf(1, secret, "prod", false).membership).toEqual(noMembershipDigest);
  });

  // [case, dialer 4's check, acceptor 1's check, the acceptor's outcome]
  const cases: [string, boolean, boolean, number | string][] = [
    ["refuses two bootstrap members whose lists differ", true, true, "configured with another ensemble membership"],
    ["is skipped when the dialer sends zeros", false, true, 4],
    ["is skipped when the acceptor sends zeros", true, false, 4],
    ["is skipped when both send zeros", false, false, 4],
  ];
  for (const [name, dialerCheck, acceptorCheck, outcome] of cases) {
    it(name, () => {
      const step = handshakeBetween(grownRules(4, dialerCheck), rulesOf(1, secret, "prod", acceptorCheck));
      if (typeof outcome === "number") expect(expectStep(step, "accepted").peerId).toBe(outcome);
      else expect(expectStep(step, "rejected").reason).toContain(outcome);
    });
  }

  it("is checked by the dialer too: a challenge with another digest is refused, zeros are not", () => {
    const awaiting = beginDial(rulesOf(3), 1, dialerNonce).state;
    expect(
      expectStep(stepHandshake(rulesOf(3), awaiting, challengeFrom(1, { membership: otherMembership })), "rejected")
        .reason,
    ).toContain("another ensemble membership");
    expect(stepHandshake(rulesOf(3), awaiting, challengeFrom(1, { membership: noMembershipDigest })).type).toBe(
      "accepted",
    );
  });
});

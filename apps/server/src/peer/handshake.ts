/**
 * The peer handshake as a pure state machine: given a link's state and the frame that arrived, what
 * to answer and whether the link may come up (docs/security.md, "Quorum authentication").
 * PeerNetwork does the I/O; everything decided here is checked by data-driven tests.
 *
 *   dialer                                         acceptor
 *   ── hello {id, ensemble, mode, nonceD} ────────▶ checks ids, ensemble, mode, version
 *   ◀─ challenge {id, ensemble, mode, nonceA, macA} ─
 *   checks the answering id, ensemble, mode, macA
 *   ── proof {macD} ──────────────────────────────▶ checks macD
 *   up                                             up
 *
 * Identity checks keep a server of another ensemble, a stale config or a port scanner out of the
 * replication stream (ZooKeeper's QuorumCnxManager checks the initial sid the same way); the MACs
 * (peer-auth.ts) keep out anyone who does not hold the shared secret, however well they imitate a
 * member. A link comes up only through `accepted`, and on a member with a secret `accepted` is
 * only reached after a MAC over this connection's fresh nonces has been checked.
 *
 * Who may dial whom (peer-network.ts keeps the other half of this rule): an acceptor refuses a hello
 * from a LOWER id only when that id is in its peer list; an id it does not list (a member joining,
 * or one it has removed) is accepted whatever the ids, once it has proved the secret, because we
 * never dial an unlisted peer and the joiner has no other way in.
 */
import { unreachable } from "@keel/core";
import {
  type Challenge,
  decodeHandshakeFrame,
  encodeHandshakeFrame,
  type HandshakeFrame,
  type Hello,
  peerProtocolVersion,
} from "./handshake-codec.js";
import {
  isNoMembershipDigest,
  membershipDigest,
  membershipDigestText,
  noMembershipDigest,
} from "./membership-digest.js";
import type { PeerAddress } from "./peer-address.js";
import {
  type HandshakeTranscript,
  handshakeMac,
  handshakeMacBytes,
  handshakeNonceBytes,
  macMatches,
  type PeerAuth,
  type PeerAuthMode,
} from "./peer-auth.js";

export interface HandshakeRules {
  readonly selfId: number;
  readonly ensembleId: string;
  readonly peers: readonly PeerAddress[];
  readonly auth: PeerAuth;
  /**
   * What every hello and challenge carries and is checked against: `membershipDigest(peers)` in
   * bootstrap mode, `noMembershipDigest` once the check is off (membership-digest.ts).
   */
  readonly membership: Uint8Array;
}

/**
 * The rules of one server's handshakes. With `membershipCheck` its digest is derived from `peers`;
 * without, it sends zeros, which turns the check off at both ends. Rules are immutable: PeerNetwork
 * builds new ones when its peer list or mode changes, and each handshake step uses the current ones.
 */
export function handshakeRules(
  rules: Omit<HandshakeRules, "membership"> & { readonly membershipCheck: boolean },
): HandshakeRules {
  const { membershipCheck, ...rest } = rules;
  return { ...rest, membership: membershipCheck ? membershipDigest(rules.peers) : noMembershipDigest };
}

/** Whether `peerId` is in this server's peer list. */
export function isListed(rules: Pick<HandshakeRules, "peers">, peerId: number): boolean {
  return rules.peers.some((peer) => peer.id === peerId);
}

/**
 * Where a link's handshake stands. Exactly one end of a pair dials (see peer-network.ts), so the
 * dialer always speaks first and the acceptor never says anything to a socket that has not sent a
 * well-formed hello.
 */
export type HandshakeState =
  | { readonly type: "awaitingChallenge"; readonly dialedId: number; readonly dialerNonce: Uint8Array }
  | { readonly type: "awaitingHello"; readonly acceptorNonce: Uint8Array }
  | { readonly type: "awaitingProof"; readonly dialerId: number; readonly transcript: HandshakeTranscript };

export type HandshakeStep =
  /** Send `reply` and wait for the next frame in `state`. */
  | { readonly type: "continue"; readonly reply: Uint8Array; readonly state: HandshakeState }
  /** The peer is who it says it is: send `reply` (if any) and bring the link up. */
  | { readonly type: "accepted"; readonly peerId: number; readonly reply: Uint8Array | undefined }
  | { readonly type: "rejected"; readonly reason: string };

/** What a dialer sends first, and the state in which it waits for the challenge. */
export function beginDial(
  rules: HandshakeRules,
  dialedId: number,
  dialerNonce: Uint8Array,
): { readonly hello: Uint8Array; readonly state: HandshakeState } {
  const nonce = rules.auth.type === "secret" ? dialerNonce : zeroNonce;
  const hello: Hello = {
    type: "hello",
    serverId: rules.selfId,
    authMode: rules.auth.type,
    nonce,
    membership: rules.membership,
    ensembleId: rules.ensembleId,
  };
  return {
    hello: encodeHandshakeFrame(hello),
    state: { type: "awaitingChallenge", dialedId, dialerNonce: nonce },
  };
}

/** The state of an accepted socket; `acceptorNonce` is fresh for this connection. */
export function beginAccept(acceptorNonce: Uint8Array): HandshakeState {
  return { type: "awaitingHello", acceptorNonce };
}

/** Advances the handshake by one received frame (its bytes, still to be decoded). */
export function stepHandshake(rules: HandshakeRules, state: HandshakeState, bytes: Uint8Array): HandshakeStep {
  const decoded = decodeHandshakeFrame(bytes);
  if (decoded.type === "error") return rejected(decoded.reason);
  const { frame } = decoded;
  switch (state.type) {
    case "awaitingHello":
      return frame.type === "hello" ? answerHello(rules, frame, state.acceptorNonce) : unexpected(frame, "a hello");
    case "awaitingChallenge":
      return frame.type === "challenge" ? answerChallenge(rules, state, frame) : unexpected(frame, "a challenge");
    case "awaitingProof":
      return frame.type === "proof" ? checkProof(rules, state, frame.mac) : unexpected(frame, "a proof");
    default:
      return unreachable(state);
  }
}

function answerHello(rules: HandshakeRules, hello: Hello, acceptorNonce: Uint8Array): HandshakeStep {
  const problem =
    identityProblem(rules, hello) ??
    (hello.serverId < rules.selfId && isListed(rules, hello.serverId)
      ? `server ${hello.serverId} dialed server ${rules.selfId}, but only the higher id dials (both are members)`
      : undefined) ??
    authModeProblem(rules, hello.serverId, hello.authMode) ??
    membershipProblem(rules, hello);
  if (problem !== undefined) return rejected(problem);
  const nonce = rules.auth.type === "secret" ? acceptorNonce : zeroNonce;
  const transcript = transcriptOf(rules, rules.selfId, hello.serverId, hello.nonce, nonce);
  const challenge: Challenge = {
    type: "challenge",
    serverId: rules.selfId,
    authMode: rules.auth.type,
    nonce,
    mac: macOf(rules.auth, "acceptor", transcript),
    membership: rules.membership,
    ensembleId: rules.ensembleId,
  };
  return {
    type: "continue",
    reply: encodeHandshakeFrame(challenge),
    state: { type: "awaitingProof", dialerId: hello.serverId, transcript },
  };
}

function answerChallenge(
  rules: HandshakeRules,
  state: Extract<HandshakeState, { type: "awaitingChallenge" }>,
  challenge: Challenge,
): HandshakeStep {
  const problem =
    identityProblem(rules, challenge) ??
    (challenge.serverId !== state.dialedId
      ? `dialed server ${state.dialedId} but server ${challenge.serverId} answered`
      : undefined) ??
    authModeProblem(rules, challenge.serverId, challenge.authMode) ??
    membershipProblem(rules, challenge);
  if (problem !== undefined) return rejected(problem);
  const transcript = transcriptOf(rules, challenge.serverId, rules.selfId, state.dialerNonce, challenge.nonce);
  if (rules.auth.type === "secret" && !macMatches(rules.auth.key, "acceptor", transcript, challenge.mac)) {
    return rejected(
      `server ${challenge.serverId}'s challenge does not prove the peer secret (the members' secrets differ, or something else answered)`,
    );
  }
  return {
    type: "accepted",
    peerId: challenge.serverId,
    reply: encodeHandshakeFrame({ type: "proof", mac: macOf(rules.auth, "dialer", transcript) }),
  };
}

function checkProof(
  rules: HandshakeRules,
  state: Extract<HandshakeState, { type: "awaitingProof" }>,
  mac: Uint8Array,
): HandshakeStep {
  if (rules.auth.type === "secret" && !macMatches(rules.auth.key, "dialer", state.transcript, mac)) {
    return rejected(
      `server ${state.dialerId}'s proof does not match the peer secret (the members' secrets differ, or the handshake was forged or replayed)`,
    );
  }
  return { type: "accepted", peerId: state.dialerId, reply: undefined };
}

/** The checks both ends make of the other's hello or challenge. */
function identityProblem(rules: HandshakeRules, frame: Hello | Challenge): string | undefined {
  if (frame.ensembleId !== rules.ensembleId) {
    return `server ${frame.serverId} belongs to ensemble "${frame.ensembleId}", not "${rules.ensembleId}"`;
  }
  if (frame.serverId === rules.selfId) return `peer claims this server's own id ${rules.selfId}`;
  // An id missing from our list is no reason to refuse: a joining member is in nobody's list yet.
  // What keeps strangers out is the MAC (or TLS), checked before any link comes up.
  return undefined;
}

/** Both ends must agree: a member with a secret never talks to one without, and vice versa. */
function authModeProblem(rules: HandshakeRules, peerId: number, peerMode: PeerAuthMode): string | undefined {
  if (peerMode === rules.auth.type) return undefined;
  return rules.auth.type === "secret"
    ? `server ${peerId} runs without a peer secret (--insecure-peers), but this server requires one (--peer-secret-file)`
    : `server ${peerId} uses a peer secret (--peer-secret-file), but this server runs with --insecure-peers`;
}

/**
 * Two bootstrap members must list the same members with the same roles, or their quorums differ;
 * zeros on either side skip the check (membership-digest.ts).
 */
function membershipProblem(rules: HandshakeRules, frame: Hello | Challenge): string | undefined {
  const own = rules.membership;
  if (isNoMembershipDigest(own) || isNoMembershipDigest(frame.membership)) return undefined;
  if (own.every((byte, index) => byte === frame.membership[index])) return undefined;
  return (
    `server ${frame.serverId} is configured with another ensemble membership (digest ` +
    `${membershipDigestText(frame.membership)}, this server's ${membershipDigestText(own)}): every member must ` +
    "list the same peers with the same roles; change the peer list on all members together (docs/operations.md)"
  );
}

function transcriptOf(
  rules: HandshakeRules,
  acceptorId: number,
  dialerId: number,
  dialerNonce: Uint8Array,
  acceptorNonce: Uint8Array,
): HandshakeTranscript {
  return {
    protocolVersion: peerProtocolVersion,
    ensembleId: rules.ensembleId,
    acceptorId,
    dialerId,
    dialerNonce,
    acceptorNonce,
  };
}

function macOf(auth: PeerAuth, direction: "acceptor" | "dialer", transcript: HandshakeTranscript): Uint8Array {
  return auth.type === "secret" ? handshakeMac(auth.key, direction, transcript) : zeroMac;
}

function unexpected(frame: HandshakeFrame, expected: string): HandshakeStep {
  return rejected(`expected ${expected}, got a ${frame.type}`);
}

function rejected(reason: string): HandshakeStep {
  return { type: "rejected", reason };
}

const zeroNonce = new Uint8Array(handshakeNonceBytes);
const zeroMac = new Uint8Array(handshakeMacBytes);

/**
 * Round-trip property test of the peer message codec over every message type (fast-check), plus
 * the failure side: truncated, corrupted or foreign bytes decode to MARSHALLINGERROR, never throw.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Epoch, PeerId, SessionId, Zxid } from "../ids.js";
import { EPOCH_MAX } from "../limits.js";
import type { PeerMessage } from "../zab/messages.js";
import { decodePeerMessage, encodePeerMessage } from "./peer-message-codec.js";

const zxidArb = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((v) => v as Zxid);
const epochArb = fc.integer({ min: 0, max: EPOCH_MAX }).map((v) => v as Epoch);
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const bytesArb = fc.uint8Array({ maxLength: 64 });
/** Request ids are safe integers (the host starts them at its start time × 1000). */
const requestIdArb = fc.maxSafeNat();
const link = { connection: u32, seq: u32 };
const sessionArb = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((v) => v as SessionId);
/** Time left is an integer or not, -1 for a session gone (SESSION_GONE). */
const deadlinesArb = fc.array(
  fc.record({
    session: sessionArb,
    remainingMs: fc.oneof(fc.constant(-1), fc.nat(), fc.double({ min: 0, max: 1e9, noNaN: true })),
  }),
  { maxLength: 5 },
);
const entries = fc.array(fc.record({ zxid: zxidArb, txn: bytesArb }), { maxLength: 5 });

const messageArb: fc.Arbitrary<PeerMessage> = fc.oneof(
  // With or without the sender's committed membership (sorted by id, at least one voter, as the decoder insists).
  fc.record(
    {
      type: fc.constant("NOTIFICATION" as const),
      vote: fc.record({
        leader: fc.integer({ min: 1, max: 255 }).map((v) => v as PeerId),
        zxid: zxidArb,
        peerEpoch: epochArb,
      }),
      electionEpoch: u32,
      state: fc.constantFrom("LOOKING", "FOLLOWING", "LEADING", "OBSERVING" as const),
      membership: fc.uniqueArray(fc.integer({ min: 1, max: 255 }), { minLength: 1, maxLength: 7 }).chain((ids) =>
        fc.record({
          version: zxidArb,
          members: fc.constant(
            [...ids]
              .sort((a, b) => a - b)
              .map((id, index) => ({
                id: id as PeerId,
                role: index === 0 ? ("voter" as const) : ("observer" as const),
                host: `keel-${id}`,
                peerPort: 7000 + id,
                clientPort: 8000 + id,
              })),
          ),
        }),
      ),
    },
    { requiredKeys: ["type", "vote", "electionEpoch", "state"] },
  ),
  fc.record({
    type: fc.constantFrom("FOLLOWERINFO" as const, "OBSERVERINFO" as const),
    acceptedEpoch: epochArb,
    ...link,
  }),
  fc.record({ type: fc.constant("LEADERINFO" as const), newEpoch: epochArb, ...link }),
  fc.record({
    type: fc.constant("ACKEPOCH" as const),
    currentEpoch: epochArb,
    lastZxid: zxidArb,
    fresh: fc.boolean(),
    deadlines: fc.option(deadlinesArb, { nil: undefined }),
    ...link,
  }),
  fc.record({
    type: fc.constantFrom("DIFF" as const, "TRUNC" as const, "ACK" as const, "COMMIT" as const),
    zxid: zxidArb,
    ...link,
  }),
  fc.record({
    type: fc.constant("SNAP" as const),
    snapshot: fc.record({
      zxid: zxidArb,
      chunkCount: fc.integer({ min: 0, max: 1 << 20 }),
      bytesTotal: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      checksum: u32,
    }),
    ...link,
  }),
  fc.record({ type: fc.constant("SNAPCHUNK" as const), index: u32, data: bytesArb, ...link }),
  fc.record({ type: fc.constant("SNAPACK" as const), index: u32, ...link }),
  fc.record({ type: fc.constantFrom("PROPOSAL" as const, "INFORM" as const), entries, ...link }),
  fc.record({ type: fc.constant("NEWLEADER" as const), epoch: epochArb, zxid: zxidArb, ...link }),
  fc.record({ type: fc.constant("ACKNEWLEADER" as const), epoch: epochArb, ...link }),
  fc.record({ type: fc.constant("UPTODATE" as const), committedZxid: zxidArb, ...link }),
  fc.record({
    type: fc.constant("REQUEST" as const),
    requests: fc.array(fc.record({ requestId: requestIdArb, request: bytesArb }), { maxLength: 5 }),
    ...link,
  }),
  fc.record({
    type: fc.constant("REQUESTREJECTED" as const),
    requestId: requestIdArb,
    code: fc.constantFrom("THROTTLEDOP" as const, "CONNECTIONLOSS" as const),
    ...link,
  }),
  fc.record({ type: fc.constant("PING" as const), round: u32, full: fc.boolean(), deadlines: deadlinesArb, ...link }),
  fc.record({
    type: fc.constant("PINGREPLY" as const),
    round: u32,
    sessions: fc.array(
      fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((v) => v as SessionId),
      { maxLength: 5 },
    ),
    ...link,
  }),
  fc.record({ type: fc.constant("SYNC" as const), syncId: u32, ...link }),
  fc.record({ type: fc.constant("SYNCREPLY" as const), syncId: u32, zxid: zxidArb, ...link }),
  fc.record({
    type: fc.constant("TOUCH" as const),
    touchId: u32,
    session: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((v) => v as SessionId),
    ...link,
  }),
  fc.record({
    type: fc.constant("TOUCHREPLY" as const),
    touchId: u32,
    status: fc.constantFrom("OPEN" as const, "EXPIRED" as const, "NOTREADY" as const),
    ...link,
  }),
);

describe("peer message codec", () => {
  it("round-trips every message", () => {
    fc.assert(
      fc.property(messageArb, (message) => {
        const decoded = decodePeerMessage(encodePeerMessage(message));
        expect(decoded.type).toBe("ok");
        if (decoded.type === "ok") expect(decoded.message).toEqual(message);
      }),
      { numRuns: 500 },
    );
  });

  it("rejects truncated or corrupted bytes with MARSHALLINGERROR", () => {
    fc.assert(
      fc.property(messageArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (message, at, flip) => {
        const bytes = encodePeerMessage(message);
        const truncated = decodePeerMessage(bytes.subarray(0, at % bytes.length));
        expect(truncated.type).toBe("error");
        const corrupted = bytes.slice();
        const index = at % corrupted.length;
        corrupted[index] = (corrupted[index] as number) ^ flip;
        const result = decodePeerMessage(corrupted);
        expect(result.type).toBe("error");
        if (result.type === "error") expect(result.error.code).toBe("MARSHALLINGERROR");
      }),
      { numRuns: 300 },
    );
  });

  it("never throws on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        expect(() => decodePeerMessage(bytes)).not.toThrow();
      }),
    );
  });
  it("refuses an epoch the store could not keep (above EPOCH_MAX) as malformed", () => {
    const message: PeerMessage = { type: "LEADERINFO", connection: 1, seq: 1, newEpoch: (EPOCH_MAX + 1) as Epoch };
    const decoded = decodePeerMessage(encodePeerMessage(message));
    expect(decoded.type).toBe("error");
  });
});

/**
 * Simulator mode that replicates the real znode application (KeelState) instead of the hash-chain
 * test app: writes are real create / setData / delete / createSession requests, the leader's
 * KeelState prepares them and every replica applies them to its own tree. At the end of a run each
 * replica's tree digest must equal a fresh replay of the committed history.
 */

import { KeelState } from "../app/keel-state.js";
import type { KeelStateConfig } from "../app/keel-state-config.js";
import { encodeRequest } from "../codec/request-codec.js";
import type { SessionId } from "../ids.js";
import { OPEN_ACL_UNSAFE } from "../tree/acl.js";
import type { ClientRequest } from "../tree/request.js";
import type { LogEntry, Snapshot } from "../zab/io.js";
import { SIM_SNAPSHOT_CHUNKS } from "./app.js";
import { InvariantViolation } from "./invariants.js";
import type { Prng } from "./prng.js";

export const KEEL_SIM_CONFIG: Partial<KeelStateConfig> = {
  sessionTimeoutMinMs: 100,
  sessionTimeoutMaxMs: 1000,
  sessionExpiryBucketMs: 10,
  historyTxnsMax: 64,
};

export function newKeelState(snapshot: Snapshot | undefined): KeelState {
  if (snapshot === undefined) return new KeelState(KEEL_SIM_CONFIG);
  const restored = KeelState.restore(
    { zxid: snapshot.zxid, chunks: snapshot.chunks.slice(SIM_SNAPSHOT_CHUNKS) },
    KEEL_SIM_CONFIG,
  );
  if (restored instanceof Error) throw restored;
  return restored;
}

export function restoreKeelState(state: KeelState, snapshot: Snapshot): void {
  const error = state.restore({ zxid: snapshot.zxid, chunks: snapshot.chunks.slice(SIM_SNAPSHOT_CHUNKS) });
  if (error !== undefined) throw error;
}

/** A random client request against a small key space, so creates, conflicts and deletes all happen. */
export function keelRequest(prng: Prng, origin: number, requestId: number, sessions: readonly SessionId[]): Uint8Array {
  const path = `/k${prng.int(6)}`;
  const data = new Uint8Array([requestId & 0xff]);
  const session = sessions.length > 0 && prng.chance(0.5) ? prng.pick(sessions) : (0n as SessionId);
  let request: ClientRequest;
  switch (prng.int(5)) {
    case 0:
      request = { type: "createSession", timeoutMs: 200, password: new Uint8Array(4) };
      break;
    case 1:
      request = { type: "create", path, data, acl: OPEN_ACL_UNSAFE, kind: session === 0n ? "persistent" : "ephemeral" };
      break;
    case 2:
      request = { type: "delete", path, version: -1 };
      break;
    default:
      request = { type: "setData", path, data, version: -1 };
  }
  return encodeRequest({ sessionId: session, cxid: requestId, origin: { peer: origin, requestId }, auth: [], request });
}

/** Replays the committed history and compares each replica's tree digest at its applied position. */
export function checkKeelReplicas(
  committed: readonly LogEntry[],
  replicas: { peer: number; count: number; state: KeelState }[],
): void {
  const reference = new KeelState(KEEL_SIM_CONFIG);
  let applied = 0;
  for (const replica of [...replicas].sort((a, b) => a.count - b.count)) {
    for (; applied < replica.count; applied++) reference.apply(committed[applied] as LogEntry);
    if (reference.digest() !== replica.state.digest() || reference.lastAppliedZxid !== replica.state.lastAppliedZxid) {
      throw new InvariantViolation(
        "every tree equals the replay of its committed log",
        `peer ${replica.peer}: KeelState digest differs after ${replica.count} txns`,
      );
    }
  }
}

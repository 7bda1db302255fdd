/**
 * The limits agree with each other: every layer derives its bounds from this file, so a value one
 * layer accepts must fit every layer after it.
 */
import { describe, expect, it } from "vitest";
import { ZXID_COUNTER_MAX, zxid } from "./ids.js";
import {
  base64CharsFor,
  DATA_BYTES_MAX_CEILING,
  DATA_BYTES_MAX_DEFAULT,
  EPOCH_MAX,
  FORCE_RELEASE_REASON_BYTES_MAX,
  PATH_BYTES_MAX,
  PEER_MESSAGE_BYTES_MAX,
  SESSION_LIST_LIMIT_DEFAULT,
  SESSION_LIST_LIMIT_MAX,
  SESSIONS_MAX,
  SNAPSHOT_CHUNK_BYTES_TARGET,
  TXN_BYTES_MAX,
  TXN_OVERHEAD_BYTES_MAX,
} from "./limits.js";

describe("limits", () => {
  it("keeps the largest zxid inside SQLite's signed 64-bit INTEGER, where the store keeps it", () => {
    expect(zxid(EPOCH_MAX, ZXID_COUNTER_MAX)).toBeLessThanOrEqual(2n ** 63n - 1n);
  });

  it("lets the largest configurable data travel in one txn, one peer message and one snapshot chunk", () => {
    expect(DATA_BYTES_MAX_CEILING + TXN_OVERHEAD_BYTES_MAX).toBeLessThanOrEqual(TXN_BYTES_MAX);
    expect(DATA_BYTES_MAX_CEILING + TXN_OVERHEAD_BYTES_MAX + SNAPSHOT_CHUNK_BYTES_TARGET).toBeLessThanOrEqual(
      PEER_MESSAGE_BYTES_MAX,
    );
    // As base64 in a client request, it still fits what a follower forwards in one peer message.
    expect(base64CharsFor(DATA_BYTES_MAX_CEILING) + TXN_OVERHEAD_BYTES_MAX).toBeLessThanOrEqual(PEER_MESSAGE_BYTES_MAX);
    expect(DATA_BYTES_MAX_DEFAULT).toBeLessThanOrEqual(DATA_BYTES_MAX_CEILING);
  });

  it("computes base64 lengths", () => {
    expect([0, 1, 2, 3, 4].map(base64CharsFor)).toEqual([0, 4, 4, 4, 8]);
  });

  it("lets a force-release delete (path + reason) fit a txn's fixed overhead", () => {
    expect(PATH_BYTES_MAX + FORCE_RELEASE_REASON_BYTES_MAX).toBeLessThanOrEqual(TXN_OVERHEAD_BYTES_MAX);
  });

  it("bounds a session listing below the sessions an ensemble can hold", () => {
    expect(SESSION_LIST_LIMIT_DEFAULT).toBeLessThanOrEqual(SESSION_LIST_LIMIT_MAX);
    expect(SESSION_LIST_LIMIT_MAX).toBeLessThanOrEqual(SESSIONS_MAX);
  });
});

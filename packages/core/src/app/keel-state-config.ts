/** Configuration of KeelState, with defaults from limits.ts and a validating resolver. */
import { assert } from "../assert.js";
import {
  DATA_BYTES_MAX_DEFAULT,
  HISTORY_TXNS_MAX_DEFAULT,
  SESSION_EXPIRY_BUCKET_MS_DEFAULT,
  SESSION_TIMEOUT_MAX_MS_DEFAULT,
  SESSION_TIMEOUT_MIN_MS_DEFAULT,
} from "../limits.js";
import type { AuthId } from "../tree/acl.js";

export interface KeelStateConfig {
  /** Largest znode data in bytes. */
  readonly dataBytesMax: number;
  /** Allow TTL nodes (ZooKeeper's extendedTypesEnabled). */
  readonly ttlEnabled: boolean;
  /** Identities that bypass ACLs (ZooKeeper's superDigest), e.g. { scheme: "digest", id: "super:…" }. */
  readonly superIds: readonly AuthId[];
  /** Negotiated session timeouts are clamped into [min, max]. */
  readonly sessionTimeoutMinMs: number;
  readonly sessionTimeoutMaxMs: number;
  /** Expiry bucket width (ZooKeeper: tickTime). */
  readonly sessionExpiryBucketMs: number;
  /** Applied txns kept for watch-stream resume. */
  readonly historyTxnsMax: number;
}

export const KEEL_STATE_CONFIG_DEFAULT: KeelStateConfig = Object.freeze({
  dataBytesMax: DATA_BYTES_MAX_DEFAULT,
  ttlEnabled: true,
  superIds: [],
  sessionTimeoutMinMs: SESSION_TIMEOUT_MIN_MS_DEFAULT,
  sessionTimeoutMaxMs: SESSION_TIMEOUT_MAX_MS_DEFAULT,
  sessionExpiryBucketMs: SESSION_EXPIRY_BUCKET_MS_DEFAULT,
  historyTxnsMax: HISTORY_TXNS_MAX_DEFAULT,
});

/** Fills defaults and asserts the relationships (config is validated at the edge; here it is a bug). */
export function resolveKeelStateConfig(partial: Partial<KeelStateConfig>): KeelStateConfig {
  const config = { ...KEEL_STATE_CONFIG_DEFAULT, ...partial };
  assert(
    Number.isInteger(config.dataBytesMax) && config.dataBytesMax >= 0,
    "dataBytesMax must be a non-negative integer",
  );
  assert(
    config.sessionTimeoutMinMs > 0 && config.sessionTimeoutMinMs <= config.sessionTimeoutMaxMs,
    "session timeout bounds",
  );
  assert(config.sessionExpiryBucketMs > 0, "sessionExpiryBucketMs must be positive");
  assert(Number.isInteger(config.historyTxnsMax) && config.historyTxnsMax > 0, "historyTxnsMax must be positive");
  return Object.freeze(config);
}

/**
 * The API edge's bounds, derived from core's limits.ts (the one source): a value the edge accepts
 * is one core can hold, and the server's configured limits (dataBytesMax, session timeouts) may
 * only be tighter; core's validators check those and answer BADARGUMENTS.
 */
import {
  ACL_ENTRIES_MAX,
  ACL_ID_BYTES_MAX,
  base64CharsFor,
  DATA_BYTES_MAX_CEILING,
  FORCE_RELEASE_REASON_BYTES_MAX,
  MULTI_OPS_MAX,
  PATH_BYTES_MAX,
  SESSION_LIST_LIMIT_DEFAULT,
  SESSION_LIST_LIMIT_MAX,
  SESSION_SECRET_CHARS_MAX,
  SESSION_TIMEOUT_MS_CEILING,
  TTL_MS_MAX,
  VERSION_MAX,
} from "@keel/core";

/** A path of PATH_BYTES_MAX UTF-8 bytes has at most as many UTF-16 characters. */
export const API_PATH_CHARS_MAX = PATH_BYTES_MAX;
/**
 * Largest data string before decoding: base64 of the largest data a server may be configured to
 * accept (UTF-8 text is never longer in characters than in bytes). The configured dataBytesMax and
 * requestBytesMax are the real, tighter bounds.
 */
export const API_DATA_CHARS_MAX = base64CharsFor(DATA_BYTES_MAX_CEILING);
export const API_MULTI_OPS_MAX = MULTI_OPS_MAX;
export const API_ACL_ENTRIES_MAX = ACL_ENTRIES_MAX;
export const API_ACL_ID_CHARS_MAX = ACL_ID_BYTES_MAX;
export const API_SESSION_TIMEOUT_MS_MAX = SESSION_TIMEOUT_MS_CEILING;
export const API_SESSION_SECRET_CHARS_MAX = SESSION_SECRET_CHARS_MAX;
export const API_TTL_MS_MAX = TTL_MS_MAX;
export const API_VERSION_MAX = VERSION_MAX;
/** A reason of that many UTF-8 bytes has at most as many characters; core checks the bytes. */
export const API_FORCE_RELEASE_REASON_CHARS_MAX = FORCE_RELEASE_REASON_BYTES_MAX;
export const API_SESSION_LIST_LIMIT_DEFAULT = SESSION_LIST_LIMIT_DEFAULT;
export const API_SESSION_LIST_LIMIT_MAX = SESSION_LIST_LIMIT_MAX;

/** `node.find`: longest search text, most matches per call, most nodes one call visits. */
export const API_FIND_TEXT_CHARS_MAX = 256;
export const API_FIND_LIMIT_MAX = 1000;
export const API_FIND_SCAN_MAX = 200_000;
/** `session.ephemerals`: most paths one call lists. */
export const API_SESSION_EPHEMERALS_LIMIT_MAX = 10_000;
/** `log.events`: most history entries replayed for `backlog`. */
export const API_LOG_BACKLOG_MAX = 1000;
/** `cluster.metrics`: the shortest sample interval. */
export const API_METRICS_INTERVAL_MS_MIN = 250;
/** `cluster.events`: a status is pushed on every change and at least this often. */
export const API_STATUS_PUSH_MS = 500;
/** `node.children`: most names one page returns (and the default page). */
export const API_CHILDREN_LIMIT_MAX = 10_000;

// ---- users and tokens
export const API_PASSWORD_CHARS_MIN = 8;
/** Long enough for any passphrase, short enough that hashing it costs nothing extra. */
export const API_PASSWORD_CHARS_MAX = 1024;
export const API_USER_LIST_LIMIT_MAX = 1000;
export const API_TOKEN_SCOPE_PATHS_MAX = 16;
export const API_TOKEN_TTL_MS_MIN = 60_000;
/** A year: a token that never expires is a leak that never ends. */
export const API_TOKEN_TTL_MS_MAX = 365 * 24 * 3600_000;
export const API_TOKEN_DESCRIPTION_CHARS_MAX = 200;
/** The longest bearer string or Basic credentials a server reads from a header (a Keel token is 65 characters). */
export const API_CREDENTIALS_CHARS_MAX = 2048;
/** A console login lasts 8 hours unless asked otherwise, at most a day. */
export const API_LOGIN_TTL_MS_DEFAULT = 8 * 3600_000;
export const API_LOGIN_TTL_MS_MAX = 24 * 3600_000;
/** `audit.events`: most records replayed for `backlog` (a member keeps this many). */
export const API_AUDIT_BACKLOG_MAX = 1000;

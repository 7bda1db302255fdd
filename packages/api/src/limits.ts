/** The API edge's bounds (style rule 4). The server's configured limits may be tighter. */
export const API_PATH_CHARS_MAX = 4096;
/** Largest data accepted on the wire before decoding (base64 of 1 MiB is ~1.4 MB). */
export const API_DATA_CHARS_MAX = 1_500_000;
export const API_MULTI_OPS_MAX = 1000;
export const API_ACL_ENTRIES_MAX = 64;
export const API_SESSION_TIMEOUT_MS_MAX = 3_600_000;
export const API_TTL_MS_MAX = 10 * 365 * 24 * 3_600_000;

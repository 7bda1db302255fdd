/**
 * Every bound in one place (style rule 4). Edges reject input over a limit with a typed error;
 * core asserts them. Sections are owned by the module named in their heading.
 */

// --- tree (packages/core/src/tree) ---
/** Largest path, in UTF-8 bytes. ZooKeeper bounds path + data by jute.maxbuffer (~1 MiB); Keel bounds each. */
export const PATH_BYTES_MAX = 4096;
/** Deepest path (segments). */
export const PATH_DEPTH_MAX = 256;
/** Default largest znode data, in bytes (1 MiB, ZooKeeper's jute.maxbuffer default). */
export const DATA_BYTES_MAX_DEFAULT = 1024 * 1024;
/** Ops in one multi. */
export const MULTI_OPS_MAX = 1000;

// --- zab (packages/core/src/zab) ---

// --- sessions and watches ---

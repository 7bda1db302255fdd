/**
 * Every bound in one place (style rule 4), and the one source the other layers derive theirs from:
 * the API's zod schemas (packages/api/src/limits.ts), the server's config bounds and start-up
 * checks (apps/server/src/config.ts) and the store's checks (packages/db) import these. Edges
 * reject input over a limit with a typed error; core asserts them. Sections are owned by the
 * module named in their heading.
 */
const KiB = 1024;
const MiB = 1024 * KiB;

// --- tree (packages/core/src/tree) ---
/** Largest path, in UTF-8 bytes. ZooKeeper bounds path + data by jute.maxbuffer (~1 MiB); Keel bounds each. */
export const PATH_BYTES_MAX = 4096;
/** Deepest path (segments). */
export const PATH_DEPTH_MAX = 256;
/** Default largest znode data, in bytes (1 MiB, ZooKeeper's jute.maxbuffer default). */
export const DATA_BYTES_MAX_DEFAULT = 1 * MiB;
/**
 * The largest `dataBytesMax` a server may be configured with. A txn carrying that much data, plus
 * a snapshot chunk's worth of other nodes, must still fit one peer message (PEER_MESSAGE_BYTES_MAX).
 */
export const DATA_BYTES_MAX_CEILING = 16 * MiB;
/** Ops in one multi. */
export const MULTI_OPS_MAX = 1000;
/** Entries in one ACL list. ZooKeeper has no explicit bound; a list this long is a mistake. */
export const ACL_ENTRIES_MAX = 64;
/** Longest ACL scheme or id string, in UTF-8 bytes. */
export const ACL_ID_BYTES_MAX = 1024;
/** Largest TTL a TTL node may ask for (ZooKeeper's ttl field: 40 bits of ms is about 35 years; Keel says one year). */
export const TTL_MS_MAX = 365 * 24 * 60 * 60 * 1000;
/** Largest znode version (and cversion, aversion): ZooKeeper's versions are signed 32-bit ints. */
export const VERSION_MAX = 2_147_483_647;
/**
 * Bytes a txn or request may carry besides its data: the path, a full ACL list, and the fixed
 * fields and framing. A frame must hold data + this to carry the largest txn.
 */
export const TXN_OVERHEAD_BYTES_MAX = PATH_BYTES_MAX + ACL_ENTRIES_MAX * (2 * ACL_ID_BYTES_MAX + 16) + 4 * KiB;
/** Target size of one snapshot chunk, in bytes (a chunk may exceed it by one node). */
export const SNAPSHOT_CHUNK_BYTES_TARGET = 1024 * 1024;
/** Recent committed txns kept in memory so a watch stream can resume from a zxid. */
export const HISTORY_TXNS_MAX_DEFAULT = 10_000;
/**
 * Node changes those txns may hold in all: a multi of 1,000 creates is one txn but 1,000 results
 * and changes, so a count of txns alone let the history hold millions of objects (hundreds of
 * MiB while a big tree is loaded or replayed). Past this, the oldest txns leave early.
 */
export const HISTORY_CHANGES_MAX = 100_000;
/**
 * Longest reason an operator may give for a force-release (node.delete with `forceRelease`), in
 * UTF-8 bytes: it travels in the txn and in every watcher's NodeDeleted event, so it stays short.
 */
export const FORCE_RELEASE_REASON_BYTES_MAX = 1024;
/** Largest request or txn the codecs accept, in bytes (path + data + ACL + framing; ZooKeeper's jute.maxbuffer is ~1 MiB). */
export const TXN_BYTES_MAX = 64 * MiB;

// --- zab (packages/core/src/zab) ---
/** Voters in one ensemble (ZooKeeper ensembles rarely exceed 7; every quorum computation is O(voters)). */
export const VOTERS_MAX = 15;
/** Observers in one ensemble. */
export const OBSERVERS_MAX = 32;
/**
 * Learners a leader keeps that are in no configuration: servers joining with `--join` (they sync
 * before a membership change adds them) and removed ones still following. Authenticated peers
 * only; the bound keeps a misconfigured fleet from holding a leader's memory and bandwidth.
 */
export const NON_MEMBER_LEARNERS_MAX = 8;
/** Txns in one PROPOSAL / INFORM frame (Keel's batching, docs/protocol.md §6). */
export const PROPOSAL_BATCH_ENTRIES_MAX = 512;
/** Approximate txn bytes in one PROPOSAL / INFORM frame (one entry may exceed it alone). */
export const PROPOSAL_BATCH_BYTES_MAX = 4 * 1024 * 1024;
/** Proposals the leader keeps in flight (proposed, not yet committed): etcd's MaxInflightMsgs. */
export const PIPELINE_MAX = 4096;
/** Client writes a learner forwards in one REQUEST frame (the rest follow in the next frame). */
export const FORWARD_BATCH_REQUESTS_MAX = 512;
/** Client requests (local and forwarded) queued at the leader while the pipeline is full or it is not yet serving. */
export const REQUEST_QUEUE_MAX = 8192;
/** sync() calls waiting on one replica (and, at the leader, on behalf of all learners). */
export const SYNCS_PENDING_MAX = 4096;
/** Confirmed keep-alives (TOUCH) waiting on one replica for the leader's answer. */
export const TOUCH_CONFIRMS_PENDING_MAX = 4096;
/** Distinct session ids a learner buffers between two PINGs. */
export const SESSION_TOUCHES_MAX = 65536;
/** Frames the leader streams to one learner per step or tick (bounds a Ready; the rest follows next step). */
export const LEARNER_FRAMES_PER_STEP_MAX = 8;
/** Requests the leader's housekeeping may originate per tick (closeSession for expired sessions, ...). */
export const HOUSEKEEPING_REQUESTS_MAX = 256;
/**
 * Committed entries handed to the host in one Ready (the driver loops for the rest). Small enough
 * that applying one Ready (tree, watches, replies) is a short slice of an event-loop turn.
 */
export const COMMIT_BATCH_ENTRIES_MAX = 512;
/** Durable log entries kept in memory for streaming and applying (zab/recent-entries.ts): about two pipelines. */
export const RECENT_LOG_ENTRIES_MAX = 2 * 4096;
/** Bytes of txns those entries may hold. */
export const RECENT_LOG_BYTES_MAX = 64 * MiB;
/** Largest encoded peer message; the codec rejects bigger ones, so a configured peer frame cannot exceed it. */
export const PEER_MESSAGE_BYTES_MAX = 64 * MiB;
/**
 * Largest epoch. A zxid is (epoch << 32 | counter) and the store keeps it in SQLite's signed 64-bit
 * INTEGER, so the epoch must stay below 2^31 for the zxid to stay positive and ordered.
 */
export const EPOCH_MAX = 2 ** 31 - 1;
/** Chunks in one snapshot (a SNAP header announcing more is malformed). */
export const SNAPSHOT_CHUNKS_MAX = 1 << 20;
/**
 * Largest snapshot chunk SNAPCHUNK carries. Stored chunks aim at SNAPSHOT_CHUNK_BYTES_TARGET and
 * exceed it by at most one node, so this leaves room for the biggest znode; it stays far below
 * PEER_MESSAGE_BYTES_MAX so a SNAP never needs a big frame.
 */
export const SNAPSHOT_TRANSFER_CHUNK_BYTES_MAX = 16 * 1024 * 1024;
/**
 * SNAPCHUNKs the leader keeps in flight (sent, not yet SNAPACKed) per learner: bounds the bytes
 * queued on one link (about this many times SNAPSHOT_CHUNK_BYTES_TARGET) while keeping the pipe full.
 */
export const SNAP_WINDOW_CHUNKS_MAX = 4;
/**
 * PROPOSAL / INFORM frames the leader streams per tick to one learner still synchronizing (before
 * NEWLEADER). The learner does not ack the sync stream, so this paces it: a DIFF of hundreds of MiB
 * (after a SNAP, or after a long absence) would otherwise be queued on the link at once and
 * overflow the transport's send queue. At PROPOSAL_BATCH_BYTES_MAX per frame: 8 MiB per tick.
 */
export const SYNC_FRAMES_PER_TICK_MAX = 2;
/** Ready rounds one `drive()` call may run before it asserts a livelock. */
export const DRIVE_ROUNDS_MAX = 100_000;

// --- sessions and watches ---
/** Live sessions the leader tracks. */
export const SESSIONS_MAX = 100_000;
/**
 * Session deadlines in one PING or ACKEPOCH (docs/protocol.md §3.5). The leader's full table holds
 * at most SESSIONS_MAX (a createSession past it is refused); a follower's memory is that table and
 * the changes since, so about as big. A memory over this reports nothing: the next leader then
 * gives every session a fresh full timeout, late but never early.
 */
export const SESSION_DEADLINES_MAX = 2 * SESSIONS_MAX;
/** Default negotiated session timeout bounds (ZooKeeper: 2 and 20 ticks of 2000 ms). */
export const SESSION_TIMEOUT_MIN_MS_DEFAULT = 4_000;
export const SESSION_TIMEOUT_MAX_MS_DEFAULT = 40_000;
/** Width of one session-expiry bucket (ZooKeeper's ExpiryQueue expirationInterval, normally one tick). */
export const SESSION_EXPIRY_BUCKET_MS_DEFAULT = 500;
/** Length of a session's password (secret), in bytes. */
export const SESSION_PASSWORD_BYTES_MAX = 64;
/** Longest client address a createSession records (an IPv6 address with port fits in 64). */
export const CLIENT_ADDRESS_BYTES_MAX = 128;
/** Watches (one-shot and persistent) one watcher may hold. */
export const WATCHES_PER_WATCHER_MAX = 100_000;
/** Default and largest count of watch streams one client connection may hold (`watchesPerSessionMax`). */
export const WATCHES_PER_SESSION_MAX_DEFAULT = 10_000;
export const WATCHES_PER_SESSION_MAX_CEILING = 10_000_000;
/** Largest session timeout a client may ask for (the server clamps it to its configured range). */
export const SESSION_TIMEOUT_MS_CEILING = 86_400_000;
/** Sessions one `session.list` answer carries by default, and at most (`limit`); more set `truncated`. */
export const SESSION_LIST_LIMIT_DEFAULT = 1_000;
export const SESSION_LIST_LIMIT_MAX = 10_000;
/** Children one `node.children` page carries by default, and at most (`limit`); `nextAfter` leads on. */
export const CHILDREN_PAGE_LIMIT_DEFAULT = 10_000;
export const CHILDREN_PAGE_LIMIT_MAX = 10_000;
/**
 * Nodes whose sorted child names a tree keeps for the next children page (DataTree.childrenPage),
 * each until its child set changes: memory is at most this many child-name arrays (one pointer per
 * name; the strings are the tree's own).
 */
export const SORTED_CHILDREN_CACHED_NODES_MAX = 16;
/** Length of a session secret as the API carries it (hex of SESSION_PASSWORD_BYTES_MAX bytes). */
export const SESSION_SECRET_CHARS_MAX = 2 * SESSION_PASSWORD_BYTES_MAX;

// --- derived encodings (used by the API edge) ---
/** Characters of base64 that encode `bytes` bytes. */
export function base64CharsFor(bytes: number): number {
  return 4 * Math.ceil(bytes / 3);
}

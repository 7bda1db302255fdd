/**
 * The differential script: one table of steps, run in order by one kazoo process
 * (clients/differential/run_script.py) against each server. Every step names the client session
 * it runs on (`a` unless said), an op and its arguments; run_script.py records the whole answer
 * (result fields or kazoo's exception class), and normalise.ts turns absolute zxids, session ids
 * and times into relations before the two servers' answers are compared.
 *
 * Everything lives under /d (created first, its czxid is the script's baseline zxid), apart
 * from the reads of the root and of /zookeeper, and the malformed paths, which are built to
 * resemble /d so that a server that normalises a path instead of rejecting it shows up.
 */

export type CreateMode =
  | "persistent"
  | "ephemeral"
  | "persistent_sequential"
  | "ephemeral_sequential"
  | "container"
  | "ttl"
  | "ttl_sequential";

export interface AclEntry {
  readonly perms: number;
  readonly scheme: string;
  /** For `digest` with `password`: the user name; run_script.py hashes `user:password`. */
  readonly id: string;
  readonly password?: string;
}

export type MultiOp =
  | { readonly op: "create"; readonly path: string; readonly data?: string; readonly mode?: CreateMode }
  | { readonly op: "delete"; readonly path: string; readonly version?: number }
  | { readonly op: "set"; readonly path: string; readonly data?: string; readonly version?: number }
  | { readonly op: "check"; readonly path: string; readonly version?: number };

interface Base {
  readonly id: string;
  readonly client?: string;
}

export type Step = Base &
  (
    | { readonly op: "open" | "close" }
    | { readonly op: "addAuth"; readonly scheme: string; readonly credential: string }
    | {
        readonly op: "create" | "create2";
        readonly path: string;
        /** null sends a null buffer (length -1). */
        readonly data?: string | null;
        /** Instead of `data`: this many bytes of "x". */
        readonly dataBytes?: number;
        readonly mode?: CreateMode;
        /** Sends createTTL (op 21) with this ttl, whatever the mode. */
        readonly ttl?: number;
        readonly acl?: readonly AclEntry[];
      }
    | { readonly op: "exists" | "get" | "children" | "children2"; readonly path: string; readonly watch?: boolean }
    | {
        readonly op: "set";
        readonly path: string;
        readonly data?: string;
        readonly dataBytes?: number;
        readonly version?: number;
      }
    | { readonly op: "delete"; readonly path: string; readonly version?: number }
    /** check (op 13) outside multi; `replyWaitS` bounds the wait, as ZooKeeper may not answer. */
    | { readonly op: "check"; readonly path: string; readonly version?: number; readonly replyWaitS?: number }
    | { readonly op: "getAcl" | "sync" | "ephemerals" | "allChildrenNumber"; readonly path: string }
    | { readonly op: "setAcl"; readonly path: string; readonly acl: readonly AclEntry[]; readonly version?: number }
    | { readonly op: "multi"; readonly ops: readonly MultiOp[] }
    /** Waits for `count` watch events on the client, then returns every event seen since the last `events`. */
    | { readonly op: "events"; readonly count: number }
  );

/** The step whose created node's czxid is the baseline: older zxids normalise to "pre". */
export const baselineStep = "create2 /d";

const alice: AclEntry = { perms: 31, scheme: "digest", id: "alice", password: "secret" };
const worldRead: AclEntry = { perms: 1, scheme: "world", id: "anyone" };
const oneMiB = 1024 * 1024;

/** Malformed paths, each shaped after /d or its child /d/p so a normalising server stands out. */
const malformedPaths = ["/d/", "/d//p", "/d/./p", "/d/../d", "d", ""] as const;

const malformedSteps: Step[] = malformedPaths.flatMap((path): Step[] => [
  { id: `malformed create ${JSON.stringify(path)}`, op: "create", path, data: "m" },
  { id: `malformed get ${JSON.stringify(path)}`, op: "get", path },
  { id: `malformed exists ${JSON.stringify(path)}`, op: "exists", path },
  { id: `malformed children ${JSON.stringify(path)}`, op: "children", path },
  { id: `malformed set ${JSON.stringify(path)}`, op: "set", path, data: "m", version: 99 },
  { id: `malformed delete ${JSON.stringify(path)}`, op: "delete", path, version: 99 },
]);

const systemReads: (suffix: string) => Step[] = (suffix) => [
  { id: `exists / ${suffix}`, op: "exists", path: "/" },
  { id: `children / ${suffix}`, op: "children", path: "/" },
  { id: `get / ${suffix}`, op: "get", path: "/" },
  { id: `getAcl / ${suffix}`, op: "getAcl", path: "/" },
  { id: `children2 /zookeeper ${suffix}`, op: "children2", path: "/zookeeper" },
  { id: `get /zookeeper ${suffix}`, op: "get", path: "/zookeeper" },
  { id: `getAcl /zookeeper ${suffix}`, op: "getAcl", path: "/zookeeper" },
  { id: `get /zookeeper/config ${suffix}`, op: "get", path: "/zookeeper/config" },
  { id: `getAcl /zookeeper/config ${suffix}`, op: "getAcl", path: "/zookeeper/config" },
  { id: `children2 /zookeeper/quota ${suffix}`, op: "children2", path: "/zookeeper/quota" },
  { id: `get /zookeeper/quota ${suffix}`, op: "get", path: "/zookeeper/quota" },
];

export const script: readonly Step[] = [
  { id: "open a", op: "open" },
  { id: baselineStep, op: "create2", path: "/d", data: "root" },
  ...systemReads("(start)"),

  // create in every mode, and its errors
  { id: "create /d/p", op: "create", path: "/d/p", data: "p" },
  { id: "create2 /d/p2", op: "create2", path: "/d/p2", data: "p2" },
  { id: "create /d/p again: NODEEXISTS", op: "create", path: "/d/p" },
  { id: "create under missing parent: NONODE", op: "create", path: "/d/missing/x" },
  { id: "create2 ephemeral /d/e", op: "create2", path: "/d/e", data: "e", mode: "ephemeral" },
  { id: "create under ephemeral: NOCHILDRENFOREPHEMERALS", op: "create", path: "/d/e/child" },
  { id: "create2 persistent_sequential #1", op: "create2", path: "/d/p/s-", mode: "persistent_sequential" },
  { id: "create ephemeral_sequential #2", op: "create", path: "/d/p/s-", mode: "ephemeral_sequential" },
  { id: "create persistent_sequential #3", op: "create", path: "/d/p/s-", mode: "persistent_sequential" },
  { id: "delete sequential #1", op: "delete", path: "/d/p/s-0000000000" },
  { id: "delete sequential #3", op: "delete", path: "/d/p/s-0000000002" },
  { id: "create persistent_sequential after deletes", op: "create2", path: "/d/p/s-", mode: "persistent_sequential" },
  { id: "children2 /d/p after sequential churn", op: "children2", path: "/d/p" },
  { id: "sequential create on trailing slash /d/p/", op: "create", path: "/d/p/", mode: "persistent_sequential" },
  { id: "create2 container /d/c", op: "create2", path: "/d/c", data: "c", mode: "container" },
  { id: "create child of container", op: "create", path: "/d/c/kid" },
  { id: "delete last child of container", op: "delete", path: "/d/c/kid" },
  { id: "exists emptied container", op: "exists", path: "/d/c" },
  // Keel removes the emptied container itself; deleting it here keeps /d's listings comparable.
  { id: "delete emptied container", op: "delete", path: "/d/c" },
  { id: "create2 ttl /d/t", op: "create2", path: "/d/t", data: "t", mode: "ttl", ttl: 600_000 },
  { id: "create2 ttl_sequential /d/ts-", op: "create2", path: "/d/ts-", mode: "ttl_sequential", ttl: 600_000 },
  { id: "createTTL with ttl 0: BADARGUMENTS", op: "create2", path: "/d/t0", mode: "ttl", ttl: 0 },
  { id: "createTTL with a non-TTL mode", op: "create2", path: "/d/t1", mode: "persistent", ttl: 1000 },
  { id: "create2 null data", op: "create2", path: "/d/null", data: null },
  { id: "get null data", op: "get", path: "/d/null" },

  // get / set / delete with versions
  { id: "get /d/p2", op: "get", path: "/d/p2" },
  { id: "set /d/p2 at version 0", op: "set", path: "/d/p2", data: "v1", version: 0 },
  { id: "set /d/p2 at stale version: BADVERSION", op: "set", path: "/d/p2", data: "v2", version: 0 },
  { id: "set /d/p2 at any version", op: "set", path: "/d/p2", data: "v2", version: -1 },
  { id: "set /d/p2 same data again", op: "set", path: "/d/p2", data: "v2" },
  { id: "get /d/p2 after sets", op: "get", path: "/d/p2" },
  { id: "set missing: NONODE", op: "set", path: "/d/missing", data: "x" },
  { id: "delete /d/p2 at stale version: BADVERSION", op: "delete", path: "/d/p2", version: 1 },
  { id: "delete non-empty /d/p: NOTEMPTY", op: "delete", path: "/d/p" },
  { id: "delete /d/p2 at its version", op: "delete", path: "/d/p2", version: 3 },
  { id: "delete /d/p2 again: NONODE", op: "delete", path: "/d/p2" },
  { id: "exists deleted /d/p2", op: "exists", path: "/d/p2" },
  { id: "get missing: NONODE", op: "get", path: "/d/p2" },
  { id: "children of missing: NONODE", op: "children", path: "/d/p2" },
  { id: "set /d/p to empty data", op: "set", path: "/d/p", data: "" },
  { id: "get empty data", op: "get", path: "/d/p" },

  // listings and counts
  { id: "children /d", op: "children", path: "/d" },
  { id: "children2 /d", op: "children2", path: "/d" },
  { id: "allChildrenNumber /d", op: "allChildrenNumber", path: "/d" },
  { id: "allChildrenNumber missing", op: "allChildrenNumber", path: "/d/missing" },
  { id: "ephemerals under /d", op: "ephemerals", path: "/d" },
  { id: "ephemerals under /d/p/s", op: "ephemerals", path: "/d/p/s" },

  // multi
  {
    id: "multi success",
    op: "multi",
    ops: [
      { op: "create", path: "/d/m", data: "m0" },
      { op: "set", path: "/d/m", data: "m1", version: 0 },
      { op: "check", path: "/d/m", version: 1 },
      { op: "create", path: "/d/m/q-", mode: "persistent_sequential" },
      { op: "create", path: "/d/m/a" },
      { op: "delete", path: "/d/m/a" },
    ],
  },
  { id: "children2 /d/m after multi", op: "children2", path: "/d/m" },
  {
    id: "multi failing on BADVERSION",
    op: "multi",
    ops: [
      { op: "create", path: "/d/m2" },
      { op: "set", path: "/d/m", data: "x", version: 5 },
      { op: "create", path: "/d/m3" },
    ],
  },
  { id: "exists /d/m2 after failed multi", op: "exists", path: "/d/m2" },
  { id: "get /d/m after failed multi", op: "get", path: "/d/m" },
  {
    id: "multi failing on check of missing",
    op: "multi",
    ops: [
      { op: "check", path: "/d/nothing", version: 0 },
      { op: "delete", path: "/d/m" },
    ],
  },
  {
    id: "multi failing on NODEEXISTS then NOTEMPTY",
    op: "multi",
    ops: [
      { op: "delete", path: "/d/null" },
      { op: "create", path: "/d/p" },
      { op: "delete", path: "/d/p" },
    ],
  },
  { id: "multi with no ops", op: "multi", ops: [] },
  // On a session of its own: ZooKeeper 3.8.0 never answers (a NullPointerException while it
  // serialises the reply), which leaves kazoo's connection out of step for good.
  { id: "open x", client: "x", op: "open" },
  { id: "check outside multi", client: "x", op: "check", path: "/d/m", version: 1, replyWaitS: 3 },
  { id: "close x", client: "x", op: "close" },

  // ACLs and authentication
  { id: "open c (unauthenticated)", client: "c", op: "open" },
  { id: "addAuth digest alice", op: "addAuth", scheme: "digest", credential: "alice:secret" },
  { id: "create2 /d/acl digest-only", op: "create2", path: "/d/acl", data: "secret", acl: [alice] },
  { id: "getAcl /d/acl as owner", op: "getAcl", path: "/d/acl" },
  { id: "get /d/acl unauthenticated: NOAUTH", client: "c", op: "get", path: "/d/acl" },
  { id: "getAcl /d/acl unauthenticated", client: "c", op: "getAcl", path: "/d/acl" },
  { id: "exists /d/acl unauthenticated", client: "c", op: "exists", path: "/d/acl" },
  { id: "set /d/acl unauthenticated: NOAUTH", client: "c", op: "set", path: "/d/acl", data: "x" },
  { id: "create under /d/acl unauthenticated: NOAUTH", client: "c", op: "create", path: "/d/acl/x" },
  {
    id: "delete /d/acl unauthenticated at wrong version (needs DELETE on the open parent)",
    client: "c",
    op: "delete",
    path: "/d/acl",
    version: 7,
  },
  { id: "setAcl empty list: INVALIDACL", op: "setAcl", path: "/d/acl", acl: [] },
  { id: "create with empty ACL: INVALIDACL", op: "create", path: "/d/noacl", acl: [] },
  {
    id: "create with malformed digest id",
    op: "create",
    path: "/d/badid",
    acl: [{ perms: 31, scheme: "digest", id: "bob" }],
  },
  {
    id: "create with unknown scheme",
    op: "create",
    path: "/d/badscheme",
    acl: [{ perms: 31, scheme: "nosuch", id: "x" }],
  },
  { id: "create with auth scheme", op: "create2", path: "/d/authacl", acl: [{ perms: 31, scheme: "auth", id: "" }] },
  { id: "getAcl of auth-scheme node", op: "getAcl", path: "/d/authacl" },
  {
    id: "create with auth scheme unauthenticated",
    client: "c",
    op: "create",
    path: "/d/authacl2",
    acl: [{ perms: 31, scheme: "auth", id: "" }],
  },
  { id: "setAcl at wrong aversion: BADVERSION", op: "setAcl", path: "/d/acl", acl: [worldRead], version: 3 },
  { id: "setAcl world read at aversion 0", op: "setAcl", path: "/d/acl", acl: [worldRead], version: 0 },
  { id: "setAcl without ADMIN any more: NOAUTH", op: "setAcl", path: "/d/acl", acl: [worldRead], version: 1 },
  { id: "get /d/acl unauthenticated after setAcl", client: "c", op: "get", path: "/d/acl" },
  { id: "set /d/acl unauthenticated, read-only: NOAUTH", client: "c", op: "set", path: "/d/acl", data: "x" },
  { id: "getAcl /d/acl after setAcl", op: "getAcl", path: "/d/acl" },
  { id: "setAcl on missing: NONODE", op: "setAcl", path: "/d/missing", acl: [worldRead] },
  { id: "close c", client: "c", op: "close" },

  // malformed paths, sent raw
  ...malformedSteps,

  // data size limits
  { id: "create 1 MiB data", op: "create", path: "/d/big", dataBytes: oneMiB },
  { id: "exists /d/big after 1 MiB create", op: "exists", path: "/d/big" },
  { id: "create 1,000,000 bytes", op: "create2", path: "/d/big", dataBytes: 1_000_000 },
  { id: "get 1,000,000 bytes", op: "get", path: "/d/big" },
  { id: "set 1 MiB data", op: "set", path: "/d/big", dataBytes: oneMiB },
  { id: "get after 1 MiB set", op: "get", path: "/d/big" },
  { id: "ephemeral /d/e survived the dropped connections", op: "exists", path: "/d/e" },

  // a second session's ephemerals go when it closes
  { id: "open b", client: "b", op: "open" },
  { id: "create2 ephemeral /d/eb by b", client: "b", op: "create2", path: "/d/eb", mode: "ephemeral" },
  { id: "create ephemeral_sequential by b", client: "b", op: "create", path: "/d/p/s-", mode: "ephemeral_sequential" },
  { id: "ephemerals of b", client: "b", op: "ephemerals", path: "/" },
  { id: "exists /d/eb by a with watch", op: "exists", path: "/d/eb", watch: true },
  { id: "close b", client: "b", op: "close" },
  { id: "events after b closed", op: "events", count: 1 },
  { id: "exists /d/eb after b closed", op: "exists", path: "/d/eb" },
  { id: "children2 /d/p after b closed", op: "children2", path: "/d/p" },
  { id: "ephemerals of a", op: "ephemerals", path: "/" },

  // watches
  { id: "create /d/w", op: "create", path: "/d/w", data: "w" },
  { id: "get /d/w with watch", op: "get", path: "/d/w", watch: true },
  { id: "children /d/w with watch", op: "children", path: "/d/w", watch: true },
  { id: "set /d/w (fires data watch)", op: "set", path: "/d/w", data: "w2" },
  { id: "events after set", op: "events", count: 1 },
  { id: "create /d/w/x (fires child watch)", op: "create", path: "/d/w/x" },
  { id: "events after child create", op: "events", count: 1 },
  { id: "exists missing /d/nw with watch", op: "exists", path: "/d/nw", watch: true },
  { id: "create /d/nw (fires exist watch)", op: "create", path: "/d/nw" },
  { id: "events after create", op: "events", count: 1 },
  { id: "get /d/w/x with watch", op: "get", path: "/d/w/x", watch: true },
  { id: "children /d/w with watch again", op: "children", path: "/d/w", watch: true },
  { id: "delete /d/w/x (fires both)", op: "delete", path: "/d/w/x" },
  { id: "events after delete", op: "events", count: 2 },
  { id: "setAcl /d/w fires nothing", op: "setAcl", path: "/d/w", acl: [{ perms: 31, scheme: "world", id: "anyone" }] },
  { id: "set /d/w without watch fires nothing", op: "set", path: "/d/w", data: "w3" },
  { id: "events after unwatched changes", op: "events", count: 0 },

  // sync, and the root after everything
  { id: "sync /d", op: "sync", path: "/d" },
  { id: "sync missing path", op: "sync", path: "/d/missing" },
  { id: "children2 /d at the end", op: "children2", path: "/d" },
  ...systemReads("(end)"),
  { id: "close a", op: "close" },
];

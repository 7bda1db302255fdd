/**
 * zod schemas for every API input, with their limits (derived from core's limits.ts, see
 * limits.ts). They are the edge's validation (style rule 10); deeper rules (path syntax, data bytes
 * against the server's configured maximum) are checked by core's validators in the server. Either
 * way the caller gets BADARGUMENTS: trpc.ts maps a zod failure to it, and every message here is a
 * sentence a person can act on ("version must be an integer from -1 to 2147483647, got 1.5"),
 * prefixed with the field's name.
 */
import { USER_NAME_PATTERN } from "@keel/core";
import { z } from "zod";
import { ROLES } from "./caller.js";
import {
  API_ACL_ENTRIES_MAX,
  API_ACL_ID_CHARS_MAX,
  API_AUDIT_BACKLOG_MAX,
  API_CHILDREN_LIMIT_MAX,
  API_DATA_CHARS_MAX,
  API_FIND_LIMIT_MAX,
  API_FIND_TEXT_CHARS_MAX,
  API_FORCE_RELEASE_REASON_CHARS_MAX,
  API_LOG_BACKLOG_MAX,
  API_LOGIN_TTL_MS_DEFAULT,
  API_LOGIN_TTL_MS_MAX,
  API_METRICS_INTERVAL_MS_MIN,
  API_MULTI_OPS_MAX,
  API_PASSWORD_CHARS_MAX,
  API_PASSWORD_CHARS_MIN,
  API_PATH_CHARS_MAX,
  API_SESSION_EPHEMERALS_LIMIT_MAX,
  API_SESSION_LIST_LIMIT_DEFAULT,
  API_SESSION_LIST_LIMIT_MAX,
  API_SESSION_SECRET_CHARS_MAX,
  API_SESSION_TIMEOUT_MS_MAX,
  API_TOKEN_DESCRIPTION_CHARS_MAX,
  API_TOKEN_SCOPE_PATHS_MAX,
  API_TOKEN_TTL_MS_MAX,
  API_TOKEN_TTL_MS_MIN,
  API_TTL_MS_MAX,
  API_USER_LIST_LIMIT_MAX,
  API_VERSION_MAX,
} from "./limits.js";

/** How an offending value is shown in a message: short, and never the whole of a huge string. */
function shown(value: unknown): string {
  if (typeof value === "string")
    return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === undefined) return "nothing";
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return typeof value;
}

/** One message for every way a value can miss: wrong type, not an integer, too small, too large. */
function says(expectation: string) {
  return { error: (issue: { input?: unknown }) => `must be ${expectation}, got ${shown(issue.input)}` };
}

/** An integer in [min, max], with one message for every way to miss it. */
export function intIn(min: number, max: number) {
  const message = says(`an integer from ${min} to ${max}`);
  return z.number(message).int(message).min(min, message).max(max, message);
}

export const pathSchema = z
  .string(says("a path such as /app/config"))
  .min(1, says("a path such as /app/config (not empty)"))
  .max(API_PATH_CHARS_MAX, says(`a path of at most ${API_PATH_CHARS_MAX} characters`));
/** A version check: -1 means any version (ZooKeeper's convention). */
export const versionSchema = intIn(-1, API_VERSION_MAX).default(-1);
/** A 64-bit id as a decimal string (JSON numbers cannot carry 64 bits). */
export const idStringSchema = z
  .string(says('a decimal integer string such as "42"'))
  .regex(/^\d{1,20}$/, says('a decimal integer string such as "42" (1 to 20 digits)'));

export const sessionRefSchema = z.object({
  sessionId: idStringSchema,
  secret: z
    .string(says("the session's secret (a hex string)"))
    .min(1, says("the session's secret (a hex string), not empty"))
    .max(API_SESSION_SECRET_CHARS_MAX, says(`at most ${API_SESSION_SECRET_CHARS_MAX} characters`)),
});

/** Data is given either as UTF-8 text (`data`) or as base64 (`dataBase64`), not both. */
const dataFields = {
  data: z
    .string(says("a string"))
    .max(API_DATA_CHARS_MAX, says(`at most ${API_DATA_CHARS_MAX} characters`))
    .optional(),
  dataBase64: z
    .string(says("a base64 string"))
    .max(API_DATA_CHARS_MAX, says(`at most ${API_DATA_CHARS_MAX} characters of base64`))
    .base64(says("valid base64"))
    .optional(),
};

export const aclEntrySchema = z.object({
  perms: intIn(0, 31),
  scheme: z.enum(
    ["world", "digest", "ip", "auth", "user", "super"],
    says("one of world, digest, ip, auth, user, super"),
  ),
  id: z.string(says("a string")).max(API_ACL_ID_CHARS_MAX, says(`at most ${API_ACL_ID_CHARS_MAX} characters`)),
});
export const aclSchema = z
  .array(aclEntrySchema, says("a list of ACL entries"))
  .min(1, says(`a list of 1 to ${API_ACL_ENTRIES_MAX} ACL entries`))
  .max(API_ACL_ENTRIES_MAX, says(`a list of 1 to ${API_ACL_ENTRIES_MAX} ACL entries`));

const nodeKinds = [
  "persistent",
  "persistent_sequential",
  "ephemeral",
  "ephemeral_sequential",
  "container",
  "ttl",
  "ttl_sequential",
] as const;
export const nodeKindSchema = z.enum(nodeKinds, says(`one of ${nodeKinds.join(", ")}`));

export const createInputSchema = z.object({
  path: pathSchema,
  ...dataFields,
  kind: nodeKindSchema.default("persistent"),
  ttlMs: intIn(1, API_TTL_MS_MAX).optional(),
  acl: aclSchema.optional(),
  /** Required for ephemeral kinds: the session that will own the node. */
  session: sessionRefSchema.optional(),
});

export const setInputSchema = z.object({
  path: pathSchema,
  ...dataFields,
  version: versionSchema,
  session: sessionRefSchema.optional(),
});

export const deleteInputSchema = z.object({
  path: pathSchema,
  version: versionSchema,
  session: sessionRefSchema.optional(),
  /**
   * An operator's force-release (CLI/console): the node is deleted as by any delete, and every
   * watcher's NodeDeleted event carries `cause: { kind: "forceRelease", reason }`.
   */
  forceRelease: z
    .object({
      reason: z
        .string(says("a string saying why the node is released"))
        .max(
          API_FORCE_RELEASE_REASON_CHARS_MAX,
          says(`a reason of at most ${API_FORCE_RELEASE_REASON_CHARS_MAX} characters`),
        ),
    })
    .optional(),
});

export const readInputSchema = z.object({
  path: pathSchema,
  /** Sync through the leader first, so the read reflects every write committed before it began. */
  linearizable: z.boolean(says("true or false")).default(false),
});

export const childrenInputSchema = readInputSchema.extend({
  withStats: z.boolean(says("true or false")).default(false),
  /** One page: names sorted, only those after `after`, at most `limit`; `nextAfter` continues. */
  limit: intIn(1, API_CHILDREN_LIMIT_MAX).default(API_CHILDREN_LIMIT_MAX),
  after: z
    .string(says("a child's name"))
    .max(API_PATH_CHARS_MAX, says(`a name of at most ${API_PATH_CHARS_MAX} characters`))
    .optional(),
});

export const opSchema = z.discriminatedUnion(
  "type",
  [
    createInputSchema.omit({ session: true }).extend({ type: z.literal("create") }),
    deleteInputSchema.omit({ session: true, forceRelease: true }).extend({ type: z.literal("delete") }),
    setInputSchema.omit({ session: true }).extend({ type: z.literal("set") }),
    z.object({
      type: z.literal("check"),
      path: pathSchema,
      version: versionSchema,
      /** Also require the node created at this zxid (a fencing token), not one re-created at the path. */
      czxid: idStringSchema.optional(),
    }),
  ],
  says('an op whose type is "create", "delete", "set" or "check"'),
);

export const multiInputSchema = z.object({
  ops: z
    .array(opSchema, says("a list of ops"))
    .min(1, says(`a list of 1 to ${API_MULTI_OPS_MAX} ops`))
    .max(API_MULTI_OPS_MAX, says(`a list of 1 to ${API_MULTI_OPS_MAX} ops`)),
  session: sessionRefSchema.optional(),
});

export const setAclInputSchema = z.object({ path: pathSchema, acl: aclSchema, aversion: versionSchema });

export const ephemeralsInputSchema = z.object({ session: sessionRefSchema, prefix: pathSchema.default("/") });

export const openSessionInputSchema = z.object({
  timeoutMs: intIn(1, API_SESSION_TIMEOUT_MS_MAX).default(10_000),
});

export const sessionListInputSchema = z
  .object({
    limit: intIn(1, API_SESSION_LIST_LIMIT_MAX).default(API_SESSION_LIST_LIMIT_DEFAULT),
  })
  .optional();

export const attachSessionInputSchema = sessionRefSchema.extend({
  /** The highest zxid this client has seen; a server that is behind it refuses the client. */
  lastZxidSeen: idStringSchema.default("0"),
});

const watchModes = ["data", "exists", "children", "persistent", "persistent_recursive"] as const;
export const watchModeSchema = z.enum(watchModes, says(`one of ${watchModes.join(", ")}`));

export const watchInputSchema = z.object({
  path: pathSchema,
  mode: watchModeSchema,
  /** Resume: deliver every event with a zxid greater than this one (or fail if it left the history). */
  afterZxid: idStringSchema.optional(),
  /** Set by tRPC's wsLink on reconnect to the id of the last event received. */
  lastEventId: z.string(says("a zxid as a decimal string")).max(32, says("a zxid (at most 32 characters)")).nullish(),
});

/** `node.find`: a bounded scan of the subtree at `path` for names starting with / data containing a string. */
export const findInputSchema = z.object({
  path: pathSchema,
  /** Match nodes whose own name starts with this (case-sensitive). */
  namePrefix: z
    .string(says("a string"))
    .max(API_FIND_TEXT_CHARS_MAX, says(`at most ${API_FIND_TEXT_CHARS_MAX} characters`))
    .optional(),
  /** Match nodes whose data (as UTF-8) contains this (case-sensitive). */
  contains: z
    .string(says("a string"))
    .max(API_FIND_TEXT_CHARS_MAX, says(`at most ${API_FIND_TEXT_CHARS_MAX} characters`))
    .optional(),
  limit: intIn(1, API_FIND_LIMIT_MAX).default(100),
});

/** `session.expire`: an operator ends a session as its expiry would (its ephemerals go, cause sessionExpired). */
export const expireSessionInputSchema = z.object({ sessionId: idStringSchema });

/** `session.ephemerals`: an operator lists a session's ephemeral nodes (no secret needed). */
export const sessionEphemeralsInputSchema = z.object({
  sessionId: idStringSchema,
  limit: intIn(1, API_SESSION_EPHEMERALS_LIMIT_MAX).default(1000),
});

/** `cluster.metrics`: how often to sample. */
export const metricsInputSchema = z
  .object({ intervalMs: intIn(API_METRICS_INTERVAL_MS_MIN, 60_000).default(1000) })
  .optional();

/** `log.events`: the audit feed of committed txns. */
export const logEventsInputSchema = z
  .object({
    /** Replay every entry after this zxid first (or fail if it left the history). */
    afterZxid: idStringSchema.optional(),
    /** Without afterZxid: replay the last `backlog` entries kept in the history first. */
    backlog: intIn(0, API_LOG_BACKLOG_MAX).default(100),
    /** Only txns that changed a path under this one (session txns have no path and are left out). */
    pathPrefix: pathSchema.optional(),
    /** Set by tRPC's wsLink on reconnect to the id of the last event received. */
    lastEventId: z.string(says("a zxid as a decimal string")).max(32, says("a zxid (at most 32 characters)")).nullish(),
  })
  .optional();

export type CreateInput = z.infer<typeof createInputSchema>;
export type SetInput = z.infer<typeof setInputSchema>;
export type DeleteInput = z.infer<typeof deleteInputSchema>;
export type ReadInput = z.infer<typeof readInputSchema>;
export type ChildrenInput = z.infer<typeof childrenInputSchema>;
export type OpInput = z.infer<typeof opSchema>;
export type MultiInput = z.infer<typeof multiInputSchema>;
export type SetAclInput = z.infer<typeof setAclInputSchema>;
export type EphemeralsInput = z.infer<typeof ephemeralsInputSchema>;
export type OpenSessionInput = z.infer<typeof openSessionInputSchema>;
export type SessionListInput = z.infer<typeof sessionListInputSchema>;
export type AttachSessionInput = z.infer<typeof attachSessionInputSchema>;
export type SessionRef = z.infer<typeof sessionRefSchema>;
export type WatchMode = z.infer<typeof watchModeSchema>;
export type WatchInput = z.infer<typeof watchInputSchema>;
export type FindInput = z.infer<typeof findInputSchema>;
export type ExpireSessionInput = z.infer<typeof expireSessionInputSchema>;
export type SessionEphemeralsInput = z.infer<typeof sessionEphemeralsInputSchema>;
export type MetricsInput = z.infer<typeof metricsInputSchema>;
export type LogEventsInput = z.infer<typeof logEventsInputSchema>;

// ---- users and tokens (docs/security.md, "Client authentication")

const userNameMessage = says("a user name: a letter or digit, then up to 63 letters, digits, '.', '_' or '-'");
export const userNameSchema = z.string(userNameMessage).regex(USER_NAME_PATTERN, userNameMessage);
export const passwordSchema = z
  .string(says("a password"))
  .min(API_PASSWORD_CHARS_MIN, says(`a password of at least ${API_PASSWORD_CHARS_MIN} characters`))
  .max(API_PASSWORD_CHARS_MAX, says(`a password of at most ${API_PASSWORD_CHARS_MAX} characters`));
/** A login checks whatever it is given (an old, shorter password must still be refused, not rejected as input). */
const loginPasswordSchema = z
  .string(says("a password"))
  .max(API_PASSWORD_CHARS_MAX, says(`a password of at most ${API_PASSWORD_CHARS_MAX} characters`));
export const roleSchema = z.enum(ROLES, says(`one of ${ROLES.join(", ")}`));
const tokenIdSchema = z
  .string(says("a token id (16 hex characters)"))
  .regex(/^[0-9a-f]{16}$/, says("a token id (16 hex characters)"));

export const tokenScopeSchema = z.object({
  paths: z
    .array(pathSchema, says("a list of path prefixes"))
    .min(1, says(`a list of 1 to ${API_TOKEN_SCOPE_PATHS_MAX} path prefixes`))
    .max(API_TOKEN_SCOPE_PATHS_MAX, says(`a list of 1 to ${API_TOKEN_SCOPE_PATHS_MAX} path prefixes`))
    .default(["/"]),
  perms: intIn(0, 31).default(31),
});

export const loginInputSchema = z.object({
  user: z.string(says("a user name")).max(64, says("a user name of at most 64 characters")),
  password: loginPasswordSchema,
  ttlMs: intIn(60_000, API_LOGIN_TTL_MS_MAX).default(API_LOGIN_TTL_MS_DEFAULT),
});
export const userListInputSchema = z
  .object({ limit: intIn(1, API_USER_LIST_LIMIT_MAX).default(API_USER_LIST_LIMIT_MAX) })
  .optional();
export const addUserInputSchema = z.object({ name: userNameSchema, password: passwordSchema, role: roleSchema });
export const userRefInputSchema = z.object({ name: userNameSchema });
export const setRoleInputSchema = z.object({ name: userNameSchema, role: roleSchema });
export const setPasswordInputSchema = z.object({
  name: userNameSchema,
  password: passwordSchema,
  /** Required when users change their own password (an admin resetting another's needs none). */
  oldPassword: loginPasswordSchema.optional(),
});
export const createTokenInputSchema = z.object({
  /** Whose token; an admin may name anyone, others only themselves. Default: the caller. */
  user: userNameSchema.optional(),
  scope: tokenScopeSchema.default({ paths: ["/"], perms: 31 }),
  ttlMs: intIn(API_TOKEN_TTL_MS_MIN, API_TOKEN_TTL_MS_MAX),
  description: z
    .string(says("a description"))
    .max(API_TOKEN_DESCRIPTION_CHARS_MAX, says(`at most ${API_TOKEN_DESCRIPTION_CHARS_MAX} characters`))
    .default(""),
});
export const listTokensInputSchema = z.object({ user: userNameSchema.optional() }).optional();
export const tokenRefInputSchema = z.object({ tokenId: tokenIdSchema });
export const auditEventsInputSchema = z.object({ backlog: intIn(0, API_AUDIT_BACKLOG_MAX).default(100) }).optional();

export type LoginInput = z.infer<typeof loginInputSchema>;
export type CreateTokenInput = z.infer<typeof createTokenInputSchema>;
export type TokenScopeInput = z.infer<typeof tokenScopeSchema>;

// --- members (dynamic membership, docs/operations.md "Membership changes") ---

const memberIdSchema = intIn(1, 255);
const portSchema = intIn(1, 65_535);
/** The configuration version the change expects (members.list's `version`); absent: whatever is current. */
const fromVersionSchema = idStringSchema.optional();

export const addMemberInputSchema = z.object({
  id: memberIdSchema,
  role: z.enum(["voter", "observer"], says('"voter" or "observer"')).default("voter"),
  /** The address the other members dial (a DNS name is resolved on every dial) and clients use. */
  host: z
    .string(says("a host name or IP address"))
    .min(1, says("a host name or IP address (not empty)"))
    .max(253, says("a host of at most 253 characters"))
    .regex(/^[A-Za-z0-9.:_-]+$/, says("a host name or IP address (letters, digits, '.', '-', '_', ':')")),
  peerPort: portSchema,
  clientPort: portSchema,
  fromVersion: fromVersionSchema,
});
export type AddMemberInput = z.infer<typeof addMemberInputSchema>;

export const removeMemberInputSchema = z.object({ id: memberIdSchema, fromVersion: fromVersionSchema });
export type RemoveMemberInput = z.infer<typeof removeMemberInputSchema>;

/**
 * zod schemas for every API input, with their limits. They are the edge's validation (style rule
 * 10); deeper rules (path syntax, data bytes against the server's configured maximum) are checked
 * by core's validators in the server and come back as typed BADARGUMENTS errors.
 */
import { z } from "zod";
import {
  API_ACL_ENTRIES_MAX,
  API_DATA_CHARS_MAX,
  API_MULTI_OPS_MAX,
  API_PATH_CHARS_MAX,
  API_SESSION_TIMEOUT_MS_MAX,
  API_TTL_MS_MAX,
} from "./limits.js";

export const pathSchema = z.string().min(1).max(API_PATH_CHARS_MAX);
/** A version check: -1 means any version (ZooKeeper's convention). */
export const versionSchema = z.number().int().min(-1).max(2_147_483_647).default(-1);
/** A 64-bit id as a decimal string (JSON numbers cannot carry 64 bits). */
export const idStringSchema = z.string().regex(/^\d{1,20}$/, "expected a decimal integer string");

export const sessionRefSchema = z.object({ sessionId: idStringSchema, secret: z.string().min(1).max(128) });

/** Data is given either as UTF-8 text (`data`) or as base64 (`dataBase64`), not both. */
const dataFields = {
  data: z.string().max(API_DATA_CHARS_MAX).optional(),
  dataBase64: z.string().max(API_DATA_CHARS_MAX).base64().optional(),
};

export const aclEntrySchema = z.object({
  perms: z.number().int().min(0).max(31),
  scheme: z.enum(["world", "digest", "ip", "auth", "super"]),
  id: z.string().max(512),
});
export const aclSchema = z.array(aclEntrySchema).min(1).max(API_ACL_ENTRIES_MAX);

export const nodeKindSchema = z.enum([
  "persistent",
  "persistent_sequential",
  "ephemeral",
  "ephemeral_sequential",
  "container",
  "ttl",
  "ttl_sequential",
]);

export const createInputSchema = z.object({
  path: pathSchema,
  ...dataFields,
  kind: nodeKindSchema.default("persistent"),
  ttlMs: z.number().int().min(1).max(API_TTL_MS_MAX).optional(),
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
});

export const readInputSchema = z.object({
  path: pathSchema,
  /** Sync through the leader first, so the read reflects every write committed before it began. */
  linearizable: z.boolean().default(false),
});

export const childrenInputSchema = readInputSchema.extend({ withStats: z.boolean().default(false) });

export const opSchema = z.discriminatedUnion("type", [
  createInputSchema.omit({ session: true }).extend({ type: z.literal("create") }),
  deleteInputSchema.omit({ session: true }).extend({ type: z.literal("delete") }),
  setInputSchema.omit({ session: true }).extend({ type: z.literal("set") }),
  z.object({ type: z.literal("check"), path: pathSchema, version: versionSchema }),
]);

export const multiInputSchema = z.object({
  ops: z.array(opSchema).min(1).max(API_MULTI_OPS_MAX),
  session: sessionRefSchema.optional(),
});

export const setAclInputSchema = z.object({ path: pathSchema, acl: aclSchema, aversion: versionSchema });

export const ephemeralsInputSchema = z.object({ session: sessionRefSchema, prefix: pathSchema.default("/") });

export const openSessionInputSchema = z.object({
  timeoutMs: z.number().int().min(1).max(API_SESSION_TIMEOUT_MS_MAX).default(10_000),
});

export const attachSessionInputSchema = sessionRefSchema.extend({
  /** The highest zxid this client has seen; a server that is behind it refuses the client. */
  lastZxidSeen: idStringSchema.default("0"),
});

export const watchModeSchema = z.enum(["data", "exists", "children", "persistent", "persistent_recursive"]);

export const watchInputSchema = z.object({
  path: pathSchema,
  mode: watchModeSchema,
  /** Resume: deliver every event with a zxid greater than this one (or fail if it left the history). */
  afterZxid: idStringSchema.optional(),
  /** Set by tRPC's wsLink on reconnect to the id of the last event received. */
  lastEventId: z.string().max(32).nullish(),
});

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
export type AttachSessionInput = z.infer<typeof attachSessionInputSchema>;
export type SessionRef = z.infer<typeof sessionRefSchema>;
export type WatchMode = z.infer<typeof watchModeSchema>;
export type WatchInput = z.infer<typeof watchInputSchema>;

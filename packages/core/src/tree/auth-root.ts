/**
 * The `/keel/auth` subtree (docs/data-model.md §5, "Keel's users"): the server keeps its users
 * and tokens there, as ordinary nodes it writes with KEEL_SUPER_ID. Their ACLs would already keep
 * others out of the node contents, but not out of `exists` or a failed create's NODEEXISTS, which
 * would tell anyone which user names and token ids exist. So core refuses every op on the subtree,
 * reads included and before any existence check, to a caller without a super identity.
 */
import { type KeelError, keelError } from "../errors.js";
import { type Acl, type AclPolicy, type AuthId, isSuper, KEEL_SUPER_ID, PERMS } from "./acl.js";
import { isWithin } from "./path.js";

export const AUTH_ROOT = "/keel/auth";

/**
 * A bearer token as Keel issues it: `keel_<tokenId>_<secret>`, the id 16 lowercase hex digits (the
 * record's name under AUTH_ROOT/tokens), the secret 43 base64url characters (32 random bytes).
 * Captures the id and the secret. The server parses tokens with it and the SDK checks them early.
 */
export const TOKEN_PATTERN = /^keel_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** The ACL the server gives the nodes it creates under AUTH_ROOT: only super identities. */
export const AUTH_NODE_ACL: Acl = Object.freeze([
  Object.freeze({ perms: PERMS.ALL, scheme: KEEL_SUPER_ID.scheme, id: KEEL_SUPER_ID.id }),
]);

/** True for AUTH_ROOT and every path below it. */
export function isInAuthRoot(path: string): boolean {
  return isWithin(path, AUTH_ROOT);
}

/** NOAUTH when `path` is in AUTH_ROOT and the caller is not super; undefined when the op may go on. */
export function authRootRefusal(path: string, auth: readonly AuthId[], policy: AclPolicy): KeelError | undefined {
  if (!isInAuthRoot(path) || isSuper(auth, policy)) return undefined;
  return keelError("NOAUTH", `${path} is in ${AUTH_ROOT}, which is reserved for Keel's users and tokens`, path);
}

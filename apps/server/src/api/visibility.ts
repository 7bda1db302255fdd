/**
 * What a caller may see of paths it did not name itself: a watch stream's events, a log entry's
 * paths, a search's matches, a session's ephemerals. A path is visible when the node, as it was
 * when it changed (or as it is, for a listing), grants the caller READ (core's canSeeChange, which
 * also hides /keel/auth from everyone but super) and the caller's token scope covers it. Without this a
 * persistent watch on "/" would name every node created anywhere, whatever its ACL (ZooKeeper's
 * CVE-2024-23944).
 */
import { type Caller, scopeAllows } from "@keel/api";
import { type Acl, type AuthId, KEEL_SUPER_ID, type KeelState, PERMS } from "@keel/core";

/** The server's own identity for what it reads and writes on its own behalf (users, tokens, stats of listed children). */
export const SERVER_AUTH: readonly AuthId[] = Object.freeze([KEEL_SUPER_ID]);

/**
 * `acl`: the node's ACL when the change happened (a NodeChange's or WatchEvent's), which decides
 * for a node that is gone by now; without it (a listing of nodes that exist, a parent's
 * childrenChanged) the node as it is now decides.
 */
export function visibility(
  state: Pick<KeelState, "canSeeChange">,
  caller: Caller,
): (path: string, acl?: Acl | undefined) => boolean {
  return (path, acl) => scopeAllows(caller.scope, path, PERMS.READ) && state.canSeeChange(path, acl, caller.auth);
}

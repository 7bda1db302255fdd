/**
 * What a caller may see of paths it did not name itself: a watch stream's events, a log entry's
 * paths, a search's matches, a session's ephemerals. A path is visible when core says its node (or,
 * once deleted, its nearest existing ancestor) grants the caller READ (`canSeeEvent`, which also
 * hides /keel/auth from everyone but super) and the caller's token scope covers it. Without this a
 * persistent watch on "/" would name every node created anywhere, whatever its ACL (ZooKeeper's
 * CVE-2024-23944).
 */
import { type Caller, scopeAllows } from "@keel/api";
import { type AuthId, KEEL_SUPER_ID, type KeelState, PERMS } from "@keel/core";

/** The server's own identity for what it reads and writes on its own behalf (users, tokens, stats of listed children). */
export const SERVER_AUTH: readonly AuthId[] = Object.freeze([KEEL_SUPER_ID]);

export function visibility(state: Pick<KeelState, "canSeeEvent">, caller: Caller): (path: string) => boolean {
  return (path) => scopeAllows(caller.scope, path, PERMS.READ) && state.canSeeEvent(path, caller.auth);
}

/**
 * Logging in to, out of, and asking who we are at, a whole ensemble (docs/console.md, "Logging
 * in"). Members on one host share one cookie, so the console logs in once per host: to the first
 * member of the host that answers. Tokens live in the replicated tree, so the cookie one member
 * issued is good on every member once the login has committed.
 */
import { keelCodeOf } from "../lib/keel-error";
import type { WhoamiView } from "../lib/roles";
import { browserStorage, clearHostSessions, groupByHost, type HostSession, writeHostSession } from "./host-sessions";
import { loginClient, memberClient } from "./member-client";

export interface EnsembleLogin {
  readonly session: HostSession;
  /** Hosts none of whose members answered; the console is not logged in there. */
  readonly unreachableHosts: readonly string[];
}

/** True when the member answered (with an error it chose), false when it could not be reached. */
const answered = (error: unknown): boolean => keelCodeOf(error) !== undefined;

/**
 * Logs in to every host. A refusal (AUTHFAILED, throttling, ...) from any member is thrown at once:
 * the same credentials would fail everywhere. Throws the last network error when no host answered.
 */
export async function loginToEnsemble(urls: readonly string[], user: string, password: string): Promise<EnsembleLogin> {
  const storage = browserStorage();
  let first: HostSession | undefined;
  let lastError: unknown = new Error("no members configured");
  const unreachableHosts: string[] = [];
  for (const group of groupByHost(urls)) {
    let session: HostSession | undefined;
    for (const url of group.urls) {
      try {
        const answer = await loginClient(url).auth.login.mutate({ user, password });
        session = {
          user: answer.user,
          role: answer.role,
          expiresAtMs: answer.expiresAtMs,
          csrfToken: answer.csrfToken,
        };
        break;
      } catch (error) {
        if (answered(error)) throw error;
        lastError = error;
      }
    }
    if (session === undefined) {
      unreachableHosts.push(group.host);
      continue;
    }
    if (storage !== undefined) writeHostSession(storage, group.host, session);
    first ??= session;
  }
  if (first === undefined) throw lastError;
  return { session: first, unreachableHosts };
}

/** Revokes the console's cookie on every host (best effort: a dead host's cookie expires anyway) and forgets the logins. */
export async function logoutFromEnsemble(urls: readonly string[]): Promise<void> {
  await Promise.allSettled(
    groupByHost(urls).map(async (group) => {
      for (const url of group.urls) {
        try {
          await loginClient(url).auth.logout.mutate();
          return;
        } catch (error) {
          if (answered(error)) return;
        }
      }
    }),
  );
  const storage = browserStorage();
  if (storage !== undefined) clearHostSessions(storage);
}

/**
 * `auth.whoami` from the first member that answers. Undefined when none does, or when the members
 * predate the auth API (the console then behaves as it always did and the servers decide).
 */
export async function whoamiOfEnsemble(urls: readonly string[]): Promise<WhoamiView | undefined> {
  for (const url of urls) {
    try {
      const answer = await memberClient(url).client.auth.whoami.query();
      return {
        user: answer.user,
        role: answer.role,
        via: answer.via,
        expiresAtMs: answer.expiresAtMs,
        authRequired: answer.authRequired,
      };
    } catch (error) {
      if (keelCodeOf(error) === undefined && isMissingProcedure(error)) return undefined;
    }
  }
  return undefined;
}

/** A member without the auth router answers NOT_FOUND for `auth.whoami`. */
function isMissingProcedure(error: unknown): boolean {
  if (typeof error !== "object" || error === null || !("data" in error)) return false;
  const data = (error as { data?: { code?: unknown } }).data;
  return data?.code === "NOT_FOUND";
}

/** How long a login may take to reach every member (it commits through the leader first). */
const LOGIN_VISIBLE_WAIT_MS = 3000;
const LOGIN_VISIBLE_POLL_MS = 100;

/**
 * Waits (a bounded while) until every reachable member knows the new cookie: a member's socket
 * resolves its identity once, so a socket opened on a member that has not applied the login yet
 * would stay anonymous for its life. A member that never confirms is left to the sockets' retries.
 */
export async function waitForLoginVisible(urls: readonly string[], user: string): Promise<void> {
  const deadline = Date.now() + LOGIN_VISIBLE_WAIT_MS;
  await Promise.all(
    urls.map(async (url) => {
      while (Date.now() < deadline) {
        try {
          const answer = await memberClient(url).client.auth.whoami.query();
          if (answer.user === user) return;
        } catch (error) {
          if (!answered(error)) return;
        }
        await new Promise((resolve) => setTimeout(resolve, LOGIN_VISIBLE_POLL_MS));
      }
    }),
  );
}

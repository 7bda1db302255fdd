/**
 * The console's login state, one entry per member *host* (docs/auth: "Credentials on the wire").
 * Browsers keep cookies per host, not per port, so members on one host share one `keel_session`
 * cookie and one login. The cookie itself is HttpOnly and out of reach; what the console keeps is
 * the CSRF token `auth.login` returned for that cookie, in sessionStorage (not a cookie, so a
 * cross-site page can neither read it nor have the browser send it), plus who logged in, for the header.
 */

export type LoginRole = "viewer" | "operator" | "admin";

export interface HostSession {
  readonly user: string;
  readonly role: LoginRole;
  readonly expiresAtMs: number;
  readonly csrfToken: string;
}

/** The part of the Web Storage API used here (sessionStorage in the browser, a Map in tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  readonly length: number;
  key(index: number): string | null;
}

const KEY_PREFIX = "keel.session.";

/** The host a member URL's cookie belongs to: "127.0.0.1" for "http://127.0.0.1:7001". */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

/** The member URLs grouped by host, in the order the hosts first appear: one login per group. */
export function groupByHost(urls: readonly string[]): { host: string; urls: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const url of urls) {
    const host = hostOf(url);
    const group = groups.get(host);
    if (group === undefined) groups.set(host, [url]);
    else group.push(url);
  }
  return [...groups].map(([host, grouped]) => ({ host, urls: grouped }));
}

function isHostSession(value: unknown): value is HostSession {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    typeof record.user === "string" &&
    (record.role === "viewer" || record.role === "operator" || record.role === "admin") &&
    typeof record.expiresAtMs === "number" &&
    typeof record.csrfToken === "string" &&
    record.csrfToken !== ""
  );
}

/** The stored login for `host`, or undefined when there is none, it is malformed, or it has expired. */
export function readHostSession(storage: KeyValueStorage, host: string, nowMs: number): HostSession | undefined {
  const raw = storage.getItem(KEY_PREFIX + host);
  if (raw === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!isHostSession(parsed) || parsed.expiresAtMs <= nowMs) return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}

export function writeHostSession(storage: KeyValueStorage, host: string, session: HostSession): void {
  storage.setItem(KEY_PREFIX + host, JSON.stringify(session));
}

/** Forgets every host's login (logout, or a server that says the cookie is no longer good). */
export function clearHostSessions(storage: KeyValueStorage): void {
  const keys: string[] = [];
  for (let index = 0; index < storage.length; index++) {
    const key = storage.key(index);
    if (key?.startsWith(KEY_PREFIX)) keys.push(key);
  }
  for (const key of keys) storage.removeItem(key);
}

/** The browser's sessionStorage, or undefined while rendering on the server. */
export function browserStorage(): KeyValueStorage | undefined {
  return typeof window === "undefined" ? undefined : window.sessionStorage;
}

/** The login the console holds for the host of member `url`, if any (read at call time). */
export function sessionForMember(url: string): HostSession | undefined {
  const storage = browserStorage();
  return storage === undefined ? undefined : readHostSession(storage, hostOf(url), Date.now());
}

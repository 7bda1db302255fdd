"use client";

/**
 * Who the console acts as (docs/console.md, "Logging in"), mounted above the data providers:
 * `auth.whoami` decides the shell (log in first, or show the user and role), and a login or
 * logout bumps `generation`, which remounts the data providers on fresh member clients, so every
 * socket reopens with the cookie the browser holds now.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { actingRole, type Role, roleAllows, type WhoamiView } from "../lib/roles";
import { loginToEnsemble, logoutFromEnsemble, waitForLoginVisible, whoamiOfEnsemble } from "./auth-api";
import { browserStorage, groupByHost, readHostSession } from "./host-sessions";
import { resetMemberClients } from "./member-client";

/** Re-asked now and then, so an expired or revoked login sends the console back to /login. */
const WHOAMI_REFRESH_MS = 30_000;

export interface AuthState {
  /** The last answer of `auth.whoami`; undefined until one arrives or when the members have no auth API. */
  readonly whoami: WhoamiView | undefined;
  /** True once whoami was asked (answered or not): until then the console does not know whether to log in. */
  readonly checked: boolean;
  /** The role the console offers controls for (lib/roles.ts `actingRole`). */
  readonly role: Role | null;
  /** Bumped by every login and logout: the data providers are keyed by it. */
  readonly generation: number;
  /** Hosts the last login could not reach. */
  readonly unreachableHosts: readonly string[];
  login(user: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const AuthContext = createContext<AuthState | undefined>(undefined);

export function useAuth(): AuthState {
  const value = useContext(AuthContext);
  if (value === undefined) throw new Error("useAuth outside <AuthProvider>");
  return value;
}

/** True when the console's role allows `least` (lib/roles.ts). */
export function useRoleAllows(least: Role): boolean {
  return roleAllows(useAuth().role, least);
}

/** True when the browser holds a login for any of the members' hosts. */
function holdsLogin(urls: readonly string[]): boolean {
  const storage = browserStorage();
  if (storage === undefined) return false;
  return groupByHost(urls).some((group) => readHostSession(storage, group.host, Date.now()) !== undefined);
}

export function AuthProvider({ serverUrls, children }: { serverUrls: readonly string[]; children: ReactNode }) {
  const [whoami, setWhoami] = useState<WhoamiView | undefined>(undefined);
  const [checked, setChecked] = useState(false);
  const [generation, setGeneration] = useState(0);
  const [unreachableHosts, setUnreachableHosts] = useState<readonly string[]>([]);

  const restart = useCallback(() => {
    resetMemberClients();
    setGeneration((count) => count + 1);
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` re-asks after a login or logout
  useEffect(() => {
    let stopped = false;
    const ask = async () => {
      const answer = await whoamiOfEnsemble(serverUrls);
      if (stopped) return;
      // No answer (every member down) keeps what we knew: a blip must not drop the login screen.
      if (answer !== undefined) setWhoami(answer);
      setChecked(true);
      // The server no longer takes our cookie (expired, revoked, or the user removed): log out,
      // which also clears the cookie (the sockets would keep presenting it and be refused), and
      // reopen the sockets as anonymous, so the shell sends us to /login when login is required.
      if (answer !== undefined && answer.user === null && holdsLogin(serverUrls)) {
        await logoutFromEnsemble(serverUrls);
        if (!stopped) restart();
      }
    };
    void ask();
    const timer = setInterval(() => void ask(), WHOAMI_REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [serverUrls, generation, restart]);

  const login = useCallback(
    async (user: string, password: string) => {
      const result = await loginToEnsemble(serverUrls, user, password);
      await waitForLoginVisible(serverUrls, result.session.user);
      setUnreachableHosts(result.unreachableHosts);
      setWhoami((previous) => ({
        user: result.session.user,
        role: result.session.role,
        via: "cookie",
        expiresAtMs: result.session.expiresAtMs,
        authRequired: previous?.authRequired ?? false,
      }));
      restart();
    },
    [serverUrls, restart],
  );

  const logout = useCallback(async () => {
    await logoutFromEnsemble(serverUrls);
    setWhoami((previous) =>
      previous === undefined
        ? undefined
        : { user: null, role: "anonymous", via: "anonymous", expiresAtMs: null, authRequired: previous.authRequired },
    );
    setUnreachableHosts([]);
    restart();
  }, [serverUrls, restart]);

  const value = useMemo(
    () => ({ whoami, checked, role: actingRole(whoami), generation, unreachableHosts, login, logout }),
    [whoami, checked, generation, unreachableHosts, login, logout],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

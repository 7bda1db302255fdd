"use client";

/**
 * The console's data plumbing, mounted once in the root layout:
 * - one react-query cache for every page;
 * - the member status store (every member's `cluster.events` stream), read with `useMembers()`;
 * - the tRPC context bound to the *primary* member (a serving one), read with `useTRPC()` /
 *   `useTRPCClient()`: the data pages (tree, sessions, locks, ...) talk to it, and when it dies the
 *   provider switches to another serving member and the pages' queries and subscriptions follow.
 * Per-member data (the cluster and metrics pages) goes through `memberTrpc(url)`.
 */
import type { AppRouter } from "@keel/api";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCContext, createTRPCOptionsProxy, type TRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { memberClient } from "./member-client";
import { choosePrimary, type MemberLive, MemberStatusStore } from "./member-statuses";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

interface ConsoleContextValue {
  readonly urls: readonly string[];
  readonly store: MemberStatusStore;
  readonly queryClient: QueryClient;
  readonly primaryUrl: string | undefined;
  /** This mount's per-member options proxies (a login remounts the providers on new clients). */
  readonly proxies: Map<string, TRPCOptionsProxy<AppRouter>>;
}

const ConsoleContext = createContext<ConsoleContextValue | undefined>(undefined);

function useConsole(): ConsoleContextValue {
  const value = useContext(ConsoleContext);
  if (value === undefined) throw new Error("useConsole outside <ConsoleProviders>");
  return value;
}

const EMPTY: readonly MemberLive[] = [];

/** Every member's live status, in the configured order. */
export function useMembers(): readonly MemberLive[] {
  const { store } = useConsole();
  return useSyncExternalStore(store.subscribe, store.snapshot, () => EMPTY);
}

/** The configured member URLs (KEEL_SERVERS). */
export function useMemberUrls(): readonly string[] {
  return useConsole().urls;
}

/** The serving member the data pages use, or undefined while no member serves. */
export function usePrimaryUrl(): string | undefined {
  return useConsole().primaryUrl;
}

/**
 * Options proxy for one member's procedures, for subscriptions (cluster, metrics pages). Not for
 * useQuery: its query keys name only the procedure and input, so two members' answers would share
 * one cache entry; per-member queries need their own key (see sessions/use-session-listings.ts).
 */
export function useMemberTrpc(url: string): TRPCOptionsProxy<AppRouter> {
  const { queryClient, proxies } = useConsole();
  return useMemo(() => {
    const cached = proxies.get(url);
    if (cached !== undefined) return cached;
    const proxy = createTRPCOptionsProxy<AppRouter>({ client: memberClient(url).client, queryClient });
    proxies.set(url, proxy);
    return proxy;
  }, [url, queryClient, proxies]);
}

function makeQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { staleTime: 1000, retry: 1, refetchOnWindowFocus: false },
      mutations: { retry: false },
    },
  });
}

/**
 * `live`: false while the console must log in first (the members would refuse every stream), so
 * the status store opens no streams until then. A login or logout remounts this component (keyed
 * by the auth generation), so the cache, the store and the proxies start over on fresh clients.
 */
export function ConsoleProviders({
  serverUrls,
  live = true,
  children,
}: {
  serverUrls: readonly string[];
  live?: boolean;
  children: ReactNode;
}) {
  const [queryClient] = useState(makeQueryClient);
  const [store] = useState(() => new MemberStatusStore(serverUrls));
  const [proxies] = useState(() => new Map<string, TRPCOptionsProxy<AppRouter>>());
  useEffect(() => {
    if (!live) return;
    store.start();
    return () => store.stop();
  }, [store, live]);
  const members = useSyncExternalStore(store.subscribe, store.snapshot, () => EMPTY);
  const [primaryUrl, setPrimaryUrl] = useState<string | undefined>(undefined);
  useEffect(() => {
    setPrimaryUrl((current) => choosePrimary(members, current));
  }, [members]);

  // Before any member has answered, bind the context to the first URL so hooks can mount. A new
  // primary swaps the client under the same provider (no remount): pages keep their state, and
  // their queries, keyed by procedure and input, refetch from the new member.
  const boundUrl = primaryUrl ?? serverUrls[0];
  const trpcClient = boundUrl === undefined ? undefined : memberClient(boundUrl).client;
  const value = useMemo(
    () => ({ urls: serverUrls, store, queryClient, primaryUrl, proxies }),
    [serverUrls, store, queryClient, primaryUrl, proxies],
  );
  return (
    <ConsoleContext.Provider value={value}>
      <QueryClientProvider client={queryClient}>
        {trpcClient === undefined ? (
          children
        ) : (
          <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
            {children}
          </TRPCProvider>
        )}
      </QueryClientProvider>
    </ConsoleContext.Provider>
  );
}

"use client";

/**
 * Every member's `session.list`, merged (session-merge.ts), kept fresh by the audit feed: a
 * createSession, closeSession or expireSession txn refetches every member's listing. Heartbeats
 * are not txns, so nothing announces a new lastHeartbeatMs: a slow refetch (HEARTBEAT_REFRESH_MS)
 * keeps those ages honest. It is the only timer-driven read on the page and it only refines
 * heartbeat ages; sessions appearing and going arrive through the subscription.
 */
import type { LogEntryView, SessionListView } from "@keel/api";
import { useQueries, useQueryClient } from "@tanstack/react-query";
import { useMemo } from "react";
import { memberClient } from "../../trpc/member-client";
import { useMemberUrls } from "../../trpc/providers";
import { useLiveStream } from "../locks/use-live-stream";
import { type MergedSessions, mergeSessionListings } from "./session-merge";

const HEARTBEAT_REFRESH_MS = 5000;
const SESSION_TXN_OPS = new Set(["createSession", "closeSession", "expireSession"]);

// Keyed by member URL: the shared options proxy keys by procedure and input only, so two
// members' listings would share one cache entry.
const listingKey = (url: string) => ["member-session-list", url] as const;
const LISTING_PREFIX = ["member-session-list"] as const;

export interface SessionListings extends MergedSessions {
  readonly errors: readonly { url: string; message: string }[];
  readonly loading: boolean;
  /** Why the live feed is down (it is being reopened); listings then refresh only slowly. */
  readonly liveError: string | undefined;
}

export function useSessionListings(): SessionListings {
  const urls = useMemberUrls();
  const queryClient = useQueryClient();
  const results = useQueries({
    queries: urls.map((url) => ({
      queryKey: listingKey(url),
      queryFn: (): Promise<SessionListView> => memberClient(url).client.session.list.query({ limit: 1000 }),
      refetchInterval: HEARTBEAT_REFRESH_MS,
      retry: false,
    })),
  });
  const stream = useLiveStream<{ data: LogEntryView }>(
    "log:sessions",
    (client, callbacks) => client.log.events.subscribe({ backlog: 0 }, callbacks),
    {
      onStarted: () => void queryClient.invalidateQueries({ queryKey: LISTING_PREFIX }),
      onData: ({ data }) => {
        if (SESSION_TXN_OPS.has(data.op)) void queryClient.invalidateQueries({ queryKey: LISTING_PREFIX });
      },
    },
  );
  const dataStamp = results.map((result) => result.dataUpdatedAt).join(",");
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed when any listing's data changes (dataStamp)
  const merged = useMemo(
    () =>
      mergeSessionListings(
        urls.map((url, index) => ({
          url,
          listing: results[index]?.data,
          listedAtMs: results[index]?.dataUpdatedAt ?? 0,
        })),
      ),
    [urls, dataStamp],
  );
  const errors = results.flatMap((result, index) =>
    result.error ? [{ url: urls[index] ?? "?", message: result.error.message }] : [],
  );
  return { ...merged, errors, loading: results.every((result) => result.isPending), liveError: stream.error };
}

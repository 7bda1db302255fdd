"use client";

/**
 * Follows `log.events` on the primary member: the last BACKLOG entries, then live. The input
 * stays the same object for the subscription's life, so wsLink can resume after the last tracked
 * zxid when the socket reconnects; a new primary remounts this (keyed by URL) and the feed drops the
 * replayed entries it already has.
 */
import type { LogEntryView } from "@keel/api";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useMemo } from "react";
import { useTRPC } from "../../trpc/providers";
import { useRetryOnError } from "../metrics/use-retry-on-error";

/** Entries replayed when the feed opens. */
export const LOG_BACKLOG = 200;

export function LogFeedSubscription({
  pathPrefix,
  onEntry,
  onStatus,
}: {
  pathPrefix: string | undefined;
  onEntry: (entry: LogEntryView) => void;
  onStatus: (status: string, error: string | null) => void;
}) {
  const trpc = useTRPC();
  const input = useMemo(
    () => (pathPrefix === undefined ? { backlog: LOG_BACKLOG } : { backlog: LOG_BACKLOG, pathPrefix }),
    [pathPrefix],
  );
  const result = useSubscription(
    trpc.log.events.subscriptionOptions(input, {
      onData: (tracked) => onEntry(tracked.data),
      onStarted: () => onStatus("live", null),
      onError: (error) => onStatus("error", error.message),
      onConnectionStateChange: (state) => {
        if (state.state === "connecting") onStatus("connecting", state.error?.message ?? null);
      },
    }),
  );
  useRetryOnError(result);
  return null;
}

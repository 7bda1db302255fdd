"use client";

import { useEffect } from "react";

/** How long a failed subscription waits before it is opened again. */
export const SUBSCRIPTION_RETRY_MS = 1000;

/**
 * Re-opens a subscription that failed: wsLink re-sends subscriptions after a reconnect by
 * itself, but a stream the server ended with an error (a member restarting, NOTREADY) stays failed
 * until reset.
 */
export function useRetryOnError(result: { status: string; reset: () => void }, delayMs = SUBSCRIPTION_RETRY_MS): void {
  const { status, reset } = result;
  useEffect(() => {
    if (status !== "error") return;
    const timer = setTimeout(reset, delayMs);
    return () => clearTimeout(timer);
  }, [status, reset, delayMs]);
}

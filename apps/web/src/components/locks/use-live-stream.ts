"use client";

/**
 * A subscription that outlives the member it started on. tRPC's wsLink already resumes a stream
 * after a dropped socket; this also covers what it cannot: a member that stops serving ends the
 * stream with an error (NOTREADY: "resume the stream on another server"), and the console may
 * switch its primary member. Either way the stream is opened again, on the current primary, after
 * RESUBSCRIBE_DELAY_MS; `onStarted` runs on every (re)start so the caller can re-read whatever it
 * may have missed in between.
 */
import { useEffect, useRef, useState } from "react";
import { describeError } from "../../lib/keel-error";
import { useTRPCClient } from "../../trpc/providers";

export type StreamClient = ReturnType<typeof useTRPCClient>;

export interface StreamCallbacks<T> {
  readonly onStarted: () => void;
  readonly onData: (data: T) => void;
  readonly onError: (error: unknown) => void;
}

const RESUBSCRIBE_DELAY_MS = 1000;

export function useLiveStream<T>(
  /** What identifies the stream: a new key opens a new one. */
  key: string,
  open: (client: StreamClient, callbacks: StreamCallbacks<T>) => { unsubscribe(): void },
  handlers: { readonly onStarted?: () => void; readonly onData: (data: T) => void },
): { error: string | undefined } {
  const client = useTRPCClient();
  const [attempt, setAttempt] = useState(0);
  const [error, setError] = useState<string | undefined>(undefined);
  const openRef = useRef(open);
  openRef.current = open;
  const handlersRef = useRef(handlers);
  handlersRef.current = handlers;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` and `attempt` are what (re)open the stream
  useEffect(() => {
    let retry: ReturnType<typeof setTimeout> | undefined;
    const subscription = openRef.current(client, {
      onStarted: () => {
        setError(undefined);
        handlersRef.current.onStarted?.();
      },
      onData: (data) => handlersRef.current.onData(data),
      onError: (cause) => {
        setError(describeError(cause));
        retry = setTimeout(() => setAttempt((count) => count + 1), RESUBSCRIBE_DELAY_MS);
      },
    });
    return () => {
      if (retry !== undefined) clearTimeout(retry);
      subscription.unsubscribe();
    };
  }, [client, key, attempt]);

  return { error };
}

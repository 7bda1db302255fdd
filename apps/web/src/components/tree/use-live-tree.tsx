"use client";

/**
 * Keeps the tree's queries fresh from one `persistent_recursive` watch on "/". A recursive watch on
 * the root delivers every change in the ensemble, which a console can afford: the server bounds the
 * stream's backlog, and each event costs only a cache invalidation here. Events are gathered for
 * one animation frame and applied together, so a multi that creates 1,000 nodes costs one refetch
 * of their parent, not 1,000. Only queries on screen refetch (react-query's default for
 * invalidation); the rest are marked stale.
 *
 * If the stream fails (the server ended it: this client fell behind its backlog bound, or the
 * member stopped serving), events may have been missed: every node query is invalidated and a
 * fresh watch is opened (a remount, so no stale resume id is sent).
 */
import type { WatchEventView } from "@keel/api";
import { useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTRPC } from "../../trpc/providers";
import { parentOf } from "./tree-paths";

export type LiveState = "connecting" | "live" | "error";

export interface LiveTree {
  state: LiveState;
  lastZxid: string | undefined;
  error: string | undefined;
}

/** How long after a failed stream a new one is opened. */
const REWATCH_DELAY_MS = 500;

/** A tracked event arrives as `{ id, data }`; accept the bare event as well. */
function eventOf(message: unknown): WatchEventView | undefined {
  if (typeof message !== "object" || message === null) return undefined;
  const record = message as { id?: unknown; data?: unknown; type?: unknown };
  if (typeof record.type === "string") return message as WatchEventView;
  if (typeof record.data === "object" && record.data !== null) return record.data as WatchEventView;
  return undefined;
}

/** Mount once per page: `<LiveTreeWatch onChange={setLive} />`. */
export function LiveTreeWatch({ onChange }: { onChange: (live: LiveTree) => void }) {
  const [generation, setGeneration] = useState(0);
  const queryClient = useQueryClient();
  const trpc = useTRPC();
  const restart = useCallback(
    (error: string) => {
      onChange({ state: "error", lastZxid: undefined, error });
      void queryClient.invalidateQueries({ queryKey: trpc.node.pathKey() });
      setTimeout(() => setGeneration((value) => value + 1), REWATCH_DELAY_MS);
    },
    [onChange, queryClient, trpc],
  );
  return <WatchStream key={generation} onChange={onChange} onFailed={restart} />;
}

function WatchStream({
  onChange,
  onFailed,
}: {
  onChange: (live: LiveTree) => void;
  onFailed: (error: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pending = useRef(new Set<string>());
  const scheduled = useRef<number | undefined>(undefined);
  const lastZxid = useRef<string | undefined>(undefined);

  useEffect(
    () => () => {
      if (scheduled.current !== undefined) cancelAnimationFrame(scheduled.current);
    },
    [],
  );

  const flush = () => {
    scheduled.current = undefined;
    const paths = [...pending.current];
    pending.current.clear();
    for (const path of paths) {
      void queryClient.invalidateQueries({ queryKey: trpc.node.get.queryKey({ path }) });
      void queryClient.invalidateQueries({ queryKey: trpc.node.exists.queryKey({ path }) });
      void queryClient.invalidateQueries({ queryKey: trpc.node.getAcl.queryKey({ path }) });
      void queryClient.invalidateQueries({ queryKey: trpc.node.children.queryKey({ path }) });
    }
    onChange({ state: "live", lastZxid: lastZxid.current, error: undefined });
  };

  const subscription = useSubscription(
    trpc.watch.events.subscriptionOptions(
      { path: "/", mode: "persistent_recursive" },
      {
        onData: (message: unknown) => {
          const event = eventOf(message);
          if (event === undefined) return;
          lastZxid.current = event.zxid;
          if (event.type !== "Progress") {
            pending.current.add(event.path);
            // Creation and deletion change the parent's listing and stat (numChildren, pzxid).
            if (event.type !== "NodeDataChanged") pending.current.add(parentOf(event.path));
          }
          if (scheduled.current === undefined) scheduled.current = requestAnimationFrame(flush);
        },
        onError: (error) => onFailed(error.message),
      },
    ),
  );
  // "pending" is tRPC's name for a subscription that is connected and listening.
  const state: LiveState =
    subscription.status === "pending" ? "live" : subscription.status === "error" ? "error" : "connecting";
  // biome-ignore lint/correctness/useExhaustiveDependencies: report only when the state changes.
  useEffect(() => {
    if (state !== "error") onChange({ state, lastZxid: lastZxid.current, error: undefined });
  }, [state]);
  return null;
}

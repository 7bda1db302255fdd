"use client";

/**
 * The children of every expanded node, as the browser lists them. A node's listing asks for stats
 * (kind icons, child counts) only when it has at most CHILD_STATS_MAX children: a stat per child of
 * a 100,000-child node would be megabytes nobody reads. The count comes from the node's own stat
 * (node.exists) before its children are asked for.
 */
import type { ChildView } from "@keel/api";
import { useQueries } from "@tanstack/react-query";
import { useMemo } from "react";
import { messageOf } from "../../lib/keel-error";
import { allChildren } from "../../trpc/all-children";
import { useTRPC, useTRPCClient } from "../../trpc/providers";
import { filterNames, sortNames } from "./tree-paths";
import type { ChildEntry, ChildListing } from "./visible-rows";

export const CHILD_STATS_MAX = 1000;

/** Sorted entries per listing object: sorting 100,000 names once per fetch, not once per render. */
const sortedCache = new WeakMap<readonly ChildView[], ChildEntry[]>();

function sortedEntries(children: readonly ChildView[]): ChildEntry[] {
  const cached = sortedCache.get(children);
  if (cached !== undefined) return cached;
  const byName = new Map(children.map((child) => [child.name, child]));
  const entries = sortNames([...byName.keys()]).map((name): ChildEntry => {
    const stat = byName.get(name)?.stat;
    if (stat === undefined) return { name };
    return { name, ephemeral: stat.ephemeralOwner !== "0", numChildren: stat.numChildren };
  });
  sortedCache.set(children, entries);
  return entries;
}

export interface ChildListings {
  listingOf: (path: string) => ChildListing | undefined;
  /** Changes whenever any listing changes: the memo key for the flattened rows. */
  version: string;
  /** Total children per loaded path (before filtering). */
  totalOf: (path: string) => number | undefined;
}

export function useChildListings(
  expanded: readonly string[],
  filter: { path: string; text: string } | undefined,
): ChildListings {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const counts = useQueries({
    queries: expanded.map((path) => ({ ...trpc.node.exists.queryOptions({ path }), staleTime: 5000 })),
  });
  const listings = useQueries({
    queries: expanded.map((path, index) => {
      const stat = counts[index]?.data?.stat;
      const withStats = stat !== undefined && stat !== null && stat.numChildren <= CHILD_STATS_MAX;
      // The procedure's own key (the live tree invalidates by it), every page of the listing.
      return {
        queryKey: trpc.node.children.queryKey({ path, withStats }),
        queryFn: () => allChildren(client, { path, withStats }),
        enabled: stat !== undefined && stat !== null,
        staleTime: 5000,
      };
    }),
  });

  const version = [
    filter?.path,
    filter?.text,
    ...listings.map(
      (query, index) => `${expanded[index]}:${query.status}:${query.dataUpdatedAt}:${counts[index]?.status}`,
    ),
  ].join("|");

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` captures every input that changes the result.
  return useMemo(() => {
    const byPath = new Map<string, ChildListing>();
    const totals = new Map<string, number>();
    expanded.forEach((path, index) => {
      const count = counts[index];
      const query = listings[index];
      if (count?.status === "error") {
        byPath.set(path, { state: "error", message: messageOf(count.error) });
        return;
      }
      if (count?.data?.stat === null) {
        byPath.set(path, { state: "error", message: "the node no longer exists" });
        return;
      }
      if (query === undefined || query.data === undefined) {
        byPath.set(
          path,
          query?.status === "error" ? { state: "error", message: messageOf(query.error) } : { state: "loading" },
        );
        return;
      }
      const entries = sortedEntries(query.data.children);
      totals.set(path, entries.length);
      if (filter !== undefined && filter.path === path && filter.text.trim().length > 0) {
        const kept = new Set(
          filterNames(
            entries.map((entry) => entry.name),
            filter.text,
          ),
        );
        byPath.set(path, {
          state: "loaded",
          children: entries.filter((entry) => kept.has(entry.name)),
          filteredFrom: entries.length,
        });
      } else {
        byPath.set(path, { state: "loaded", children: entries });
      }
    });
    return { listingOf: (path) => byPath.get(path), totalOf: (path) => totals.get(path), version };
  }, [version]);
}

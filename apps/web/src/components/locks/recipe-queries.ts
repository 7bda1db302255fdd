"use client";

/**
 * The recipe pages' data: the instances under a recipe root and each instance's queue (children
 * with stats plus their holder metadata), kept live by one persistent_recursive watch per root.
 * A persistent watch may be set on a path that does not exist yet (ZooKeeper's rule, which the
 * server follows), so a page opened before the first lock still sees it appear.
 */
import type { WatchEventView } from "@keel/api";
import type { RecipeChild } from "@keel/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { keelCodeOf } from "../../lib/keel-error";
import { allChildren } from "../../trpc/all-children";
import { useTRPCClient } from "../../trpc/providers";
import { recipeEventTarget, recipeInstanceKey, recipeNamesKey } from "./recipe-paths";
import { useLiveStream } from "./use-live-stream";

type Client = ReturnType<typeof useTRPCClient>;

/** NONODE means "nothing there (any more)": recipe parents are containers that come and go. */
async function orEmpty<T>(read: Promise<T>, empty: T): Promise<T> {
  try {
    return await read;
  } catch (error) {
    if (keelCodeOf(error) === "NONODE") return empty;
    throw error;
  }
}

async function readNames(client: Client, root: string): Promise<string[]> {
  const listing = await orEmpty(allChildren(client, { path: root }), undefined);
  return (listing?.children ?? []).map((child) => child.name).sort();
}

/** One instance's children with their data; a child deleted between the two reads is left out. */
async function readInstance(client: Client, dir: string): Promise<RecipeChild[]> {
  const listing = await orEmpty(allChildren(client, { path: dir, withStats: true }), undefined);
  const children = listing?.children ?? [];
  const nodes = await Promise.all(
    children.map((child) => orEmpty(client.node.get.query({ path: `${dir}/${child.name}` }), undefined)),
  );
  const out: RecipeChild[] = [];
  nodes.forEach((node, index) => {
    const name = children[index]?.name;
    if (node === undefined || name === undefined) return;
    out.push({ name, stat: node.stat, data: node.data });
  });
  return out;
}

export function useRecipeNames(root: string) {
  const client = useTRPCClient();
  return useQuery({ queryKey: recipeNamesKey(root), queryFn: () => readNames(client, root) });
}

/** One instance's queue as a query; shared by its card and the page's summary (one cache entry). */
export function recipeInstanceQuery(client: Client, root: string, name: string) {
  return {
    queryKey: recipeInstanceKey(root, name),
    queryFn: () => readInstance(client, `${root}/${name}`),
    // Keep the last queue on screen while the next one loads: no flicker on every change.
    placeholderData: (previous: RecipeChild[] | undefined) => previous,
  };
}

export function useRecipeInstance(root: string, name: string) {
  const client = useTRPCClient();
  return useQuery(recipeInstanceQuery(client, root, name));
}

/**
 * Follows every change under `root` and refetches what it touched. On every (re)start the stream
 * may have missed changes (another member, a gap), so everything under the root is refetched then.
 */
export function useRecipeRootWatch(root: string): { error: string | undefined } {
  const queryClient = useQueryClient();
  return useLiveStream<{ data: WatchEventView }>(
    `watch:${root}`,
    (client, callbacks) => client.watch.events.subscribe({ path: root, mode: "persistent_recursive" }, callbacks),
    {
      onStarted: () => void queryClient.invalidateQueries({ queryKey: recipeNamesKey(root) }),
      onData: ({ data: event }) => {
        if (event.type === "Progress") return;
        const target = recipeEventTarget(root, event.path);
        if (target.type === "instances") {
          void queryClient.invalidateQueries({ queryKey: recipeNamesKey(root), exact: true });
        } else if (target.type === "instance") {
          void queryClient.invalidateQueries({ queryKey: recipeInstanceKey(root, target.name) });
        }
      },
    },
  );
}

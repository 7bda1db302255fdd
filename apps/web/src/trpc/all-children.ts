/**
 * Every child of a node, page after page: `node.children` answers at most API_CHILDREN_LIMIT_MAX
 * (10,000) names per call, sorted, with `nextAfter` naming where the next page starts (docs/api.md).
 * The console lists whole nodes (the tree holds 100,000-child nodes), so it follows the pages, up to
 * CHILD_PAGES_MAX of them.
 */
import type { KeelClient } from "./member-client";

/** Pages followed for one listing: 100 × 10,000 = a million children. */
export const CHILD_PAGES_MAX = 100;

export interface ChildPage<T> {
  readonly children: readonly T[];
  readonly nextAfter: string | null;
}

/** Concatenates the pages `fetchPage(after)` returns; throws past `pagesMax` (a listing that never ends). */
export async function followChildPages<T, P extends ChildPage<T>>(
  fetchPage: (after: string | undefined) => Promise<P>,
  pagesMax = CHILD_PAGES_MAX,
): Promise<P & { children: T[] }> {
  const first = await fetchPage(undefined);
  const children = [...first.children];
  let nextAfter = first.nextAfter;
  for (let pages = 1; nextAfter !== null; pages++) {
    if (pages >= pagesMax) throw new Error(`more than ${pagesMax} pages of children`);
    const page = await fetchPage(nextAfter);
    children.push(...page.children);
    nextAfter = page.nextAfter;
  }
  return { ...first, children, nextAfter: null };
}

/** `node.children` of `path`, every page. */
export function allChildren(client: KeelClient, input: { path: string; withStats?: boolean }) {
  return followChildPages((after) => client.node.children.query(after === undefined ? input : { ...input, after }));
}

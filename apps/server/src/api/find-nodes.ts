/**
 * `node.find`: a bounded depth-first scan of the subtree at `path` for nodes whose own name starts
 * with `namePrefix` and/or whose data, read as UTF-8, contains `contains` (both given: both must
 * match; neither: every node matches). It visits at most `scanMax` nodes and keeps at most `limit`
 * matches; either bound sets `truncated`. Matches are sorted by path. Subtrees a world caller may
 * not list (ACL) are skipped, as the other admin walks do.
 */
import type { FindResultView } from "@keel/api";
import { baseName, childPath, KeelError, type KeelState } from "@keel/core";
import { statView } from "./views.js";

export interface FindQuery {
  readonly path: string;
  readonly namePrefix?: string | undefined;
  readonly contains?: string | undefined;
  readonly limit: number;
}

const utf8 = new TextDecoder("utf-8");

export function findNodes(
  state: Pick<KeelState, "get" | "children">,
  query: FindQuery,
  scanMax: number,
): FindResultView {
  const root = state.get(query.path);
  if (root instanceof KeelError) throw root;
  const matches: FindResultView["matches"] = [];
  const stack = [query.path];
  let scanned = 0;
  let truncated = false;
  for (let path = stack.pop(); path !== undefined; path = stack.pop()) {
    if (scanned >= scanMax || matches.length >= query.limit) {
      truncated = true;
      break;
    }
    const node = state.get(path);
    if (node instanceof KeelError) continue; // deleted meanwhile cannot happen (synchronous), NOAUTH can
    scanned += 1;
    if (nodeMatches(path, node.data, query)) matches.push({ path, stat: statView(node.stat) });
    const listing = state.children(path);
    if (listing instanceof KeelError) continue;
    // Reversed so the first child is visited first.
    for (let i = listing.children.length - 1; i >= 0; i--) stack.push(childPath(path, listing.children[i] as string));
  }
  matches.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { matches, scanned, truncated };
}

function nodeMatches(path: string, data: Uint8Array, query: FindQuery): boolean {
  if (query.namePrefix !== undefined && !baseName(path).startsWith(query.namePrefix)) return false;
  if (query.contains !== undefined && !utf8.decode(data).includes(query.contains)) return false;
  return true;
}

/**
 * The tree browser's flat list of visible rows. A tree of 100,000 children under one node stays
 * responsive because the browser never renders a tree: it renders this list through a virtualiser,
 * and the list is computed from what is expanded and loaded (children of collapsed or unloaded
 * nodes cost nothing).
 */
import { childPathOf } from "./tree-paths";

export interface ChildEntry {
  name: string;
  /** Set when the listing came with stats (small nodes): lets a row show its kind before it is opened. */
  ephemeral?: boolean;
  numChildren?: number;
}

/** What the browser knows about one expanded node's children. */
export type ChildListing =
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "loaded"; children: readonly ChildEntry[]; filteredFrom?: number };

export type VisibleRow =
  | {
      type: "node";
      path: string;
      name: string;
      depth: number;
      expanded: boolean;
      entry: ChildEntry;
    }
  | { type: "loading"; path: string; depth: number }
  | { type: "error"; path: string; depth: number; message: string }
  | { type: "empty"; path: string; depth: number; filtered: boolean };

/**
 * Flattens the expanded part of the tree under `root` into rows, depth first, children in the
 * listing's order. `listingOf` returns undefined for a node whose children were never asked for.
 * `rowsMax` bounds the output so that a runaway expansion cannot freeze the page.
 */
export function visibleRows(
  root: string,
  expanded: ReadonlySet<string>,
  listingOf: (path: string) => ChildListing | undefined,
  rowsMax: number,
): VisibleRow[] {
  const rows: VisibleRow[] = [];
  const rootEntry: ChildEntry = { name: root === "/" ? "/" : root };
  rows.push({ type: "node", path: root, name: "/", depth: 0, expanded: expanded.has(root), entry: rootEntry });
  if (expanded.has(root)) appendChildren(root, 1, expanded, listingOf, rows, rowsMax);
  return rows;
}

function appendChildren(
  parent: string,
  depth: number,
  expanded: ReadonlySet<string>,
  listingOf: (path: string) => ChildListing | undefined,
  rows: VisibleRow[],
  rowsMax: number,
): void {
  const listing = listingOf(parent);
  if (listing === undefined || listing.state === "loading") {
    rows.push({ type: "loading", path: parent, depth });
    return;
  }
  if (listing.state === "error") {
    rows.push({ type: "error", path: parent, depth, message: listing.message });
    return;
  }
  if (listing.children.length === 0) {
    // A leaf needs no placeholder (its icon says it); an empty filter result does.
    if (listing.filteredFrom !== undefined) rows.push({ type: "empty", path: parent, depth, filtered: true });
    return;
  }
  for (const entry of listing.children) {
    if (rows.length >= rowsMax) return;
    const path = childPathOf(parent, entry.name);
    const open = expanded.has(path);
    rows.push({ type: "node", path, name: entry.name, depth, expanded: open, entry });
    if (open) appendChildren(path, depth + 1, expanded, listingOf, rows, rowsMax);
  }
}

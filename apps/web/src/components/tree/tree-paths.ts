/**
 * Znode path arithmetic for the tree browser: joining, parents, ancestors, and the order children
 * are shown in. Pure; tree-paths.test.ts pins the edge cases ("/" is its own root, no trailing
 * slashes).
 */

/** The path of `name` under `parent` ("/" + "a" is "/a", "/a" + "b" is "/a/b"). */
export function childPathOf(parent: string, name: string): string {
  return parent === "/" ? `/${name}` : `${parent}/${name}`;
}

/** The parent of a path; "/" for top-level nodes and for "/" itself. */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

/** The last segment of a path ("" for "/"). */
export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Every proper ancestor of `path`, root first: "/a/b/c" gives ["/", "/a", "/a/b"]. */
export function ancestorsOf(path: string): string[] {
  if (path === "/") return [];
  const ancestors = ["/"];
  let at = path.indexOf("/", 1);
  while (at !== -1) {
    ancestors.push(path.slice(0, at));
    at = path.indexOf("/", at + 1);
  }
  return ancestors;
}

/** True when `path` is `root` or lies under it. */
export function isWithin(path: string, root: string): boolean {
  if (root === "/") return true;
  return path === root || path.startsWith(`${root}/`);
}

/**
 * A path typed by a person in canonical form: leading "/", no trailing or doubled slashes. Returns
 * undefined for text that cannot be a path (empty segments are dropped, "." and ".." refused).
 */
export function normalisePath(text: string): string | undefined {
  const segments = text
    .trim()
    .split("/")
    .filter((segment) => segment.length > 0);
  if (segments.some((segment) => segment === "." || segment === "..")) return undefined;
  return `/${segments.join("/")}`;
}

/** The znode path a /tree/... URL opens: its segments, URL-decoded, joined under "/". */
export function pathFromSegments(segments: readonly string[] | undefined): string {
  if (segments === undefined || segments.length === 0) return "/";
  return `/${segments.map((segment) => decodeURIComponent(segment)).join("/")}`;
}

/** The console URL that opens a znode path (each segment URL-encoded). */
export function treeHrefOf(path: string): string {
  if (path === "/") return "/tree";
  return `/tree${path
    .split("/")
    .map((segment) => encodeURIComponent(segment))
    .join("/")}`;
}

/**
 * Children in the order the browser lists them: by name, code-point order so that sequential
 * nodes (zero-padded counters) read in creation order and the order is the same in every locale.
 */
export function sortNames(names: readonly string[]): string[] {
  return [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Case-insensitive "contains" filter over sorted names; an empty filter keeps every name. */
export function filterNames(sorted: readonly string[], filter: string): readonly string[] {
  const needle = filter.trim().toLowerCase();
  if (needle.length === 0) return sorted;
  return sorted.filter((name) => name.toLowerCase().includes(needle));
}

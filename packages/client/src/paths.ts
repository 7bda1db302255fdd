/**
 * Path helpers for recipes: joining, parents, and the sequence suffix the server appends to
 * sequential nodes (ten digits, as in ZooKeeper). Pure.
 */

import { parseSequential, type SequentialName } from "@keel/core";

export function joinPath(parent: string, child: string): string {
  if (child.includes("/")) throw new RangeError(`a child name has no "/": ${child}`);
  return parent === "/" ? `/${child}` : `${parent}/${child}`;
}

export function parentOf(path: string): string {
  const index = path.lastIndexOf("/");
  if (index <= 0) return "/";
  return path.slice(0, index);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Every ancestor of `path` from the top, excluding "/" and `path` itself: /a/b/c → [/a, /a/b]. */
export function ancestorsOf(path: string): string[] {
  const parts = path.split("/").filter((part) => part.length > 0);
  const out: string[] = [];
  for (let index = 1; index < parts.length; index++) out.push(`/${parts.slice(0, index).join("/")}`);
  return out;
}

/** A recipe's name must be one path segment: no "/", not empty, not "." or "..". */
export function checkRecipeName(name: string): string {
  if (name.length === 0 || name.includes("/") || name === "." || name === "..") {
    throw new RangeError(`a recipe name is one path segment (no "/"), got ${JSON.stringify(name)}`);
  }
  return name;
}

// The sequential-name rule is core's, shared with the console's and CLI's recipe views.
export { parseSequential, type SequentialName };

/**
 * The sequential children whose prefix is one of `prefixes`, in sequence order (the order the
 * server created them). Other children are ignored, so stray nodes cannot break a recipe.
 */
export function sortBySequence(
  names: readonly string[],
  prefixes: readonly string[],
): { name: string; prefix: string; sequence: number }[] {
  const out: { name: string; prefix: string; sequence: number }[] = [];
  for (const name of names) {
    const parsed = parseSequential(name);
    if (parsed && prefixes.includes(parsed.prefix)) out.push({ name, ...parsed });
  }
  out.sort((a, b) => a.sequence - b.sequence || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return out;
}

/** Compares two decimal zxid strings as 64-bit numbers. */
export function compareZxid(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function maxZxid(a: string, b: string): string {
  return compareZxid(a, b) >= 0 ? a : b;
}

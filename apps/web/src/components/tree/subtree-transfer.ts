/**
 * Export and import of a subtree as JSON: `{ path, data, kind?, ttlMs?, children: [...] }`.
 * Export walks the subtree through an injected reader (bounded, reporting progress); import turns
 * a file into the creates that rebuild it under a chosen parent, parents before children. Both are
 * pure planning over injected I/O, so the rules (bounds, rebasing, kinds that cannot be recreated)
 * are tested without a server.
 */
import type { NodeKind } from "@keel/api";
import { childPathOf, nameOf } from "./tree-paths";

export interface SubtreeNode {
  path: string;
  data: string;
  kind?: NodeKind;
  ttlMs?: number;
  children: SubtreeNode[];
}

export interface NodeRead {
  data: string;
  kind: NodeKind;
  ttlMs?: number;
  childNames: readonly string[];
}

/** Largest subtree one export or import handles: beyond it the operator uses the CLI. */
export const SUBTREE_NODES_MAX = 20_000;

export class SubtreeTooLargeError extends Error {
  constructor(readonly nodesMax: number) {
    super(`the subtree has more than ${nodesMax} nodes; export a smaller part of it`);
  }
}

/**
 * Reads the subtree at `root` breadth first (each level's reads can run together), children in
 * name order. Throws SubtreeTooLargeError past `nodesMax`; a node deleted during the walk is left
 * out (`read` returns undefined).
 */
export async function exportSubtree(
  root: string,
  read: (path: string) => Promise<NodeRead | undefined>,
  onProgress: (nodesRead: number) => void,
  nodesMax = SUBTREE_NODES_MAX,
): Promise<SubtreeNode | undefined> {
  const rootRead = await read(root);
  if (rootRead === undefined) return undefined;
  const top = nodeOf(root, rootRead);
  let level: { node: SubtreeNode; childNames: readonly string[] }[] = [{ node: top, childNames: rootRead.childNames }];
  let count = 1;
  onProgress(count);
  while (level.length > 0) {
    const next: typeof level = [];
    for (const { node, childNames } of level) {
      if (count + childNames.length > nodesMax) throw new SubtreeTooLargeError(nodesMax);
      const names = [...childNames].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const reads = await Promise.all(names.map((name) => read(childPathOf(node.path, name))));
      reads.forEach((childRead, index) => {
        const name = names[index];
        if (childRead === undefined || name === undefined) return;
        const child = nodeOf(childPathOf(node.path, name), childRead);
        node.children.push(child);
        next.push({ node: child, childNames: childRead.childNames });
      });
      count += reads.length;
      onProgress(count);
    }
    level = next;
  }
  return top;
}

function nodeOf(path: string, read: NodeRead): SubtreeNode {
  const node: SubtreeNode = { path, data: read.data, kind: read.kind, children: [] };
  if (read.ttlMs !== undefined) node.ttlMs = read.ttlMs;
  return node;
}

export interface PlannedCreate {
  path: string;
  data: string;
  kind: NodeKind;
  ttlMs?: number;
}

/**
 * The kind a node is recreated with. A sequential node's name already carries its counter, so it
 * is recreated under that name without the sequential flag; an ephemeral belonged to a session
 * that is not the importer's, so it comes back persistent.
 */
export function importKindOf(kind: NodeKind | undefined, ttlMs: number | undefined): NodeKind {
  switch (kind) {
    case undefined:
    case "persistent":
    case "persistent_sequential":
    case "ephemeral":
    case "ephemeral_sequential":
      return "persistent";
    case "container":
      return "container";
    case "ttl":
    case "ttl_sequential":
      return ttlMs === undefined ? "persistent" : "ttl";
    default:
      return unreachable(kind);
  }
}

function unreachable(value: never): never {
  throw new Error(`unexpected node kind ${String(value)}`);
}

/**
 * The creates that rebuild `tree` under `parent`, parents first. The exported root keeps its name
 * (an export of /app imported under /restore lands at /restore/app); an export of "/" puts its
 * children directly under the parent.
 */
export function planImport(tree: SubtreeNode, parent: string): PlannedCreate[] {
  const plan: PlannedCreate[] = [];
  const visit = (node: SubtreeNode, target: string) => {
    const kind = importKindOf(node.kind, node.ttlMs);
    plan.push(
      kind === "ttl" && node.ttlMs !== undefined
        ? { path: target, data: node.data, kind, ttlMs: node.ttlMs }
        : { path: target, data: node.data, kind },
    );
    for (const child of node.children) visit(child, childPathOf(target, nameOf(child.path)));
  };
  if (tree.path === "/") for (const child of tree.children) visit(child, childPathOf(parent, nameOf(child.path)));
  else visit(tree, childPathOf(parent, nameOf(tree.path)));
  return plan;
}

/** Parses and checks an export file; the message says what is wrong and where. */
export function parseSubtree(text: string): { tree: SubtreeNode; nodes: number } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  let nodes = 0;
  const check = (candidate: unknown, where: string): SubtreeNode | string => {
    nodes += 1;
    if (nodes > SUBTREE_NODES_MAX) return `more than ${SUBTREE_NODES_MAX} nodes`;
    if (typeof candidate !== "object" || candidate === null) return `${where} is not an object`;
    const record = candidate as Record<string, unknown>;
    if (typeof record.path !== "string" || !record.path.startsWith("/"))
      return `${where}.path must be a path such as /app`;
    if (typeof record.data !== "string") return `${where}.data must be a string`;
    const children = record.children ?? [];
    if (!Array.isArray(children)) return `${where}.children must be a list`;
    const checked: SubtreeNode[] = [];
    for (const [index, child] of children.entries()) {
      const result = check(child, `${where}.children[${index}]`);
      if (typeof result === "string") return result;
      checked.push(result);
    }
    const node: SubtreeNode = { path: record.path, data: record.data, children: checked };
    if (typeof record.kind === "string") node.kind = record.kind as NodeKind;
    if (typeof record.ttlMs === "number") node.ttlMs = record.ttlMs;
    return node;
  };
  const result = check(value, "root");
  return typeof result === "string" ? { error: result } : { tree: result, nodes };
}

/** Paths in the order a recursive delete removes them: deepest first, so every node is empty when deleted. */
export function deletionOrder(paths: readonly string[]): string[] {
  const depth = (path: string) => (path === "/" ? 0 : path.split("/").length - 1);
  return [...paths].sort((a, b) => depth(b) - depth(a) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Every path of the subtree at `root` (root included), through an injected child lister; stops
 * with SubtreeTooLargeError past `nodesMax`, so the confirmation never promises an unbounded walk.
 */
export async function collectSubtree(
  root: string,
  listChildren: (path: string) => Promise<readonly string[]>,
  nodesMax = SUBTREE_NODES_MAX,
): Promise<string[]> {
  const paths = [root];
  for (let index = 0; index < paths.length; index += 1) {
    const path = paths[index] as string;
    const names = await listChildren(path);
    if (paths.length + names.length > nodesMax) throw new SubtreeTooLargeError(nodesMax);
    for (const name of names) paths.push(childPathOf(path, name));
  }
  return paths;
}

/**
 * Walks a subtree breadth-first with node.children (with stats), bounded by `nodesMax` so that
 * `ls -R /` on a big tree cannot run the CLI out of memory; the caller says when it was cut.
 */
import type { StatView } from "@keel/api";
import { CliError } from "./cli-error.js";
import type { Remote } from "./remote.js";

export interface WalkedNode {
  readonly path: string;
  /** Depth below the walk's root (its children are 1). */
  readonly depth: number;
  readonly stat: StatView;
}

export interface Walk {
  readonly nodes: WalkedNode[];
  readonly truncated: boolean;
}

export function childPath(parent: string, name: string): string {
  return parent === "/" ? `/${name}` : `${parent}/${name}`;
}

export async function walk(
  remote: Remote,
  root: string,
  options: { recursive: boolean; nodesMax: number },
): Promise<Walk> {
  const nodes: WalkedNode[] = [];
  const queue: { path: string; depth: number }[] = [{ path: root, depth: 0 }];
  while (queue.length > 0) {
    const parent = queue.shift() as { path: string; depth: number };
    let children: { name: string; stat?: StatView }[];
    try {
      ({ children } = await remote.read((client, signal) =>
        client.node.children.query({ path: parent.path, withStats: true }, { signal }),
      ));
    } catch (error) {
      // A node deleted between its parent's listing and its own is simply gone.
      if (parent.depth > 0 && error instanceof CliError && error.keelCode === "NONODE") continue;
      throw error;
    }
    for (const child of children) {
      if (nodes.length >= options.nodesMax) return { nodes, truncated: true };
      const path = childPath(parent.path, child.name);
      if (child.stat === undefined) throw new CliError(`the server sent no stat for ${path}`);
      nodes.push({ path, depth: parent.depth + 1, stat: child.stat });
      if (options.recursive && child.stat.numChildren > 0) queue.push({ path, depth: parent.depth + 1 });
    }
  }
  return { nodes, truncated: false };
}

import { integerOption } from "../args.js";
import type { Command } from "../command.js";
import { flag, stringOption } from "../command.js";
import { json, LONG_LISTING_HEADERS, longListingRow, table } from "../format.js";
import { walk } from "../tree-walk.js";

const NODES_MAX_DEFAULT = 10_000;

export const lsCommand: Command = {
  name: "ls",
  summary: "list a node's children (-R: the whole subtree, -l: with stat)",
  synopsis: "[PATH]",
  help: "PATH defaults to /. -R lists full paths, breadth-first, up to --max nodes.",
  options: {
    recursive: { type: "boolean", short: "R", description: "list the whole subtree (full paths)" },
    long: { type: "boolean", short: "l", description: "a table with version, size, children, owner, mtime" },
    max: { type: "string", valueName: "N", description: `stop after N nodes (default ${NODES_MAX_DEFAULT})` },
  },
  positionals: { min: 0, max: 1 },
  pathArgument: true,
  async run(context, args) {
    const root = args.positionals[0] ?? "/";
    const recursive = flag(args, "recursive");
    const nodesMax = integerOption("max", stringOption(args, "max"), 1, 10_000_000) ?? NODES_MAX_DEFAULT;
    const { nodes, truncated } = await walk(context.remote, root, { recursive, nodesMax });
    const name = (path: string) => (recursive ? path : (path.split("/").pop() as string));
    if (context.json) {
      context.out(json({ path: root, truncated, nodes: nodes.map((node) => ({ path: node.path, stat: node.stat })) }));
    } else if (flag(args, "long")) {
      if (nodes.length > 0)
        context.out(
          table(
            LONG_LISTING_HEADERS,
            nodes.map((node) => longListingRow(name(node.path), node.stat)),
          ),
        );
    } else {
      for (const node of nodes) context.out(`${name(node.path)}\n`);
    }
    if (truncated) context.note(`(stopped after ${nodesMax} nodes; raise --max to see more)`);
    return 0;
  },
};

import { integerOption } from "../args.js";
import { CliError, UsageError } from "../cli-error.js";
import type { Command, CommandContext } from "../command.js";
import { flag, stringOption } from "../command.js";
import { json } from "../format.js";
import type { Remote } from "../remote.js";
import { walk } from "../tree-walk.js";

const SUBTREE_MAX_DEFAULT = 100_000;
/** Rounds of re-listing when new children appear while a subtree is being deleted. */
const RECURSIVE_ROUNDS_MAX = 5;

export const deleteCommand: Command = {
  name: "delete",
  summary: "delete a node (-r: with its whole subtree, after confirmation)",
  synopsis: "PATH",
  help: [
    "-v deletes only if the node is still at that version (BADVERSION otherwise).",
    "-r deletes the subtree deepest-first, one node at a time (not atomic: a node created",
    "meanwhile is picked up by re-listing). It asks for confirmation on a terminal; elsewhere",
    "(scripts, pipes) it refuses unless --yes is given.",
    "--force-release REASON deletes a holder's node (e.g. a stuck lock holder found with `keel locks`)",
    "so that its holder and every watcher learn it was force-released and why.",
  ].join("\n"),
  options: {
    version: { type: "string", short: "v", valueName: "N", description: "only if the node's version is N" },
    recursive: { type: "boolean", short: "r", description: "delete the node and everything below it" },
    yes: { type: "boolean", short: "y", description: "with -r: do not ask for confirmation" },
    max: {
      type: "string",
      valueName: "N",
      description: `with -r: refuse subtrees over N nodes (default ${SUBTREE_MAX_DEFAULT})`,
    },
    "force-release": {
      type: "string",
      valueName: "REASON",
      description: "an operator's release of a lock or leadership: watchers see this reason as the cause",
    },
  },
  positionals: { min: 1, max: 1 },
  pathArgument: true,
  async run(context, args) {
    const path = args.positionals[0] as string;
    const version = integerOption("version", stringOption(args, "version"), -1, 2_147_483_647) ?? -1;
    const forceRelease = stringOption(args, "force-release");
    if (forceRelease !== undefined) {
      if (flag(args, "recursive"))
        throw new UsageError("--force-release releases one node; it cannot be combined with -r");
      await context.remote.write((client, signal) =>
        client.node.delete.mutate({ path, version, forceRelease: { reason: forceRelease } }, { signal }),
      );
      context.out(
        context.json ? json({ deleted: [path], forceRelease: { reason: forceRelease } }) : `released ${path}\n`,
      );
      return 0;
    }
    if (!flag(args, "recursive")) {
      await deleteOne(context.remote, path, version);
      context.out(context.json ? json({ deleted: [path] }) : `deleted ${path}\n`);
      return 0;
    }
    if (path === "/") throw new UsageError("refusing to delete / recursively");
    const nodesMax = integerOption("max", stringOption(args, "max"), 1, 10_000_000) ?? SUBTREE_MAX_DEFAULT;
    const deleted = await deleteRecursive(context, path, version, nodesMax, flag(args, "yes"));
    if (deleted === undefined) {
      context.note("not deleted");
      return 1;
    }
    if (context.json) context.out(json({ deleted }));
    else context.out(`deleted ${path} and ${deleted.length - 1} node${deleted.length === 2 ? "" : "s"} below it\n`);
    return 0;
  },
};

async function deleteOne(remote: Remote, path: string, version: number): Promise<void> {
  await remote.write((client, signal) => client.node.delete.mutate({ path, version }, { signal }));
}

/** Returns the deleted paths (deepest first, the root last), or undefined when not confirmed. */
async function deleteRecursive(
  context: CommandContext,
  root: string,
  version: number,
  nodesMax: number,
  yes: boolean,
): Promise<string[] | undefined> {
  const first = await walk(context.remote, root, { recursive: true, nodesMax });
  if (first.truncated)
    throw new CliError(`${root} has more than ${nodesMax} nodes below it; raise --max to delete it`, 1, "BADARGUMENTS");
  if (!yes && first.nodes.length > 0) {
    if (context.io.stdin.isTTY !== true)
      throw new UsageError(
        `refusing to delete ${root} and ${first.nodes.length} nodes below it without confirmation (stdin is not a terminal); add --yes`,
      );
    if (!(await context.confirm(`delete ${root} and the ${first.nodes.length} nodes below it?`))) return undefined;
  }
  const deleted: string[] = [];
  let nodes = first.nodes;
  for (let round = 0; round < RECURSIVE_ROUNDS_MAX; round++) {
    // Deepest first, so every node is a leaf by the time it is deleted.
    const ordered = [...nodes].sort((a, b) => b.depth - a.depth || (a.path < b.path ? 1 : -1));
    let raced = false;
    for (const node of ordered) {
      try {
        await deleteOne(context.remote, node.path, -1);
        deleted.push(node.path);
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        if (error.keelCode === "NONODE") continue; // someone else deleted it: fine
        if (error.keelCode === "NOTEMPTY") {
          raced = true; // a child appeared meanwhile: re-list and go again
          break;
        }
        throw error;
      }
    }
    if (!raced) {
      try {
        await deleteOne(context.remote, root, version);
        deleted.push(root);
        return deleted;
      } catch (error) {
        if (!(error instanceof CliError) || error.keelCode !== "NOTEMPTY") throw error;
      }
    }
    nodes = (await walk(context.remote, root, { recursive: true, nodesMax })).nodes;
  }
  throw new CliError(
    `${root} kept gaining children while being deleted; gave up after ${RECURSIVE_ROUNDS_MAX} rounds`,
    1,
    "NOTEMPTY",
  );
}

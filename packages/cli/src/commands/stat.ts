import { CliError } from "../cli-error.js";
import type { Command } from "../command.js";
import { flag } from "../command.js";
import { json, keyValues, statRows } from "../format.js";

export const statCommand: Command = {
  name: "stat",
  summary: "print a node's stat (versions, zxids, times, owner, sizes)",
  synopsis: "PATH",
  options: {
    linearizable: { type: "boolean", short: "l", description: "sync through the leader first" },
  },
  positionals: { min: 1, max: 1 },
  pathArgument: true,
  async run(context, args) {
    const path = args.positionals[0] as string;
    const { stat } = await context.remote.read((client, signal) =>
      client.node.exists.query({ path, linearizable: flag(args, "linearizable") }, { signal }),
    );
    if (stat === null) throw new CliError(`no node ${path}`, undefined, "NONODE");
    context.out(context.json ? json({ path, stat }) : keyValues(statRows(stat)));
    return 0;
  },
};
